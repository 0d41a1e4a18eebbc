"""Ready for Citus schema-based sharding (issue 21, infra/SCALING.md), same schema and rules on
plain PostgreSQL:

- every CHECK constraint has a name: the Positive*Fields' unnamed inline CHECKs (>= 0) become
  named constraints (Citus refuses unnamed ones in ALTER TABLE);
- the guard functions read their tables as TG_TABLE_SCHEMA.<table>: on a Citus worker the
  trigger runs on a shard (``workflow_decision_102070``) in a session whose search_path does not
  hold the program's schema, so neither an unqualified name nor TG_TABLE_NAME can be relied on.
  The impartiality triggers pass the duty they check as an argument instead.

One statement per RunSQL item: Citus forwards each to the shards as one command. Reversed, the
new bodies and triggers stay: they enforce the same rules for the earlier schema."""

from django.conf import settings
from django.db import migrations, models


# Left by 0007 as first written (a PositiveIntegerField); absent on databases made since.
UNNAMED_CHECKS = [
    "ALTER TABLE workflow_purgerecord"
    " DROP CONSTRAINT IF EXISTS workflow_purgerecord_low_level_responses_purged_check",
]

REFUSE_PARTY_AS_OFFICIAL = """
CREATE OR REPLACE FUNCTION refuse_party_as_official() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    duty text := TG_ARGV[0];
    person bigint;
    refused boolean;
BEGIN
    IF duty = 'investigator' THEN
        person := NEW.investigator_id;
    ELSIF duty = 'decider' THEN
        person := NEW.decided_by_id;
    ELSIF duty = 'appeal reviewer' THEN
        person := NEW.reviewer_id;
    ELSE
        RAISE EXCEPTION 'impartiality trigger with an unknown duty: %', duty;
    END IF;
    IF person IS NULL THEN
        RETURN NEW;
    END IF;
    EXECUTE format(
        'SELECT EXISTS (SELECT 1 FROM %I.workflow_caseparty'
        ' WHERE case_id = $1 AND staff_user_id = $2)', TG_TABLE_SCHEMA)
        INTO refused USING NEW.case_id, person;
    IF refused THEN
        RAISE EXCEPTION 'a party to case % cannot be its %', NEW.case_id, duty
            USING ERRCODE = 'check_violation';
    END IF;
    IF duty = 'appeal reviewer' THEN
        EXECUTE format(
            'SELECT EXISTS (SELECT 1 FROM %I.workflow_decision'
            ' WHERE case_id = $1 AND decided_by_id = $2)', TG_TABLE_SCHEMA)
            INTO refused USING NEW.case_id, person;
        IF refused THEN
            RAISE EXCEPTION 'the decider of case % cannot review its appeal', NEW.case_id
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END
$$
"""

REFUSE_OFFICIAL_AS_PARTY = """
CREATE OR REPLACE FUNCTION refuse_official_as_party() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    refused boolean;
BEGIN
    IF NEW.staff_user_id IS NULL THEN
        RETURN NEW;
    END IF;
    EXECUTE format(
        'SELECT EXISTS (SELECT 1 FROM %1$I.workflow_investigation'
        '               WHERE case_id = $1 AND investigator_id = $2)'
        ' OR EXISTS (SELECT 1 FROM %1$I.workflow_decision'
        '            WHERE case_id = $1 AND decided_by_id = $2)'
        ' OR EXISTS (SELECT 1 FROM %1$I.workflow_appeal'
        '            WHERE case_id = $1 AND reviewer_id = $2)', TG_TABLE_SCHEMA)
        INTO refused USING NEW.case_id, NEW.staff_user_id;
    IF refused THEN
        RAISE EXCEPTION 'the investigator, decider or reviewer of case % cannot be a party',
            NEW.case_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$
"""

REFUSE_STATE_JUMP = """
CREATE OR REPLACE FUNCTION refuse_state_jump() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    allowed text[];
BEGIN
    IF NEW.state IS DISTINCT FROM OLD.state THEN
        EXECUTE format('SELECT %I.case_state_transitions()', TG_TABLE_SCHEMA) INTO allowed;
        IF NOT (OLD.state || '>' || NEW.state) = ANY (allowed) THEN
            RAISE EXCEPTION 'case % cannot go from "%" to "%": no workflow step does that',
                OLD.id, OLD.state, NEW.state
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END
$$
"""

# (trigger, table, duty passed to refuse_party_as_official)
IMPARTIAL_TRIGGERS = [
    ("investigation_impartial", "workflow_investigation", "investigator"),
    ("decision_impartial", "workflow_decision", "decider"),
    ("appeal_impartial", "workflow_appeal", "appeal reviewer"),
]
RECREATE_IMPARTIAL_TRIGGERS = [
    statement
    for trigger, table, duty in IMPARTIAL_TRIGGERS
    for statement in (
        f"DROP TRIGGER IF EXISTS {trigger} ON {table}",
        f"CREATE TRIGGER {trigger} BEFORE INSERT OR UPDATE ON {table}"
        f" FOR EACH ROW EXECUTE FUNCTION refuse_party_as_official('{duty}')",
    )
]


class Migration(migrations.Migration):

    dependencies = [
        ('workflow', '0011_case_numbers_without_gaps'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='appeal',
            name='level',
            field=models.SmallIntegerField(verbose_name='level'),
        ),
        migrations.AlterField(
            model_name='ban',
            name='max_days',
            field=models.SmallIntegerField(verbose_name='longest ban the policy allowed'),
        ),
        migrations.AlterField(
            model_name='caseevent',
            name='seq',
            field=models.IntegerField(verbose_name='sequence'),
        ),
        migrations.AlterField(
            model_name='evidencefile',
            name='size',
            field=models.BigIntegerField(),
        ),
        migrations.AlterField(
            model_name='purgerecord',
            name='cases_purged',
            field=models.IntegerField(verbose_name='cases removed'),
        ),
        migrations.AlterField(
            model_name='purgerecord',
            name='files_purged',
            field=models.IntegerField(verbose_name='files removed'),
        ),
        migrations.AlterField(
            model_name='purgerecord',
            name='retention_days',
            field=models.IntegerField(verbose_name='kept for (days after closing)'),
        ),
        migrations.AlterField(
            model_name='restorationplan',
            name='version',
            field=models.SmallIntegerField(verbose_name='version'),
        ),
        migrations.AddConstraint(
            model_name='appeal',
            constraint=models.CheckConstraint(condition=models.Q(('level__gte', 0)), name='appeal_level_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='caseevent',
            constraint=models.CheckConstraint(condition=models.Q(('seq__gte', 0)), name='case_event_seq_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='evidencefile',
            constraint=models.CheckConstraint(condition=models.Q(('size__gte', 0)), name='evidence_size_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='purgerecord',
            constraint=models.CheckConstraint(condition=models.Q(('cases_purged__gte', 0), ('files_purged__gte', 0), ('low_level_responses_purged__gte', 0), ('retention_days__gte', 0)), name='purge_record_counts_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='restorationplan',
            constraint=models.CheckConstraint(condition=models.Q(('version__gte', 0)), name='plan_version_not_negative'),
        ),
        migrations.RunSQL(UNNAMED_CHECKS, migrations.RunSQL.noop),
        migrations.RunSQL(REFUSE_PARTY_AS_OFFICIAL, migrations.RunSQL.noop),
        migrations.RunSQL(REFUSE_OFFICIAL_AS_PARTY, migrations.RunSQL.noop),
        migrations.RunSQL(REFUSE_STATE_JUMP, migrations.RunSQL.noop),
        migrations.RunSQL(RECREATE_IMPARTIAL_TRIGGERS, migrations.RunSQL.noop),
    ]
