"""Migrations at 1,000 programs: `migrate_all` beside plain `migrate_schemas`, with nothing to
migrate and with one real migration (a nullable column and its index on the case table).

Runs in a child process on a database of its own (`harmrepair_bench_migrations`), built once
and kept: its programs are made the way provisioning makes them (`create_program_schema`: a
clone of the migrated template, its migrations recorded, its role granted). The real migration
lives in a copy of the workflow's migrations in a temporary folder (MIGRATION_MODULES), and
is undone after each run, so the source tree is never touched.

BENCH_MIGRATION_PROGRAMS sets how many programs (default 1,000); BENCH_MIGRATION_PLAIN=0 skips
the plain `migrate_schemas` figures (they take minutes at 1,000 programs).
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = "harmrepair_bench_migrations"
PROGRAMS = int(os.environ.get("BENCH_MIGRATION_PROGRAMS", "1000"))
SLUG = "mbench-{:04d}"
BENCH_MIGRATION = "0999_bench_note"
BENCH_MODULE = "bench_workflow_migrations"


def run():
    """Entry point for bench/run.py: everything happens in a child process."""
    from django.conf import settings

    from config import services

    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "platform"), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": services.with_database(settings.DATABASE_URL, DB_NAME),
        "DATABASE_OWNER_URL": services.with_database(settings.DATABASE_OWNER_URL, DB_NAME),
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run([sys.executable, __file__], env=env, cwd=ROOT, check=True)  # noqa: S603


# ---- everything below runs in the child process ----


def _timed(label, fn):
    started = time.perf_counter()
    fn()
    took = time.perf_counter() - started
    print(f"  ({label}: {took:.1f} s)", flush=True)
    return took


def _dump_schema(schema):
    """The SQL that recreates one provisioned schema exactly (tables, indexes, constraints,
    triggers, functions, sequences and rows), privileges left to `grant_program`."""
    dump = subprocess.run(  # noqa: S603
        [
            shutil.which("pg_dump") or "pg_dump",
            f"--dbname={os.environ['DATABASE_OWNER_URL']}",
            f"--schema={schema}",
            "--no-owner",
            "--no-privileges",
            "--inserts",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    # psql's own commands (`\\restrict`) are not SQL.
    return "\n".join(line for line in dump.splitlines() if not line.startswith("\\"))


def build_programs():
    """PROGRAMS programs, kept between runs. The first is made by provisioning itself
    (`create_program_schema`: a clone of the template, migrations recorded, role granted);
    the others are exact copies of that provisioned schema (pg_dump of it, renamed), each with
    its row, address and role as provisioning leaves them: cloning the template takes seconds a
    program on a busy machine, replaying its dump a fraction of that."""
    import re

    import psycopg
    from django.db import connection, transaction
    from django.utils import timezone
    from django_tenants.utils import schema_exists

    from config import dbroles
    from organizations.migrating import owner_params
    from organizations.models import Domain, HealthDepartment, Program, ProgramStatus, ProgramType
    from organizations.schemas import create_program_schema

    department, _ = HealthDepartment.objects.get_or_create(name="Migration bench department")
    app_role = connection.settings_dict["USER"]
    made, started, model = 0, time.perf_counter(), None
    for index in range(PROGRAMS):
        slug = SLUG.format(index)
        program = Program.objects.filter(slug=slug).first()
        if program is not None and schema_exists(program.schema_name, "owner"):
            continue
        if program is None:
            program = Program.objects.create(
                name=slug,
                slug=slug,
                program_type=ProgramType.DROP_IN,
                health_department=department,
                status=ProgramStatus.READY,
                ready_at=timezone.now(),
            )
            Domain.objects.create(domain=f"{slug}.localhost", tenant=program)
        first = Program.objects.get(slug=SLUG.format(0))
        if index == 0:
            # Inside a transaction on the app connection, as in provisioning (which holds the
            # program's row lock there): django-tenants' migrate then leaves the owner's open.
            with transaction.atomic():
                create_program_schema(program.schema_name)
            connection.set_schema_to_public()
        else:
            if model is None:
                model = _dump_schema(first.schema_name)
            script = re.sub(rf"\b{re.escape(first.schema_name)}\b", program.schema_name, model)
            with psycopg.connect(**owner_params()) as conn, conn.cursor() as cursor:
                cursor.execute(script)
                cursor.execute("SET search_path TO public")
                dbroles.grant_program(cursor, program.schema_name, app_role)
        made += 1
        if made % 50 == 0:
            print(f"  (built {made} programs in {time.perf_counter() - started:.0f} s)", flush=True)
    return made, time.perf_counter() - started


def bench_migration_module(folder):
    """A copy of the workflow's migrations plus one more: a nullable column with an index."""
    from django.db.migrations.loader import MigrationLoader

    import workflow.migrations

    package = Path(folder) / BENCH_MODULE
    shutil.copytree(Path(workflow.migrations.__file__).parent, package)
    leaf = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes("workflow")[0][1]
    (package / f"{BENCH_MIGRATION}.py").write_text(
        "from django.db import migrations, models\n\n\n"
        "class Migration(migrations.Migration):\n"
        f"    dependencies = [('workflow', '{leaf}')]\n"
        "    operations = [\n"
        "        migrations.AddField('case', 'bench_note',"
        " models.CharField(max_length=40, null=True)),\n"
        "        migrations.AddIndex('case',"
        " models.Index(fields=['bench_note'], name='case_bench_note_idx')),\n"
        "    ]\n"
    )
    sys.path.insert(0, str(folder))


def undo_bench_migration():
    """Take the bench's column and its record away again, everywhere."""
    from django.db import connections

    from organizations.models import Program

    schemas = ["program_template", *Program.objects.values_list("schema_name", flat=True)]
    owner = connections["owner"]
    owner.set_schema_to_public()
    for start in range(0, len(schemas), 100):
        with owner.cursor() as cursor:
            for schema in schemas[start : start + 100]:
                # Names from the catalog and the bench's own constant.
                cursor.execute(
                    f'SET search_path TO "{schema}";'  # noqa: S608
                    " ALTER TABLE IF EXISTS workflow_case DROP COLUMN IF EXISTS bench_note;"
                    " DELETE FROM django_migrations"
                    f" WHERE app = 'workflow' AND name = '{BENCH_MIGRATION}'"
                )
    owner.set_schema_to_public()


def main():
    import importlib.util

    # Loaded by path: the bench folder stays off sys.path (bench/summaries.py would shadow the
    # summaries app).
    spec = importlib.util.spec_from_file_location(
        "bench_reminders", Path(__file__).parent / "reminders.py"
    )
    reminders = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reminders)

    started = time.perf_counter()
    reminders.setup_database()
    print(f"  (public and template schemas migrated: {time.perf_counter() - started:.0f} s)")
    made, took = build_programs()
    if made:
        print(f"  (built {made} programs the way provisioning does: {took:.0f} s)", flush=True)
    if os.environ.get("BENCH_MIGRATION_BUILD_ONLY"):
        return None

    from django.core.management import call_command
    from django.db import connection
    from django.test import override_settings

    from organizations.models import Program

    programs = Program.objects.filter(slug__startswith="mbench-").count()
    options = {"verbosity": 0, "interactive": False}
    plain_options = {**options, "database": "owner"}
    undo_bench_migration()
    _timed("bring every program up to date", lambda: call_command("migrate_all", **options))
    connection.set_schema_to_public()

    plain = os.environ.get("BENCH_MIGRATION_PLAIN", "1") != "0"
    figures = {}
    if plain:
        figures["plain idle"] = _timed(
            "plain migrate_schemas, nothing to do",
            lambda: call_command("migrate_schemas", **plain_options),
        )
        connection.set_schema_to_public()
    figures["ours idle"] = _timed(
        "migrate_all, nothing to do", lambda: call_command("migrate_all", **options)
    )
    connection.set_schema_to_public()
    with tempfile.TemporaryDirectory() as folder:
        bench_migration_module(folder)
        with override_settings(MIGRATION_MODULES={"workflow": BENCH_MODULE}):
            if plain:
                figures["plain real"] = _timed(
                    "plain migrate_schemas, one real migration",
                    lambda: call_command("migrate_schemas", **plain_options),
                )
                connection.set_schema_to_public()
                undo_bench_migration()
            figures["ours real"] = _timed(
                "migrate_all, one real migration",
                lambda: call_command("migrate_all", verbosity=1, interactive=False),
            )
            connection.set_schema_to_public()
        undo_bench_migration()

    def show(key):
        return f"{figures[key]:8.1f} s" if key in figures else "   (skipped)"

    print(f"Migrations at {programs} programs (made as provisioning makes them)")
    print("                         plain migrate_schemas   migrate_all")
    print(f"  nothing to migrate   : {show('plain idle')}          {show('ours idle')}")
    print(f"  one real migration   : {show('plain real')}          {show('ours real')}")
    print("  targets (migrate_all): nothing to migrate < 15 s; real migration < 180 s")
    return figures


if __name__ == "__main__":
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
    main()
