"""Case numbers without gaps: one counter row per program, started past every number the
identity sequence ever gave (so a number that was used, even by a purged case, is not given
again)."""

from django.db import migrations, models


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
        migrations.RunSQL(
            "INSERT INTO workflow_casenumber (id, last) SELECT 1, GREATEST("
            " (SELECT COALESCE(max(id), 0) FROM workflow_case),"
            " COALESCE(pg_sequence_last_value("
            "pg_get_serial_sequence('workflow_case', 'id')::regclass), 0))",
            "DELETE FROM workflow_casenumber",
        ),
    ]
