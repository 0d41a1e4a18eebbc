"""The daily digest: one email per person per day with the reminders they chose to get that
way. Runs as a scheduler tick; the (person, day) row makes a second run that day a no-op."""

import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications import conf
from notifications.models import Digest, Notification
from organizations.languages import language_for

logger = logging.getLogger(__name__)


def _send_one(user_id, day, now):
    with transaction.atomic():
        digest, _created = Digest.objects.get_or_create(user_id=user_id, day=day)
        digest = Digest.objects.select_for_update().select_related("user").get(pk=digest.pk)
        if digest.sent_at is not None:
            return False  # already sent today; what arrived since waits for tomorrow
        items = list(
            Notification.objects.select_for_update(skip_locked=True)
            .select_related("program")
            .filter(user_id=user_id, in_digest=True, digest=None)
            .order_by("program__name", "created_at")
        )
        if not items:
            return False
        by_program = defaultdict(list)
        for item in items:
            item.url = item.program.site_url(item.link)  # each line leads to its case
            by_program[item.program].append(item)
        # In the person's own language (their reminders may come from several programs).
        language = language_for(None, digest.user.language)
        with translation.override(language):
            body = render_to_string(
                "notifications/digest_email.txt",
                {
                    "day": day,
                    "programs": [
                        (program, program.site_url("/notifications/"), notes)
                        for program, notes in by_program.items()
                    ],
                },
            )
            subject = _("Your reminders for %(day)s") % {"day": day.isoformat()}
        Notification.objects.filter(pk__in=[item.pk for item in items]).update(digest=digest)
        digest.sent_at = now
        digest.save(update_fields=["sent_at"])
        EmailMessage(
            subject=subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[digest.user.email],
            headers={"X-Reminder-Digest": f"{user_id}:{day.isoformat()}"},
        ).send()
    return True


def send_daily_digests(*, now=None):
    """The scheduler tick: from the digest hour on, each person with waiting items gets one
    email for the day. Returns how many were sent."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < conf.get("REMINDER_DIGEST_HOUR"):
        return 0
    day = local.date()
    waiting = set(
        Notification.objects.filter(in_digest=True, digest=None)
        .exclude(user__in=Digest.objects.filter(day=day, sent_at__isnull=False).values("user"))
        .values_list("user_id", flat=True)
    )
    sent = 0
    for user_id in sorted(waiting):
        try:
            sent += _send_one(user_id, day, now)
        except Exception:
            logger.exception("Digest for user %s failed; tried again next tick.", user_id)
    return sent
