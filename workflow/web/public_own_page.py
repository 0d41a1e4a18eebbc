"""A party's own page, without an account: reached from "Check on a complaint" with their code
(and passphrase, if they chose one). The session remembers the party for a short while, so the
code never appears in an address, a log or the browser history."""

import hmac
import time

from django.conf import settings
from django.contrib import messages
from django.db import connection
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from organizations.middleware import program_public
from tenants.errors import DomainError
from tenants.web.ratelimit import Limited, count_attempt, too_many
from workflow.models import CaseParty, Consent, Hearing, PartyRole
from workflow.services import own_page
from workflow.services.appeals import appeal_window_closes_at
from workflow.services.notice_texts import may_appeal
from workflow.services.notices import party_language
from workflow.states import FINAL_STATES, State
from workflow.web.public_forms import (
    OwnAppealForm,
    OwnLanguageForm,
    OwnStatementForm,
    SupporterForm,
    WithdrawConsentForm,
)
from workflow.web.public_status import public_status

SESSION_KEY = "own_page"
# A shared or borrowed phone should not keep someone's page open for long.
IDLE_SECONDS = 20 * 60


def open_own_page(request, party):
    """Remember the party in this browser (a fresh session: nothing carried over)."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = {
        "party": party.pk,
        "code": _code_digest(party.access_code),
        "schema": connection.schema_name,
        "at": time.time(),
    }


def _code_digest(code):
    """Kept in the session instead of the code: a page stays open only while the party's code
    is the one it was opened with (staff giving a new code closes pages opened with the old)."""
    return hmac.new(settings.SECRET_KEY.encode(), (code or "").encode(), "sha256").hexdigest()


def _party_of(request):
    held = request.session.get(SESSION_KEY)
    if (
        not held
        or held.get("schema") != connection.schema_name
        or time.time() - held.get("at", 0) > IDLE_SECONDS
    ):
        request.session.pop(SESSION_KEY, None)
        return None
    party = (
        CaseParty.objects.select_related("case__policy_version").filter(pk=held["party"]).first()
    )
    if (
        party is None
        or not party.access_code
        or not hmac.compare_digest(held.get("code", ""), _code_digest(party.access_code))
    ):
        request.session.pop(SESSION_KEY, None)
        return None
    held["at"] = time.time()
    request.session.modified = True
    return party


def _appeal_state(case, party):
    """(may file now, closes at, why not) for this party."""
    policy = case.policy_version
    if not may_appeal(party, policy):
        return False, None, _("Under this program's policy, your part in the case cannot appeal.")
    if case.state not in (State.DECIDED, State.RESTORING):
        if case.state == State.APPEALED:
            return False, None, _("An appeal is being looked at now.")
        if case.state in FINAL_STATES:
            return False, None, _("The case is finished.")
        return False, None, _("You can appeal once a decision is made.")
    if case.appeals.count() >= policy.appeal_levels:
        return False, None, _("The appeals this program allows have been used.")
    closes_at = appeal_window_closes_at(case)
    if closes_at <= timezone.now():
        return False, closes_at, _("The time to appeal has passed.")
    return True, closes_at, ""


def _next_date(case, party, appeal_closes_at, can_appeal):
    """The next date that matters to this party, in words, or None."""
    if case.state in FINAL_STATES:
        return None
    hearing = (
        Hearing.objects.filter(case=case, held_at__isnull=True, attendees=party)
        .order_by("scheduled_for")
        .first()
    )
    if hearing is not None:
        return (_("Meeting with the people involved"), hearing.scheduled_for)
    if can_appeal:
        return (_("Last day to appeal"), appeal_closes_at)
    if case.responded_at is None:
        return (_("The program responds with an outcome by"), case.response_due_at)
    return None


def _context(party, **forms):
    case = party.case
    can_appeal, closes_at, why_not = _appeal_state(case, party)
    return {
        "party": party,
        "case_status": public_status(case),
        "notices": own_page.read_own_notices(party=party),
        "next_date": _next_date(case, party, closes_at, can_appeal),
        "supporters": list(CaseParty.objects.filter(represents=party).order_by("id")),
        "consent": Consent.objects.filter(party=party, withdrawn_at__isnull=True).first(),
        "can_name": party.role not in (PartyRole.REPRESENTATIVE, PartyRole.SUPPORT_PERSON),
        "is_open": case.is_open,
        "can_appeal": can_appeal,
        "appeal_closes_at": closes_at,
        "appeal_why_not": why_not,
        "statement_form": forms.get("statement") or OwnStatementForm(prefix="statement"),
        "supporter_form": forms.get("supporter") or SupporterForm(prefix="supporter"),
        "withdraw_form": forms.get("withdraw") or WithdrawConsentForm(prefix="withdraw"),
        "appeal_form": forms.get("appeal") or OwnAppealForm(prefix="appeal"),
        # The header's language switcher sets the party's own language here.
        "language_switch": {"action": "language", "field": "language-language"},
    }


ACTIONS = {
    # action (also the form's prefix): (form class or None, service call, message when done)
    "statement": (
        OwnStatementForm,
        lambda party, data: own_page.add_own_statement(party=party, content=data["content"]),
        gettext_lazy("Your statement was added. Staff will read it."),
    ),
    "supporter": (
        SupporterForm,
        lambda party, data: own_page.name_own_supporter(
            party=party, role=data["role"], name=data["name"]
        ),
        gettext_lazy("The person you named is on record."),
    ),
    "consent": (
        None,
        lambda party, data: own_page.give_own_consent(party=party),
        gettext_lazy("We wrote down that you agree to take part. You can say no at any time."),
    ),
    "withdraw": (
        WithdrawConsentForm,
        lambda party, data: own_page.withdraw_own_consent(party=party, note=data["note"]),
        gettext_lazy(
            "We wrote down that you no longer want to take part. Nothing is held against you "
            "for it."
        ),
    ),
    "language": (
        OwnLanguageForm,
        lambda party, data: own_page.choose_own_language(party=party, language=data["language"]),
        gettext_lazy("Saved: your page and your next notices are in this language."),
    ),
    "appeal": (
        OwnAppealForm,
        lambda party, data: own_page.file_own_appeal(party=party, grounds=data["grounds"]),
        gettext_lazy(
            "Your appeal was filed. Someone who did not make the decision will look at it."
        ),
    ),
}


@program_public
@require_http_methods(["GET", "POST"])
def own_page_view(request):
    party = _party_of(request)
    if party is None:
        return redirect("public_complaint_status")
    # Written in the party's language (they change it with the switcher, which posts here).
    with translation.override(party_language(party)):
        request.LANGUAGE_CODE = translation.get_language()
        return _own_page(request, party)


def _own_page(request, party):
    if request.method == "GET":
        return render(request, "public/own_page.html", _context(party))
    try:
        count_attempt(request, "own_page")
    except Limited as limited:
        return too_many(request, limited)
    action = request.POST.get("action")
    if action == "leave":
        request.session.flush()
        return redirect("public_complaint_status")
    if action not in ACTIONS:
        return render(request, "public/own_page.html", _context(party), status=400)
    form_class, call, done = ACTIONS[action]
    form = form_class(request.POST, prefix=action) if form_class else None
    error = None
    if form is None or form.is_valid():
        try:
            call(party, form.cleaned_data if form else {})
        except DomainError as exc:
            error = exc.message
            if form is not None:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, done)
            return redirect("public_own_page")
    context = _context(party, **({action: form} if form else {}))
    context["error"] = error
    return render(request, "public/own_page.html", context, status=400)
