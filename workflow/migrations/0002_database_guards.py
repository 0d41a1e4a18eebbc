"""Rules the database itself enforces, beyond CHECK constraints:
- the case timeline and low-level responses are append-only (no UPDATE, DELETE or TRUNCATE);
- an investigator, decider or appeal reviewer is never a party to the case, and the appeal
  reviewer is never the case's decider."""

from django.db import migrations

# One statement per item (edited for Citus, issue 21: it forwards each item to the shards as
# one command, and refuses several).
APPEND_ONLY = [
    """CREATE TRIGGER caseevent_append_only
    BEFORE UPDATE OR DELETE ON workflow_caseevent
    FOR EACH ROW EXECUTE FUNCTION refuse_record_change()""",
    """CREATE TRIGGER caseevent_no_truncate
    BEFORE TRUNCATE ON workflow_caseevent
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_record_change()""",
    """CREATE TRIGGER lowlevelresponse_append_only
    BEFORE UPDATE OR DELETE ON workflow_lowlevelresponse
    FOR EACH ROW EXECUTE FUNCTION refuse_record_change()""",
]
APPEND_ONLY_REVERSE = [
    "DROP TRIGGER IF EXISTS caseevent_append_only ON workflow_caseevent",
    "DROP TRIGGER IF EXISTS caseevent_no_truncate ON workflow_caseevent",
    "DROP TRIGGER IF EXISTS lowlevelresponse_append_only ON workflow_lowlevelresponse",
]

IMPARTIALITY = [
    """CREATE OR REPLACE FUNCTION refuse_party_as_official() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    person bigint;
    duty text;
BEGIN
    IF TG_TABLE_NAME = 'workflow_investigation' THEN
        person := NEW.investigator_id; duty := 'investigator';
    ELSIF TG_TABLE_NAME = 'workflow_decision' THEN
        person := NEW.decided_by_id; duty := 'decider';
    ELSE
        person := NEW.reviewer_id; duty := 'appeal reviewer';
    END IF;
    IF person IS NULL THEN
        RETURN NEW;
    END IF;
    IF EXISTS (SELECT 1 FROM workflow_caseparty
               WHERE case_id = NEW.case_id AND staff_user_id = person) THEN
        RAISE EXCEPTION 'a party to case % cannot be its %', NEW.case_id, duty
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_TABLE_NAME = 'workflow_appeal' AND EXISTS (
        SELECT 1 FROM workflow_decision WHERE case_id = NEW.case_id AND decided_by_id = person
    ) THEN
        RAISE EXCEPTION 'the decider of case % cannot review its appeal', NEW.case_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$""",
    """CREATE OR REPLACE FUNCTION refuse_official_as_party() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.staff_user_id IS NOT NULL AND (
        EXISTS (SELECT 1 FROM workflow_investigation
                WHERE case_id = NEW.case_id AND investigator_id = NEW.staff_user_id)
        OR EXISTS (SELECT 1 FROM workflow_decision
                   WHERE case_id = NEW.case_id AND decided_by_id = NEW.staff_user_id)
        OR EXISTS (SELECT 1 FROM workflow_appeal
                   WHERE case_id = NEW.case_id AND reviewer_id = NEW.staff_user_id)
    ) THEN
        RAISE EXCEPTION 'the investigator, decider or reviewer of case % cannot be a party',
            NEW.case_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$""",
    """CREATE TRIGGER investigation_impartial
    BEFORE INSERT OR UPDATE ON workflow_investigation
    FOR EACH ROW EXECUTE FUNCTION refuse_party_as_official()""",
    """CREATE TRIGGER decision_impartial
    BEFORE INSERT OR UPDATE ON workflow_decision
    FOR EACH ROW EXECUTE FUNCTION refuse_party_as_official()""",
    """CREATE TRIGGER appeal_impartial
    BEFORE INSERT OR UPDATE ON workflow_appeal
    FOR EACH ROW EXECUTE FUNCTION refuse_party_as_official()""",
    """CREATE TRIGGER caseparty_not_official
    BEFORE INSERT OR UPDATE ON workflow_caseparty
    FOR EACH ROW EXECUTE FUNCTION refuse_official_as_party()""",
]
IMPARTIALITY_REVERSE = [
    "DROP FUNCTION IF EXISTS refuse_party_as_official() CASCADE",
    "DROP FUNCTION IF EXISTS refuse_official_as_party() CASCADE",
]


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0001_initial"),
        ("tenants", "0002_policy_append_only"),
    ]

    operations = [
        migrations.RunSQL(APPEND_ONLY, APPEND_ONLY_REVERSE),
        migrations.RunSQL(IMPARTIALITY, IMPARTIALITY_REVERSE),
    ]
