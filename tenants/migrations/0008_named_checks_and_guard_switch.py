"""Ready for Citus schema-based sharding (issue 21, infra/SCALING.md), same schema on plain
PostgreSQL:

- every CHECK constraint has a name: the Positive*Fields' unnamed inline CHECKs (>= 0) go, and
  each rule comes back as a named constraint (or is already covered by a named range);
- the append-only guard is lifted by a setting the trigger reads, not by ALTER TABLE ... DISABLE
  TRIGGER (which Citus cannot run on a shard with pending trigger events): the table's owner,
  after ``SET LOCAL harmrepair.allow_purge = on``, may DELETE (the retention purge). Nobody may
  UPDATE or TRUNCATE, and no other role may DELETE, whatever it sets.

One statement per RunSQL item: Citus forwards each to the shards as one command."""

from django.conf import settings
from django.db import migrations, models


# Left by 0003 and 0004 as first written (their columns were Positive*Fields); absent on
# databases made since those migrations were edited.
UNNAMED_CHECKS = [
    "ALTER TABLE tenants_policyversion"
    " DROP CONSTRAINT IF EXISTS tenants_policyversion_retention_days_after_close_check",
    "ALTER TABLE tenants_policyversion"
    " DROP CONSTRAINT IF EXISTS tenants_policyversion_supply_contact_every_days_check",
]

REFUSE_RECORD_CHANGE = """
CREATE OR REPLACE FUNCTION refuse_record_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('harmrepair.allow_purge', true) = 'on'
       AND pg_catalog.pg_has_role(
           current_user,
           (SELECT relowner FROM pg_catalog.pg_class WHERE oid = TG_RELID),
           'MEMBER') THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% on % is refused: this record is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END
$$
"""


class Migration(migrations.Migration):

    dependencies = [
        ('tenants', '0007_member_api_tokens'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='policyversion',
            name='acknowledgement_window_days',
            field=models.SmallIntegerField(default=2, verbose_name='acknowledgement window (days)'),
        ),
        migrations.AlterField(
            model_name='policyversion',
            name='appeal_levels',
            field=models.SmallIntegerField(default=1, verbose_name='appeal levels'),
        ),
        migrations.AlterField(
            model_name='policyversion',
            name='appeal_window_days',
            field=models.SmallIntegerField(default=14, verbose_name='appeal window (days)'),
        ),
        migrations.AlterField(
            model_name='policyversion',
            name='community_check_in_days',
            field=models.SmallIntegerField(default=30, verbose_name='community-restoration check-in every (days)'),
        ),
        migrations.AlterField(
            model_name='policyversion',
            name='max_ban_days',
            field=models.SmallIntegerField(default=30, verbose_name='maximum ban (days)'),
        ),
        migrations.AlterField(
            model_name='policyversion',
            name='number',
            field=models.IntegerField(unique=True, verbose_name='version'),
        ),
        migrations.AlterField(
            model_name='policyversion',
            name='response_window_days',
            field=models.SmallIntegerField(default=7, verbose_name='response window (days)'),
        ),
        migrations.AddConstraint(
            model_name='policyversion',
            constraint=models.CheckConstraint(condition=models.Q(('number__gte', 0)), name='policy_number_not_negative'),
        ),
        migrations.RunSQL(UNNAMED_CHECKS, migrations.RunSQL.noop),
        # Reversed, this body stays: it serves the triggers of every earlier migration.
        migrations.RunSQL(REFUSE_RECORD_CHANGE, migrations.RunSQL.noop),
    ]
