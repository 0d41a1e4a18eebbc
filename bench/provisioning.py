"""Provisioning a program: cloning the migrated template schema vs running every migration."""

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

    clone_times, migrate_times = [], []
    for _ in range(rounds):
        program = new_program("clone")
        started = time.perf_counter()
        result = provision_program(program_id=program.pk)
        clone_times.append(time.perf_counter() - started)
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

    clone, migrate = median(clone_times), median(migrate_times)
    print(f"Provisioning a program (median of {rounds} rounds each)")
    print(f"  clone template schema : {clone * 1000:8.1f} ms")
    print(f"  run every migration   : {migrate * 1000:8.1f} ms")
    print(f"  clone / migrate ratio : {clone / migrate:8.2f}  (target: clone < 2 s and <= 0.20)")
    return {"clone_s": clone, "migrate_s": migrate}
