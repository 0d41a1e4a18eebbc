"""The database refuses a change of case state that no workflow step makes (a jump from
"reported" straight to "closed", say, or anything out of a final state). The pairs are those of
workflow/states.py at the time of writing; tests/workflow/test_database_guards.py fails if the
two ever differ, so a change to the state machine comes with a migration like this one."""

from django.db import migrations

TRANSITIONS = [
    "acknowledged>investigating",
    "acknowledged>resolved_early",
    "acknowledged>withdrawn",
    "appealed>resolved_early",
    "appealed>restoring",
    "appealed>withdrawn",
    "decided>appealed",
    "decided>resolved_early",
    "decided>restoring",
    "decided>withdrawn",
    "hearing>decided",
    "hearing>resolved_early",
    "hearing>withdrawn",
    "investigating>decided",
    "investigating>hearing",
    "investigating>resolved_early",
    "investigating>withdrawn",
    "reported>acknowledged",
    "reported>resolved_early",
    "reported>withdrawn",
    "restoring>appealed",
    "restoring>closed",
    "restoring>resolved_early",
    "restoring>withdrawn",
]

# One statement per item (edited for Citus, issue 21: it forwards each item as one command).
FORWARD = [
    """CREATE OR REPLACE FUNCTION case_state_transitions() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$ SELECT ARRAY[%s]::text[] $$"""
    % ", ".join(f"'{pair}'" for pair in TRANSITIONS),
    """CREATE OR REPLACE FUNCTION refuse_state_jump() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state IS DISTINCT FROM OLD.state
       AND NOT (OLD.state || '>' || NEW.state) = ANY (case_state_transitions()) THEN
        RAISE EXCEPTION 'case % cannot go from "%" to "%": no workflow step does that',
            OLD.id, OLD.state, NEW.state
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$""",
    """CREATE TRIGGER case_state_transition
    BEFORE UPDATE OF state ON workflow_case
    FOR EACH ROW EXECUTE FUNCTION refuse_state_jump()""",
]

REVERSE = [
    "DROP TRIGGER IF EXISTS case_state_transition ON workflow_case",
    "DROP FUNCTION IF EXISTS refuse_state_jump()",
    "DROP FUNCTION IF EXISTS case_state_transitions()",
]


class Migration(migrations.Migration):
    dependencies = [("workflow", "0004_case_next_due_index")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
