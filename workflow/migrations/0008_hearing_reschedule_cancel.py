"""Hearings can be moved or cancelled, and are never recorded as held before their time.

Hearings recorded as held before their scheduled time (possible until now) took place when
they were recorded: their scheduled time is set to that moment, so the new rule holds for
the record as it is. The timeline keeps what was first scheduled."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tenants', '0003_retention'),
        ('workflow', '0007_purge_low_level_responses'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunSQL(
            "UPDATE workflow_hearing SET scheduled_for = held_at WHERE held_at < scheduled_for",
            migrations.RunSQL.noop,
        ),
        migrations.AddField(
            model_name='hearing',
            name='cancel_reason',
            field=models.TextField(blank=True, verbose_name='why it was cancelled'),
        ),
        migrations.AddField(
            model_name='hearing',
            name='cancelled_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='cancelled at'),
        ),
        migrations.AddConstraint(
            model_name='hearing',
            constraint=models.CheckConstraint(condition=models.Q(('held_at__isnull', True), ('held_at__gte', models.F('scheduled_for')), _connector='OR'), name='hearing_held_not_before_scheduled'),
        ),
        migrations.AddConstraint(
            model_name='hearing',
            constraint=models.CheckConstraint(condition=models.Q(('held_at__isnull', True), ('cancelled_at__isnull', True), _connector='OR'), name='hearing_held_or_cancelled_not_both'),
        ),
        migrations.AddConstraint(
            model_name='hearing',
            constraint=models.CheckConstraint(condition=models.Q(('cancelled_at__isnull', True), models.Q(('cancel_reason', ''), _negated=True), _connector='OR'), name='hearing_cancelled_with_reason'),
        ),
    ]
