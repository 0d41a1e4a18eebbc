"""The notification's key, filled in by 0002, is unique, and the delivery rows are no longer
needed. Workers write these tables in bursts, so they keep only the indexes something reads:
the unique keys are constraints (a unique field would add a second index, for LIKE queries,
which nothing runs), and one index serves the notification list instead of separate indexes on
the person, the date and the digest."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_notification_records_delivery"),
        ("organizations", "0004_program_job_sent_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="idempotency_key",
            field=models.CharField(blank=True, max_length=200, null=True),
        ),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.UniqueConstraint(
                fields=("idempotency_key",), name="notification_key_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("reminder", None), ("idempotency_key__isnull", False), _connector="OR"
                ),
                name="notification_of_reminder_has_key",
            ),
        ),
        migrations.DeleteModel(name="Delivery"),
        migrations.AlterField(
            model_name="notification",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True),
        ),
        migrations.AlterField(
            model_name="notification",
            name="digest",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="items",
                to="notifications.digest",
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="user",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="notifications",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                fields=["user", "program", "-created_at", "-id"], name="notification_list"
            ),
        ),
        migrations.AlterField(
            model_name="reminder",
            name="idempotency_key",
            field=models.CharField(max_length=160),
        ),
        migrations.AddConstraint(
            model_name="reminder",
            constraint=models.UniqueConstraint(
                fields=("idempotency_key",), name="reminder_key_unique"
            ),
        ),
    ]
