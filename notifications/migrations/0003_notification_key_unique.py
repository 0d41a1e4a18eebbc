"""The notification's key, filled in by 0002, is unique; the delivery rows are no longer
needed."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_notification_records_delivery")]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="idempotency_key",
            field=models.CharField(blank=True, max_length=200, null=True, unique=True),
        ),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.CheckConstraint(
                condition=models.Q(("reminder", None), ("idempotency_key__isnull", False), _connector="OR"),
                name="notification_of_reminder_has_key",
            ),
        ),
        migrations.DeleteModel(name="Delivery"),
    ]
