"""The case page, its steps, the timeline, the printable record and evidence downloads. Views
are thin: the forms check shapes, workflow.services does the step, domain errors go back next
to the field they concern with everything typed kept."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tenants.errors import DomainError
from workflow.audit import read_lately, record_case_read, record_case_reads
from workflow.errors import CaseNotFound
from workflow.evidence import evidence_response
from workflow.models import Case, CaseEvent, EvidenceFile, Notice
from workflow.models.audit import ReadVia
from workflow.services.notices import party_language
from workflow.states import OPEN_STATES, State
from workflow.steps import STEPS
from workflow.web.base import attach_error, members_of, names_by_id
from workflow.web.case_page import CasePage, load_case
from workflow.web.plan_forms import PlanFormMixin
from workflow.web.timeline import describe_events


def case_or_404(request, pk):
    """The case with everything on its page; 404 for a number never used and for a case this
    person is a party to (workflow.access), alike."""
    try:
        return load_case(pk, request.user)
    except Case.DoesNotExist:
        raise Http404 from None


def visible_case_or_404(request, pk):
    return get_object_or_404(
        Case.objects.visible_to(request.user).select_related("policy_version"), pk=pk
    )


def case_detail(request, pk, bound=None, status=200, step_error=None):
    case = case_or_404(request, pk)
    record_case_read(case=case, user=request.user, via=ReadVia.PAGE)
    context = CasePage(request, case, bound=bound).context()
    context["step_error"] = step_error
    return render(request, "workflow/case_detail.html", context, status=status)


@require_POST
def case_step(request, pk, step, item=None):
    declared = STEPS.get(step)
    page = declared.page if declared is not None else None
    if page is None:
        raise Http404
    case = visible_case_or_404(request, pk)
    if declared.item is not None:
        if item is None:
            raise Http404
        found = get_object_or_404(declared.item.model, pk=item, **{declared.item.case_path: case})
        target = {declared.item.kwarg: found}
    elif item is not None:
        raise Http404
    else:
        target = {"case": case}
    prefix = f"{step}-{item}" if item is not None else step
    form = page.form(
        data=request.POST,
        files=request.FILES,
        case=case,
        members=list(members_of(request.program)),
        parties=list(case.parties.select_related("participant").order_by("id")),
        prefix=prefix,
    )
    status, step_error = 400, None
    if form.is_valid():
        try:
            with transaction.atomic():
                declared.service(actor=request.user, **target, **form.arguments())
        except CaseNotFound:
            raise Http404 from None
        except DomainError as exc:
            status = exc.status_code
            on_a_row = isinstance(form, PlanFormMixin) and form.attach_action_error(
                exc, form.action_rows
            )
            if not on_a_row:
                attach_error(form, exc, page.field_map)
            if status in (403, 409):
                step_error = exc.message
        else:
            messages.success(request, page.done)
            return redirect(f"{reverse('case_detail', args=[case.pk])}#{page.anchor}")
    return case_detail(request, pk, bound=form, status=status, step_error=step_error)


def case_list(request):
    cases = (
        Case.objects.visible_to(request.user)
        .select_related("policy_version")
        .order_by("-reported_at", "-id")
    )
    state = request.GET.get("state") or "open"
    if state == "open":
        cases = cases.filter(state__in=sorted(OPEN_STATES))
    elif state in State.values:
        cases = cases.filter(state=state)
    else:
        state = "all"
    if request.GET.get("mine"):
        cases = cases.filter(owner=request.user)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    # Each row shows the case's narrative: a read of each case on the page, logged at once.
    record_case_reads(case_ids=[case.pk for case in page], user=request.user)
    return render(
        request,
        "workflow/case_list.html",
        {
            "page": page,
            "state": state,
            "mine": bool(request.GET.get("mine")),
            "states": State.choices,
            "names": names_by_id(c.owner_id for c in page),
        },
    )


def timeline(request, pk):
    case = visible_case_or_404(request, pk)
    record_case_read(case=case, user=request.user, via=ReadVia.PAGE)
    events = list(CaseEvent.objects.filter(case=case).order_by("seq"))
    return render(
        request,
        "workflow/timeline.html",
        {"case": case, "events": describe_events(events)},
    )


def case_record(request, pk):
    """The whole case on one printable page (print CSS hides the navigation)."""
    case = case_or_404(request, pk)
    record_case_read(case=case, user=request.user, via=ReadVia.EXPORT)
    context = CasePage(request, case, with_forms=False).context()
    events = list(CaseEvent.objects.filter(case=case).order_by("seq"))
    context["events"] = describe_events(events)
    return render(request, "workflow/case_record.html", context)


def notice_print(request, pk, notice_id):
    """One party's notice on a page of its own, to print and hand over. Built from the notice
    and its party alone (not the case page with parts hidden), so nothing about the case, its
    other parties or its timeline can reach the paper."""
    case = visible_case_or_404(request, pk)  # a party to the case never prints from here
    notice = get_object_or_404(
        Notice.objects.select_related("party__participant", "case"), pk=notice_id, case=case
    )
    record_case_read(case=case, user=request.user, via=ReadVia.EXPORT)
    return render(
        request,
        "workflow/notice_print.html",
        {
            "notice": notice,
            # Written in the party's language (as the notice), whatever staff read in.
            "letter_language": party_language(notice.party),
            "party": notice.party,
            "case_id": notice.case_id,
            "own_page_url": request.program.site_url(reverse("public_complaint_status")),
        },
    )


def evidence_download(request, pk, evidence_id):
    """Evidence is served only here: to members of this program (the middleware answers 404 to
    anyone else), and only a file that belongs to this case."""
    case = visible_case_or_404(request, pk)
    evidence = get_object_or_404(EvidenceFile, pk=evidence_id, case=case)
    record_case_read(case=case, user=request.user, via=ReadVia.PAGE)
    return evidence_response(evidence)


def evidence_preview(request, pk, evidence_id):
    """A photo as the case page shows it: the same checks as the download (this program's
    members, not a party to the case, a file of this case), but not logged again, since the
    page that shows it logged the read. So it is served only to someone whose read of this case
    is in the log; opening this address without the page gives a 404, like any other refusal."""
    case = visible_case_or_404(request, pk)
    evidence = get_object_or_404(EvidenceFile, pk=evidence_id, case=case)
    if not read_lately(case=case, user=request.user):
        raise Http404
    return evidence_response(evidence, preview=True)
