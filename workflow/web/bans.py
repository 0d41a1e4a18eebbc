"""Pages about people kept away: the door list (everyone away today, on one printed sheet or a
phone) and the letter for a banned person (theirs alone: nothing about anyone else)."""

from datetime import timedelta

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from organizations.languages import language_for
from workflow.access import hide_party_cases
from workflow.audit import record_case_read, record_case_reads
from workflow.away import away, away_one
from workflow.models import Ban, Decision


def door_list(request):
    now = timezone.now()
    # A case the person looking is a party to does not exist for them, its ban included.
    people = away(now=now, in_effect_only=True, user=request.user)
    record_case_reads(
        case_ids=[ban.case_id for person in people for ban in person.bans], user=request.user
    )
    return render(request, "workflow/door_list.html", {"people": people, "now": now})


def _appeal_until(ban):
    """Until when the person can appeal, or None: the decision's window (or a further level's)
    while still open; before a decision, the letter explains appeals come after it."""
    decision = Decision.objects.filter(case_id=ban.case_id).first()
    if decision is None:
        return None
    case = ban.case
    last = case.appeals.order_by("-level").first()
    if last is None:
        return decision.appeal_deadline
    if last.decided_at is None or last.level >= case.policy_version.appeal_levels:
        return None
    return last.decided_at + timedelta(days=case.policy_version.appeal_window_days)


def ban_letter(request, pk):
    """Only this ban's person, dates, supply plan and rights: no narrative, no other party, no
    staff name, no other case's detail (the welcome-back date covers every running ban)."""
    ban = get_object_or_404(
        hide_party_cases(Ban.objects, request.user).select_related(
            "participant", "case__policy_version"
        ),
        pk=pk,
    )
    record_case_read(case=ban.case, user=request.user)
    now = timezone.now()
    here = away_one(ban.participant, now)
    appeal_until = _appeal_until(ban)
    return render(
        request,
        "workflow/ban_letter.html",
        {
            "person": ban.participant,
            # Written in the person's language, whatever the staff member reads in.
            "letter_language": language_for(request.program, ban.participant.language),
            "ban": ban,
            "welcome_back": here.welcome_back if here else ban.effective_end,
            "days": max(1, (ban.effective_end - ban.starts_at).days),
            "decided": Decision.objects.filter(case_id=ban.case_id).exists(),
            "appeal_until": appeal_until if appeal_until and appeal_until > now else None,
            "appeal_window_days": ban.case.policy_version.appeal_window_days,
            "running": ban.is_running(now),
            "now": now,
        },
    )
