"""The in-app side: what a person sees under the bell, and their preferences."""

from django.db import transaction
from django.utils import timezone

from notifications.models import DeliveryChoice, Notification, Preference
from workflow.models.case import party_case_ids
from workflow.reminders import CHOOSABLE_KINDS


def mine(user, program):
    """The person's notifications in this program (run inside its schema), without those about
    a case they have since become a party to: to them that case does not exist
    (workflow.access; delivery already leaves parties out)."""
    return Notification.objects.filter(user=user, program=program).exclude(
        case_id__in=party_case_ids(user)
    )


def unread(user, program):
    return mine(user, program).filter(read_at=None)


def mark_read(*, user, program, notification_id=None):
    """Mark one notification (or all) read; only the person's own, in this program."""
    items = unread(user, program)
    if notification_id is not None:
        items = items.filter(pk=notification_id)
    return items.update(read_at=timezone.now())


def preferences_of(user):
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, DeliveryChoice.IMMEDIATELY) for kind in CHOOSABLE_KINDS}


@transaction.atomic
def set_preferences(*, user, choices):
    """choices: {kind: delivery}. Overdue kinds are not choosable (the database refuses them)."""
    for kind, delivery in choices.items():
        Preference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})
