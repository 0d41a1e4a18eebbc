"""Policy versions are never changed or deleted: a change is a new version. The function is
shared with the workflow app's append-only tables."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION refuse_record_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on % is refused: this record is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END
$$;
"""

TRIGGER = """
CREATE TRIGGER policyversion_append_only
    BEFORE UPDATE OR DELETE ON tenants_policyversion
    FOR EACH ROW EXECUTE FUNCTION refuse_record_change();
"""


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]

    operations = [
        migrations.RunSQL(FUNCTION, "DROP FUNCTION IF EXISTS refuse_record_change() CASCADE;"),
        migrations.RunSQL(
            TRIGGER, "DROP TRIGGER IF EXISTS policyversion_append_only ON tenants_policyversion;"
        ),
    ]
