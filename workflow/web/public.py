"""Participant pages on a program's site, open without signing in: file a complaint, check its
status with the tracking code, and how complaints work here (with a printable poster)."""

import base64
import io
import time

import qrcode
import qrcode.constants
import qrcode.image.svg
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from organizations.middleware import program_public
from tenants.models import SetupStep
from tenants.policy import current_policy
from tenants.web.ratelimit import Limited, count_attempt, too_many
from workflow.errors import WorkflowError
from workflow.models import Case
from workflow.services import file_complaint
from workflow.services.own_page import find_party
from workflow.web.public_forms import ComplaintForm, StatusForm, normalize_tracking_code
from workflow.web.public_own_page import open_own_page
from workflow.web.public_status import public_status

# How long the "write this down" page keeps showing a code in this browser (a shared computer
# at the site should not show one person's code to the next for long).
SHOW_CODE_SECONDS = 15 * 60
SESSION_KEY = "public_filed_complaint"


@program_public
@require_http_methods(["GET", "POST"])
def file_complaint_page(request):
    form = ComplaintForm(request.POST or None)
    if request.method == "POST":
        try:
            count_attempt(request, "file_complaint")
        except Limited as limited:
            return too_many(request, limited)
        if form.is_valid():
            try:
                case = file_complaint(**form.service_arguments())
            except WorkflowError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                request.session[SESSION_KEY] = {"code": case.tracking_code, "at": time.time()}
                return redirect("public_complaint_filed")
    status = 400 if form.errors else 200
    return render(request, "public/file_complaint.html", {"form": form}, status=status)


@program_public
def complaint_filed(request):
    filed = request.session.get(SESSION_KEY)
    if not filed or time.time() - filed.get("at", 0) > SHOW_CODE_SECONDS:
        request.session.pop(SESSION_KEY, None)
        return redirect("public_file_complaint")
    return render(request, "public/filed.html", {"code": filed["code"]})


@program_public
@require_http_methods(["GET", "POST"])
def complaint_status(request):
    """The code is sent by POST, so it stays out of addresses, logs and browser history."""
    form = StatusForm(request.POST or None)
    context = {"form": form, "looked_up": False}
    if request.method == "POST":
        try:
            count_attempt(request, "check_status")
        except Limited as limited:
            return too_many(request, limited)
        if form.is_valid():
            code = normalize_tracking_code(form.cleaned_data["code"])
            passphrase = form.cleaned_data["passphrase"]
            party = find_party(code=code, passphrase=passphrase)
            if party is not None:
                open_own_page(request, party)
                return redirect("public_own_page")
            # A complaint staff recorded with a tracking code and no party page: its stage only.
            # A code that opens a party's page never shows anything without its passphrase.
            case = (
                Case.objects.filter(tracking_code=code)
                .exclude(parties__access_code=code)
                .only("state", "reported_at", "response_due_at", "responded_at")
                .first()
                if code and not passphrase
                else None
            )
            context.update(looked_up=True, code=code or form.cleaned_data["code"])
            if case is not None:
                context["status"] = public_status(case)
    return render(request, "public/status.html", context)


def _joined(items, last_word):
    items = [str(item) for item in items]
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last_word} {items[-1]}"


APPELLANT_WORDS = {
    "harmed_person": gettext_lazy("harmed person"),
    "person_who_did_harm": gettext_lazy("person who did harm"),
    "complainant": gettext_lazy("person who complained"),
}


def _roles_text(roles):
    labels = [str(Role(role).label).lower() for role in roles if role in Role.values]
    return _joined(labels, _("or"))


def how_it_works_context(policy):
    return {
        "policy": policy,
        "deciders": _roles_text(policy.decider_roles),
        "reviewers": _roles_text(policy.appeal_reviewer_roles),
        "follow_ups": _joined(policy.follow_up_days, _("and")),
        "appellants": _joined(
            [APPELLANT_WORDS[role] for role in policy.appellant_roles if role in APPELLANT_WORDS],
            _("and"),
        ),
    }


def front_door(request):
    """What a visitor who is not signed in sees at the program's address: the ways to complain
    and follow a complaint first, how it works here, and the staff sign-in below."""
    return render(request, "public/front_door.html", how_it_works_context(current_policy()))


@program_public
def how_it_works(request):
    return render(request, "public/how_it_works.html", how_it_works_context(current_policy()))


def qr_data_uri(text):
    """An SVG QR code as a data: address, so the page needs no inline markup or extra request."""
    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=10,
        border=2,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@program_public
def poster(request):
    if getattr(request, "program_role", None):  # staff opening it to print: first-run list
        SetupStep.objects.get_or_create(name="poster")
    filing_url = request.program.site_url(reverse("public_file_complaint"))
    context = how_it_works_context(current_policy())
    context.update(
        filing_url=filing_url,
        qr_code=qr_data_uri(filing_url),
        qr_alt=_("QR code that opens the page to file a complaint: %(url)s") % {"url": filing_url},
    )
    return render(request, "public/poster.html", context)
