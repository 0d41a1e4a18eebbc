"""Keeping the summaries fresh, and API tokens."""

from datetime import timedelta

import dramatiq
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Max, Q
from django.utils import timezone

from accounts.api_tokens import TA_TOKEN_PREFIX, issue_token, revoke_tokens
from accounts.models import Membership, Role
from organizations.jobs import send_for_program
from organizations.models import LIVE_STATUSES, Program
from summaries.access import viewer_for
from summaries.models import ApiToken, Publication, SummaryState
from summaries.tasks import publish_summaries

# workflow.tasks.recompute_program_summaries: recounts one program inside its schema.
RECOUNT_ACTOR = "recompute_program_summaries"

# A closed case marks its program dirty; the tick recomputes once things have been quiet this
# long, so a burst of closings costs one recomputation.
DEBOUNCE = timedelta(seconds=60)
# Figures also move with time alone (a pending acknowledgement becomes overdue).
REFRESH_EVERY = timedelta(hours=24)
# A recomputation lost with its message (killed worker) is sent again after this.
REQUEUE_AFTER = timedelta(minutes=10)
PUBLISH_DEBOUNCE = timedelta(seconds=60)


def mark_summaries_dirty(program=None):
    """Called from a workflow step (inside the program's schema and transaction)."""
    program = program or getattr(connection, "tenant", None)
    if program is None or not isinstance(program, Program):
        return
    state, created = SummaryState.objects.get_or_create(
        program_id=program.pk, defaults={"dirty_since": timezone.now()}
    )
    if not created and state.dirty_since is None:
        SummaryState.objects.filter(pk=state.pk, dirty_since__isnull=True).update(
            dirty_since=timezone.now()
        )


def programs_due(now):
    live = Program.objects.filter(status__in=LIVE_STATUSES)
    missing = live.exclude(pk__in=SummaryState.objects.values("program_id"))
    SummaryState.objects.bulk_create(
        [SummaryState(program_id=pk) for pk in missing.values_list("pk", flat=True)],
        ignore_conflicts=True,
    )
    not_queued = Q(queued_at__isnull=True) | Q(queued_at__lt=now - REQUEUE_AFTER)
    due = (
        Q(dirty_since__lte=now - DEBOUNCE)
        | Q(computed_at__isnull=True)
        | Q(computed_at__lt=now - REFRESH_EVERY)
    )
    return SummaryState.objects.filter(not_queued & due, program__in=live).select_related("program")


def summaries_tick(now=None):
    """Scheduler tick: send due recomputations, then a publication once counts are newer than
    the last release. Returns (recomputations sent, whether a publication was sent)."""
    # The counting job belongs to the workflow (a layer above): found by its name, not imported.
    recount = dramatiq.get_broker().get_actor(RECOUNT_ACTOR)
    now = now or timezone.now()
    sent = 0
    for state in programs_due(now)[:500]:
        SummaryState.objects.filter(pk=state.pk).update(queued_at=now)
        send_for_program(recount, state.program.schema_name)
        sent += 1
    last = Publication.objects.aggregate(at=Max("published_at"))["at"]
    newest = SummaryState.objects.aggregate(at=Max("computed_at"))["at"]
    publish = newest is not None and (
        last is None or (newest > last and now - last > PUBLISH_DEBOUNCE)
    )
    if publish:
        publish_summaries.send()
    return sent, publish


# -- API tokens ---------------------------------------------------------------------------


def create_api_token(*, user, name, days):
    """Returns (token, plaintext). The plaintext is shown once and never stored. TA staff
    only: a token acts as its owner's TA role (PermissionDenied for anyone else)."""
    if not viewer_for(user).providers:
        raise PermissionDenied("API tokens are for TA staff.")
    return issue_token(ApiToken, label=TA_TOKEN_PREFIX, user=user, name=name, days=days)


def revoke_api_token(*, user, token_id):
    return revoke_tokens(ApiToken.objects.filter(user=user, pk=token_id))


def ta_memberships(user_ids):
    """{user id: {(membership id, provider id), ...}}: the TA staff memberships of these users,
    taken before a change to memberships (for revoke_tokens_of_ended_ta_memberships)."""
    found: dict = {user_id: set() for user_id in user_ids}
    rows = Membership.objects.filter(user_id__in=found, role=Role.TA_STAFF)
    for pk, user_id, provider_id in rows.values_list("pk", "user_id", "provider_id"):
        found[user_id].add((pk, provider_id))
    return found


def revoke_tokens_of_ended_ta_memberships(before):
    """After memberships changed (`before`: ta_memberships() taken first), every person who lost
    a TA staff membership (removed, moved to another provider, given another role) loses their
    TA tokens: a token reaches all its owner's providers, so the scripts made for the old reach
    stop, and the person makes new ones. Returns how many live tokens were revoked."""
    after = ta_memberships(before)
    ended = [user_id for user_id, held in before.items() if held - after[user_id]]
    return revoke_tokens(ApiToken.objects.filter(user_id__in=ended)) if ended else 0


def suppression_threshold():
    return settings.SUMMARIES_SUPPRESSION_THRESHOLD
