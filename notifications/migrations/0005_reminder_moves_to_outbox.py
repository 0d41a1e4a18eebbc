# The Reminder model moved to the outbox app (workflow/outbox), below the workflow; its table
# keeps its name, so the database does not change: only the migration state does.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0004_supply_gap_kind"),
        ("outbox", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="notification",
                    name="reminder",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to="outbox.reminder",
                    ),
                ),
                migrations.DeleteModel(name="Reminder"),
            ]
        ),
    ]
