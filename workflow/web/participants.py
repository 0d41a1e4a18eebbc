"""Participants: search by code or alias, add one, and see a person's bans and cases."""

from django import forms
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.languages import language_for, offered_languages
from tenants.errors import DomainError
from tenants.models import Participant
from tenants.services import register_participant, set_participant_language
from workflow.access import hide_party_cases
from workflow.audit import record_case_reads
from workflow.away import away_one
from workflow.models import Ban, CaseParty, LowLevelResponse
from workflow.web.base import attach_error
from workflow.web.participants_lookup import SUGGESTIONS, search_participants


class NewParticipantForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    alias = forms.CharField(label=_("Alias (optional)"), max_length=80, required=False)
    advisory_board_member = forms.BooleanField(
        label=_("On the participant advisory board"), required=False
    )
    language = forms.ChoiceField(
        label=_("Preferred language"),
        help_text=_("Their notices, letters and own page are written in it."),
        required=False,  # left out: the program's own first language
    )

    def __init__(self, *args, program=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = offered_languages(program)
        self.fields["language"].initial = language_for(program)


def participant_list(request):
    query = (request.GET.get("q") or "").strip()
    form = NewParticipantForm(request.POST or None, prefix="new", program=request.program)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                person = register_participant(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                attach_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("Participant added."))
                return redirect("participant_detail", pk=person.pk)
        else:
            status = 400
    return render(
        request,
        "workflow/participant_list.html",
        {
            "query": query,
            "people": search_participants(query, limit=50),
            "form": form,
            "total": Participant.objects.count() if not query else None,
        },
        status=status,
    )


def participant_suggest(request):
    """Suggestions for the code-or-alias boxes (static/js/suggest.js); the boxes work without."""
    query = (request.GET.get("q") or "").strip()
    people = search_participants(query, limit=SUGGESTIONS) if query else []
    return JsonResponse(
        {"results": [{"code": p.code, "alias": p.alias, "label": str(p)} for p in people]}
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Preferred language"))

    def __init__(self, *args, program=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = offered_languages(program)


def participant_detail(request, pk):
    person = get_object_or_404(Participant, pk=pk)
    language_form = LanguageForm(
        request.POST or None,
        program=request.program,
        initial={"language": language_for(request.program, person.language)},
    )
    if request.method == "POST" and language_form.is_valid():
        set_participant_language(
            actor=request.user, participant=person, language=language_form.cleaned_data["language"]
        )
        messages.success(request, _("Preferred language saved."))
        return redirect("participant_detail", pk=person.pk)
    now = timezone.now()
    # Only what this person may see: not the bans and cases of a case they are a party to.
    bans = list(
        hide_party_cases(Ban.objects, request.user)
        .filter(participant=person)
        .select_related("case")[:50]
    )
    here = away_one(person, now, user=request.user)
    parties = list(
        hide_party_cases(CaseParty.objects, request.user)
        .filter(participant=person)
        .select_related("case")
        .order_by("-case__reported_at", "id")[:50]
    )
    # The person's bans (with reasons) and cases are shown: a read of each of those cases.
    shown = [ban.case_id for ban in bans] + [party.case_id for party in parties]
    record_case_reads(case_ids=shown, user=request.user)
    return render(
        request,
        "workflow/participant_detail.html",
        {
            "person": person,
            "language_form": language_form,
            "away": here,
            "past_bans": [b for b in bans if not b.is_running(now)],
            "parties": parties,
            "low_level": list(LowLevelResponse.objects.filter(participant=person)[:20]),
            "now": now,
        },
    )
