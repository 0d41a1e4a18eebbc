"""Platform site (public schema): health departments onboard programs here."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import administered_department_ids, is_platform_operator
from accounts.lockout import SlowedDown, check_sign_in_pace, record_sign_in_failure
from accounts.models import User
from organizations import services
from organizations.errors import OnboardingError
from organizations.forms import AcceptInvitationForm, AddProgramForm, InviteForm
from organizations.middleware import program_public
from organizations.models import HealthDepartment, Invitation, Program
from summaries.dictionary import label
from summaries.home import department_figures, lands_on_summaries


def _departments_for(user):
    if is_platform_operator(user):
        return HealthDepartment.objects.all()
    return HealthDepartment.objects.filter(pk__in=administered_department_ids(user))


def _program_for(user, program_id):
    """A program the user may manage; anything else is a 404."""
    return get_object_or_404(
        Program.objects.select_related("health_department"),
        pk=program_id,
        health_department__in=_departments_for(user),
    )


def platform_home(request):
    if not request.user.is_authenticated:
        return render(request, "organizations/landing.html")
    departments = _departments_for(request.user).prefetch_related("programs")
    if lands_on_summaries(request.user, departments.exists()):
        return redirect("summaries")
    figures = department_figures(request.user)
    if figures:
        figures["labels"] = [label(key) for key in figures["labels"]]
    return render(
        request,
        "organizations/dashboard.html",
        {
            "departments": departments,
            "is_operator": is_platform_operator(request.user),
            "figures": figures,
        },
    )


@login_required
def add_program(request):
    departments = _departments_for(request.user)
    if not departments.exists():
        raise Http404
    form = AddProgramForm(
        request.POST or None, departments=departments, base_domain=settings.BASE_DOMAIN
    )
    if request.method == "POST" and form.is_valid():
        try:
            program = services.add_program(
                actor=request.user,
                health_department=form.cleaned_data["health_department"],
                name=form.cleaned_data["name"],
                program_type=form.cleaned_data["program_type"],
                slug=form.cleaned_data["slug"],
            )
        except OnboardingError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("%(name)s is being set up.") % {"name": program.name})
            return redirect("program_detail", program_id=program.pk)
    return render(
        request,
        "organizations/add_program.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _detail(request, program, invite_form, status=200):
    # The platform sees only the first-admin invitations it sent, never the program's staff.
    invitations = Invitation.objects.filter(program=program, first_admin=True)[:20]
    context = {
        "program": program,
        "invite_form": invite_form,
        "invitations": invitations,
        "has_admin": services.program_has_admin(program),
    }
    return render(request, "organizations/program_detail.html", context, status=status)


@login_required
def program_detail(request, program_id):
    return _detail(request, _program_for(request.user, program_id), InviteForm())


@login_required
def program_status(request, program_id):
    """A small fragment for progress polling (also reachable without JavaScript via refresh)."""
    program = _program_for(request.user, program_id)
    return render(request, "organizations/_program_status.html", {"program": program})


@login_required
@require_POST
def retry_program(request, program_id):
    program = _program_for(request.user, program_id)
    try:
        services.retry_provisioning(actor=request.user, program=program)
    except OnboardingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Set-up is running again."))
    return redirect("program_detail", program_id=program.pk)


@login_required
def invite_member(request, program_id):
    """The first admin of a program that has none; nothing else (services.invite_first_admin)."""
    program = _program_for(request.user, program_id)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite_first_admin(
                actor=request.user, program=program, email=form.cleaned_data["email"]
            )
        except OnboardingError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s. The link works once and expires in %(days)s days.")
                % {"email": invitation.email, "days": settings.INVITATION_VALID_DAYS},
            )
            return redirect("program_detail", program_id=program.pk)
    return _detail(request, program, form, status=400 if request.method == "POST" else 200)


@program_public
def accept_invitation(request, token):
    """On the program's own site: set a password (or confirm yours) and join the program."""
    program = request.program
    try:
        invitation = services.find_invitation(token=token, program=program)
    except OnboardingError as exc:
        return render(
            request, "organizations/invitation_invalid.html", {"message": exc.message}, status=410
        )
    existing = User.objects.filter(email__iexact=invitation.email).exists()
    form = AcceptInvitationForm(request.POST or None, existing_account=existing)
    status = 200
    if request.method == "POST" and existing and form.is_valid():
        # A password check of an existing account: throttled like a sign-in.
        status = _check_account_password(request, invitation.email, form)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(
                token=token,
                program=program,
                password=form.cleaned_data["password"],
                full_name=form.cleaned_data.get("full_name", ""),
            )
        except OnboardingError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to %(program)s.") % {"program": program.name})
            return redirect("home")
    return render(
        request,
        "organizations/accept_invitation.html",
        {"form": form, "invitation": invitation, "existing_account": existing},
        status=status,
    )


def _check_account_password(request, email, form):
    """An existing account's password, checked like a sign-in: the lock on the user name and
    address pair (django-axes, through authenticate) and the flood slowdown. Returns the status
    to answer with; a refused password becomes the form's error."""
    try:
        check_sign_in_pace(request, email)
    except SlowedDown as exc:
        form.add_error("password", exc.message)
        return 429
    if authenticate(request, username=email, password=form.cleaned_data["password"]) is None:
        # A locked pair also lands here; AxesMiddleware then answers with its lockout page.
        record_sign_in_failure(email)
        form.add_error("password", _("You already have an account: enter its password to accept."))
    return 200
