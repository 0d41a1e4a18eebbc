"""Provisioning a program: taking a spare clone of the template (made ahead by the previous
provisioning job), cloning the template there and then, and running every migration."""

import time
import uuid

from _django import median


def run(rounds=5):
    from django.db import connection
    from django.test import override_settings

    from organizations.models import Domain, HealthDepartment, Program, ProgramType
    from organizations.services import program_host, provision_program

    department, _ = HealthDepartment.objects.get_or_create(name="Bench Department")

    def new_program(prefix):
        slug = f"{prefix}-{uuid.uuid4().hex[:10]}"
        program = Program.objects.create(
            name=slug, slug=slug, program_type=ProgramType.DROP_IN, health_department=department
        )
        Domain.objects.create(domain=program_host(slug), tenant=program)
        return program

    def drop(program):
        from organizations.schemas import drop_program_schema

        drop_program_schema(program.schema_name)
        program.delete()

    from organizations.schemas import replenish_spare_schemas

    spare_times, clone_times, migrate_times = [], [], []
    for _ in range(rounds):
        replenish_spare_schemas()  # what the previous provisioning job did after its program
        for times in (spare_times, clone_times):  # the second finds no spare left
            program = new_program("clone")
            started = time.perf_counter()
            result = provision_program(program_id=program.pk)
            times.append(time.perf_counter() - started)
            assert result.status == "ready", result.failure_reason
            drop(program)

        program = new_program("migrate")
        # Schema changes run as the owner role (the app role may not make tables).
        with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=False, TENANT_DB_ALIAS="owner"):
            started = time.perf_counter()
            program.create_schema(check_if_exists=False, verbosity=0)
            migrate_times.append(time.perf_counter() - started)
        connection.set_schema_to_public()
        drop(program)

    spare, clone, migrate = (median(t) for t in (spare_times, clone_times, migrate_times))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_namespace")
        schemas = cursor.fetchone()[0]
    print(f"Provisioning a program (median of {rounds} rounds each; {schemas} schemas in the db)")
    print(f"  from a spare clone    : {spare * 1000:8.1f} ms  (what a new program waits for)")
    print(f"  clone template now    : {clone * 1000:8.1f} ms  (no spare ready)")
    print(f"  run every migration   : {migrate * 1000:8.1f} ms")
    print(f"  spare / migrate ratio : {spare / migrate:8.2f}  (target: < 2 s and <= 0.20)")
    print(f"  clone / migrate ratio : {clone / migrate:8.2f}")
    return {"spare_s": spare, "clone_s": clone, "migrate_s": migrate}
