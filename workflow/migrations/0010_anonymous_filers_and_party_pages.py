# Anonymous filers as parties, named representatives, party codes, notices read on a party's
# own page, and appeal reasons for the parties kept apart from internal notes.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0005_policy_appellants_and_time_zone"),
        ("workflow", "0009_ban_chain_and_supply_log"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="appeal",
            name="appeal_outcome_complete",
        ),
        migrations.RemoveConstraint(
            model_name="caseparty",
            name="party_is_participant_or_staff",
        ),
        migrations.RemoveConstraint(
            model_name="caseparty",
            name="party_representative_represents",
        ),
        migrations.RemoveConstraint(
            model_name="notice",
            name="notice_delivery_complete",
        ),
        migrations.AddField(
            model_name="appeal",
            name="reasons_for_parties",
            field=models.TextField(blank=True, verbose_name="reasons for the parties"),
        ),
        migrations.AddField(
            model_name="caseparty",
            name="access_code",
            field=models.CharField(
                blank=True,
                max_length=20,
                null=True,
                unique=True,
                verbose_name="code for their own page",
            ),
        ),
        migrations.AddField(
            model_name="caseparty",
            name="kind",
            field=models.CharField(
                choices=[
                    ("participant", "Participant"),
                    ("staff", "Staff member"),
                    ("filer", "Filed on the public page"),
                    ("named", "Named by a party"),
                ],
                default="participant",
                max_length=16,
                verbose_name="who",
            ),
        ),
        migrations.AddField(
            model_name="caseparty",
            name="name",
            field=models.CharField(blank=True, max_length=100, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="caseparty",
            name="passphrase_hash",
            field=models.CharField(blank=True, max_length=128),
        ),
        migrations.AlterField(
            model_name="appeal",
            name="outcome_reasons",
            field=models.TextField(blank=True, verbose_name="internal notes"),
        ),
        migrations.AlterField(
            model_name="notice",
            name="delivery_method",
            field=models.CharField(
                blank=True,
                choices=[
                    ("in_person", "In person"),
                    ("read_aloud", "Read aloud"),
                    ("printed", "Printed"),
                    ("text", "Text message"),
                    ("email", "Email"),
                    ("own_page", "Read on their own page"),
                ],
                max_length=16,
                verbose_name="delivered by",
            ),
        ),
        # Staff parties say so; everyone else stays a participant (the field's default).
        migrations.RunSQL(
            "UPDATE workflow_caseparty SET kind = 'staff' WHERE staff_user_id IS NOT NULL",
            migrations.RunSQL.noop,
        ),
        # Appeals decided before the reasons were split: their reasons may mention other
        # people, so the parties get a neutral line, never the old text.
        migrations.RunSQL(
            "UPDATE workflow_appeal SET reasons_for_parties = 'Ask staff for the reasons.'"
            " WHERE outcome <> ''",
            migrations.RunSQL.noop,
        ),
        migrations.AddConstraint(
            model_name="appeal",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("decided_at__isnull", True), ("outcome", "")),
                    models.Q(
                        ("decided_at__isnull", False),
                        ("outcome__in", ["upheld", "modified", "overturned"]),
                        ("reviewer__isnull", False),
                        models.Q(("outcome_reasons", ""), _negated=True),
                        models.Q(("reasons_for_parties", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="appeal_outcome_complete",
            ),
        ),
        migrations.AddConstraint(
            model_name="caseparty",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["participant", "staff", "filer", "named"])),
                name="party_kind_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="caseparty",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("kind", "participant"),
                        ("name", ""),
                        ("participant__isnull", False),
                        ("staff_user__isnull", True),
                    ),
                    models.Q(
                        ("kind", "staff"),
                        ("name", ""),
                        ("participant__isnull", True),
                        ("staff_user__isnull", False),
                    ),
                    models.Q(
                        ("kind", "filer"),
                        ("participant__isnull", True),
                        ("role", "complainant"),
                        ("staff_user__isnull", True),
                    ),
                    models.Q(
                        ("kind", "named"),
                        ("participant__isnull", True),
                        ("role__in", ("representative", "support_person")),
                        ("staff_user__isnull", True),
                        models.Q(("name", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="party_kind_matches_person",
            ),
        ),
        migrations.AddConstraint(
            model_name="caseparty",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("represents__isnull", False), ("role", "representative")),
                    ("role", "support_person"),
                    models.Q(
                        models.Q(("role__in", ("representative", "support_person")), _negated=True),
                        ("represents__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="party_representative_represents",
            ),
        ),
        migrations.AddConstraint(
            model_name="caseparty",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("passphrase_hash", ""), ("access_code__isnull", False), _connector="OR"
                ),
                name="party_passphrase_needs_code",
            ),
        ),
        migrations.AddConstraint(
            model_name="caseparty",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "filer")),
                fields=("case",),
                name="party_one_filer_per_case",
            ),
        ),
        migrations.AddConstraint(
            model_name="notice",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("delivered_at__isnull", True), ("delivery_method", "")),
                    models.Q(
                        (
                            "delivery_method__in",
                            ["in_person", "read_aloud", "printed", "text", "email", "own_page"],
                        ),
                        ("delivered_at__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="notice_delivery_complete",
            ),
        ),
    ]
