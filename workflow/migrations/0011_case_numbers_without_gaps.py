"""Case numbers without gaps: one counter row per program, started past every number the
identity sequence ever gave (so a number that was used, even by a purged case, is not given
again)."""

from django.db import migrations, models


def start_counter(apps, schema_editor):
    """Edited for Citus (issue 21): first written as one INSERT ... SELECT, which Citus sends
    whole to the worker holding the program's tables, where the name inside
    pg_get_serial_sequence('workflow_case', ...) means nothing (no program schema on that
    session's search_path). The sequence is read here, on the coordinator, then the row goes
    in: the same row as before."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(max(id), 0) FROM workflow_case")
        (highest,) = cursor.fetchone()
        cursor.execute(
            "SELECT COALESCE(pg_sequence_last_value("
            "pg_get_serial_sequence('workflow_case', 'id')::regclass), 0)"
        )
        (issued,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO workflow_casenumber (id, last) VALUES (1, %s)", [max(highest, issued)]
        )


def remove_counter(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DELETE FROM workflow_casenumber")


class Migration(migrations.Migration):

    dependencies = [
        ('workflow', '0010_anonymous_filers_and_party_pages'),
    ]

    operations = [
        migrations.CreateModel(
            name='CaseNumber',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('last', models.BigIntegerField(verbose_name='last case number given')),
            ],
            options={
                'constraints': [models.CheckConstraint(condition=models.Q(('id', 1)), name='case_number_one_row')],
            },
        ),
        migrations.RunPython(start_counter, remove_counter),
    ]
