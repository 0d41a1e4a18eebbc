"""Today: what needs doing now. Every list is one query with a limit, so the page costs the
same number of queries with 100 cases or 10,000."""

from datetime import datetime, time, timedelta

from django.db.models import F, Q
from django.shortcuts import render
from django.utils import timezone

from tenants.models import Participant
from workflow.access import hide_party_cases
from workflow.audit import record_case_reads
from workflow.away import away, count_away
from workflow.models import (
    ActionStatus,
    Case,
    FollowUp,
    FollowUpStatus,
    RestorativeAction,
    due_status,
    next_due,
)
from workflow.states import OPEN_STATES, State
from workflow.web.base import names_by_id
from workflow.web.first_run import first_run_checklist

LIST_LIMIT = 25
DUE_WITHIN = timedelta(days=7)


def needing_action(user):
    """Open cases with a deadline still to meet, or an appeal to decide, soonest first (only
    those `user` may see: workflow.access)."""
    return (
        Case.objects.visible_to(user)
        .filter(state__in=sorted(OPEN_STATES))
        .filter(Q(responded_at__isnull=True) | Q(state=State.APPEALED))
        .annotate(next_due_at=next_due())
        .order_by(F("next_due_at").asc(nulls_last=True), "id")
    )


def end_of_day(day):
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


def today_context(request, now=None):
    now = now or timezone.now()
    today = timezone.localdate(now)
    user = request.user
    cases = list(needing_action(user)[:LIST_LIMIT])
    for case in cases:
        case.due_mark = due_status(case.next_due_at, None, now) if case.next_due_at else None
        case.due_what = "acknowledge" if case.acknowledged_at is None else "respond"
    # Everyone with a running ban, one welcome-back date each; supply gaps marked. Bans of a
    # case the person looking is a party to are left out.
    people_away = away(now=now, user=user, limit=LIST_LIMIT)
    follow_ups = list(
        hide_party_cases(FollowUp.objects, user)
        .filter(
            status=FollowUpStatus.PENDING,
            due_at__lte=now + DUE_WITHIN,
            case__state__in=sorted(OPEN_STATES),
        )
        .order_by("due_at", "id")[:LIST_LIMIT]
    )
    for item in follow_ups:
        item.due_mark = due_status(item.due_at, None, now)
    actions = list(
        hide_party_cases(RestorativeAction.objects, user, case_path="plan__case")
        .filter(
            plan__superseded_at__isnull=True,
            plan__case__state__in=sorted(OPEN_STATES),
            status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS],
            due_date__lte=today + DUE_WITHIN,
        )
        .select_related("plan", "for_party__participant")
        .order_by("due_date", "id")[:LIST_LIMIT]
    )
    for action in actions:
        action.due_mark = due_status(end_of_day(action.due_date), None, now)
    mine = list(
        Case.objects.visible_to(user)
        .filter(owner=user, state__in=sorted(OPEN_STATES))
        .annotate(next_due_at=next_due())
        .order_by(F("next_due_at").asc(nulls_last=True), "id")[:LIST_LIMIT]
    )
    for case in mine:
        case.due_mark = due_status(case.next_due_at, None, now) if case.next_due_at else None
    return {
        "cases": cases,
        "away": people_away,
        "away_total": count_away(now=now, user=user),
        "follow_ups": follow_ups,
        "actions": actions,
        "mine": mine,
        "names": names_by_id(a.owner_id for a in actions),
        "participant_count": Participant.objects.count(),
        "limit": LIST_LIMIT,
        "now": now,
    }


def today(request):
    context = today_context(request)
    # Today shows narrative excerpts, bans, follow-ups and actions: a read of each case shown.
    shown = [case.pk for case in context["cases"] + context["mine"]]
    shown += [ban.case_id for person in context["away"] for ban in person.bans]
    shown += [item.case_id for item in context["follow_ups"]]
    shown += [action.plan.case_id for action in context["actions"]]
    record_case_reads(case_ids=shown, user=request.user)
    context["first_run"] = first_run_checklist(request)
    return render(request, "tenants/home.html", context)
