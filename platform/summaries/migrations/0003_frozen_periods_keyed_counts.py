"""Stored counts become keyed by component (they were positional arrays, which a new choice
value would shift); published rows get a lasting key, a period (month, quarter, year) and the
reasons for withheld figures; months can be settled (frozen). Rows published before are
dropped: the next publication makes them again under the new rules."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

# The component order the arrays were written in (summaries.metrics as of 0001).
ORDER = {
    "cases": {
        "total": ["n"],
        "kind": ["incident", "complaint"],
        "severity": ["low", "moderate", "high", "severe"],
        "acknowledgement": ["on_time", "late", "overdue", "pending"],
        "response": ["on_time", "late", "overdue", "pending"],
        "police": ["yes", "no"],
        "ems": ["yes", "no"],
        "category_violence": ["yes", "no"],
        "category_threat": ["yes", "no"],
        "category_bullying": ["yes", "no"],
        "category_theft": ["yes", "no"],
        "category_property_damage": ["yes", "no"],
        "category_supply_or_service_dispute": ["yes", "no"],
        "category_staff_conduct": ["yes", "no"],
        "category_other": ["yes", "no"],
        "factor_supply_shortage": ["yes", "no"],
        "factor_crowding": ["yes", "no"],
        "factor_trauma": ["yes", "no"],
        "factor_mental_health": ["yes", "no"],
        "factor_staff_conduct": ["yes", "no"],
        "factor_other": ["yes", "no"],
        "hearing_held": ["yes", "no"],
        "harmed_heard": ["heard", "not_heard", "no_decision"],
        "appeal": ["appealed", "not_appealed", "no_decision"],
        "appeal_outcome": ["upheld", "modified", "overturned", "pending"],
    },
    "bans": {
        "total": ["n"],
        "ended_early": ["yes", "no"],
        "supply_plan": ["with_plan", "without_plan"],
        "length": ["1_day", "2_to_3_days", "4_to_7_days", "8_to_14_days", "15_days_or_more"],
        "appeal_change": ["replaced_on_appeal", "ended_on_appeal", "not_changed_on_appeal"],
    },
    "ban_days": {"total": ["n"], "supplies": ["within_interval", "gap"]},
    "actions": {
        "total": ["n"],
        "kind": [
            "temporary_ban",
            "storytelling_listening",
            "restorative_labor",
            "restitution",
            "support_for_harmed_person",
            "support_for_person_who_did_harm",
            "reflective_journaling",
            "accountability_buddy",
            "other",
            "witness_debrief",
            "community_meeting",
            "space_or_supply_change",
            "policy_review",
        ],
        "status": ["done", "open", "not_done", "cancelled"],
        "community": ["yes", "no"],
    },
    "follow_ups": {"total": ["n"], "status": ["done", "waived", "pending"]},
}


def counts_by_key(apps, schema_editor):
    db = schema_editor.connection.alias
    ProgramMonth = apps.get_model("summaries", "ProgramMonth")
    apps.get_model("summaries", "Summary").objects.using(db).all().delete()
    for row in ProgramMonth.objects.using(db).all():
        keyed = {}
        for root, families in row.counts.items():
            for family, values in families.items():
                if isinstance(values, dict):
                    keyed.setdefault(root, {})[family] = values
                    continue
                names = ORDER.get(root, {}).get(family)
                if names is None or len(names) != len(values):
                    continue  # unknown shape: left out (it counts as 0) rather than guessed
                keyed.setdefault(root, {})[family] = dict(zip(names, values, strict=True))
        for family in ("acknowledgement", "response"):
            # On time or not, then the others in a family of their own (as counted from now on).
            parts = keyed.get("cases", {}).get(family)
            if parts and "late" in parts:
                keyed["cases"][family] = {
                    "on_time": parts["on_time"],
                    "not_on_time": parts["late"] + parts["overdue"] + parts["pending"],
                }
                keyed["cases"][f"{family}_detail"] = {
                    k: parts[k] for k in ("late", "overdue", "pending")
                }
        row.counts = keyed
        row.save(update_fields=["counts"], using=db)


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0001_initial"),
        ("summaries", "0002_named_check_constraints"),
    ]

    operations = [
        migrations.RunPython(counts_by_key, migrations.RunPython.noop),
        migrations.CreateModel(
            name="SettledMonth",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField(unique=True)),
                ("settled_at", models.DateTimeField()),
            ],
        ),
        migrations.AddField(
            model_name="programmonth",
            name="settled_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="programmonth",
            name="department",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="organizations.healthdepartment",
            ),
        ),
        migrations.AddField(
            model_name="programmonth",
            name="program_type",
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.AddField(
            model_name="programmonth",
            name="provider_ids",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="summary",
            name="key",
            field=models.CharField(default="", max_length=80, unique=True),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="summary",
            name="period",
            field=models.CharField(default="", max_length=8),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="summary",
            name="period_kind",
            field=models.CharField(
                choices=[("month", "Month"), ("quarter", "Quarter"), ("year", "Year")],
                default="month",
                max_length=8,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="summary",
            name="reasons",
            field=models.JSONField(default=dict),
        ),
        migrations.AddField(
            model_name="summary",
            name="published_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="summary",
            name="scope",
            field=models.CharField(
                choices=[
                    ("program", "Program"),
                    ("department", "Health department"),
                    ("provider", "TA provider"),
                    ("provider_type", "TA provider, one program type"),
                    ("program_type", "Program type, all programs"),
                    ("all", "All programs"),
                ],
                max_length=16,
            ),
        ),
        migrations.RemoveConstraint(model_name="summary", name="summary_scope_fields"),
        migrations.AddConstraint(
            model_name="summary",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("department__isnull", False),
                        ("program__isnull", False),
                        ("provider__isnull", True),
                        ("scope", "program"),
                    ),
                    models.Q(
                        ("department__isnull", False),
                        ("program__isnull", True),
                        ("scope", "department"),
                    ),
                    models.Q(
                        ("department__isnull", True),
                        ("program__isnull", True),
                        ("provider__isnull", False),
                        ("scope__in", ["provider", "provider_type"]),
                    ),
                    models.Q(
                        ("department__isnull", True),
                        ("program__isnull", True),
                        ("provider__isnull", True),
                        ("scope__in", ["program_type", "all"]),
                    ),
                    _connector="OR",
                ),
                name="summary_scope_fields",
            ),
        ),
        migrations.AddIndex(
            model_name="summary",
            index=models.Index(fields=["period_kind", "month"], name="summary_period_month"),
        ),
    ]
