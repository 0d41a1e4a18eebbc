"""A notification is the record of a reminder's delivery to one person, by every channel: it
takes over the delivery rows' unique key (one per person per reminder) and whether an email
went out right away. One row per person per reminder instead of one per channel.

The key becomes unique, and the delivery table goes, in the next migration: a table cannot
be altered in the transaction that updated its rows (their constraint triggers are pending)."""

from django.db import migrations, models

FILL = [
    # The in-app delivery's key was "<reminder key>|u<user id>": the notification's key now.
    """
    UPDATE notifications_notification AS n
       SET idempotency_key = r.idempotency_key || '|u' || n.user_id
      FROM notifications_reminder AS r
     WHERE r.id = n.reminder_id
    """,
    """
    UPDATE notifications_notification AS n
       SET emailed = true
     WHERE EXISTS (
           SELECT 1 FROM notifications_delivery AS d
            WHERE d.reminder_id = n.reminder_id AND d.user_id = n.user_id
              AND d.channel = 'email')
    """,
]


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="emailed",
            field=models.BooleanField(default=False, verbose_name="sent by email right away"),
        ),
        migrations.AddField(
            model_name="notification",
            name="idempotency_key",
            field=models.CharField(max_length=200, null=True),
        ),
        migrations.RunSQL([*FILL], reverse_sql=migrations.RunSQL.noop),
    ]
