"""Program admin pages: the program's policy settings and its staff."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import PROGRAM_ROLES, Membership, Role, User
from organizations.languages import offered_languages
from organizations.models import Invitation
from tenants.errors import DomainError
from tenants.models import PolicyVersion
from tenants.policy import POLICY_FIELDS, change_policy, current_policy
from tenants.services import set_program_languages
from tenants.staff import change_member_role, invite_member, remove_member
from tenants.web.access import program_admin_required
from tenants.web.policy_forms import PolicyForm, form_sections
from tenants.web.staff_forms import InviteMemberForm, RoleForm

HISTORY_LENGTH = 20


def _shown(name, value):
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name.endswith("_roles"):
        return ", ".join(str(Role(r).label) for r in value if r in Role.values)
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def policy_history():
    """The latest versions, newest first, each with who made it and what it changed."""
    versions = list(PolicyVersion.objects.order_by("-number")[: HISTORY_LENGTH + 1])
    users = User.objects.in_bulk({v.created_by_id for v in versions if v.created_by_id})
    history = []
    for version, previous in zip(versions, versions[1:] + [None], strict=True):
        if len(history) == HISTORY_LENGTH:
            break
        changes = []
        if previous is not None:
            for name in POLICY_FIELDS:
                before, after = getattr(previous, name), getattr(version, name)
                if before != after:
                    label = PolicyVersion._meta.get_field(name).verbose_name
                    changes.append((label, _shown(name, before), _shown(name, after)))
        history.append(
            {"version": version, "by": users.get(version.created_by_id), "changes": changes}
        )
    return history


class LanguagesForm(forms.Form):
    languages = forms.MultipleChoiceField(
        label=gettext_lazy("Languages this program offers"),
        help_text=gettext_lazy(
            "Pages, notices and emails are written in these. A person whose language is "
            "turned off gets the first one on."
        ),
        widget=forms.CheckboxSelectMultiple,
        choices=settings.LANGUAGES,
    )


@program_admin_required
@require_POST
def program_languages(request):
    form = LanguagesForm(request.POST)
    if form.is_valid():
        try:
            set_program_languages(
                actor=request.user,
                program=request.program,
                languages=form.cleaned_data["languages"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Languages saved."))
    else:
        messages.error(request, _("Choose at least one language."))
    return redirect("policy_settings")


@program_admin_required
@require_http_methods(["GET", "POST"])
def policy_settings(request):
    policy = current_policy()
    form = PolicyForm(request.POST or None, initial=PolicyForm.initial_from(policy))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = form.policy_values()
            changes = {k: v for k, v in values.items() if getattr(policy, k) != v}
            if not changes:
                messages.info(request, _("Nothing was changed; the rules stay as they are."))
                return redirect("policy_settings")
            try:
                new = change_policy(
                    actor=request.user, change_note=form.cleaned_data["change_note"], **changes
                )
            except DomainError as exc:
                field = exc.field
                if field == "ban_days_by_severity":
                    field = "ban_severe"
                form.add_error(field if field in form.fields else None, exc.message)
            else:
                messages.success(
                    request,
                    _(
                        "Saved as version %(number)s. New cases follow it; open cases keep the "
                        "rules they were reported under."
                    )
                    % {"number": new.number},
                )
                return redirect("policy_settings")
        status = 400
    return render(
        request,
        "tenants/policy.html",
        {
            "form": form,
            "policy": policy,
            "sections": form_sections(form),
            "history": policy_history(),
            "languages_form": LanguagesForm(
                initial={"languages": [code for code, _n in offered_languages(request.program)]}
            ),
        },
        status=status,
    )


def _staff_context(request, *, invite_form=None, row_errors=None):
    program = request.program
    members = (
        Membership.objects.filter(program=program, role__in=PROGRAM_ROLES)
        .select_related("user")
        .order_by("user__email")
    )
    row_errors = row_errors or {}
    admin_count = sum(1 for m in members if m.role == Role.PROGRAM_ADMIN)
    rows = [
        {
            "membership": m,
            "is_me": m.user_id == request.user.pk,
            "form": RoleForm(initial={"role": m.role}, prefix=f"m{m.pk}"),
            "error": row_errors.get(m.pk),
            "only_admin": m.role == Role.PROGRAM_ADMIN and admin_count == 1,
        }
        for m in members
    ]
    # Every invitation into the program, whoever sent it (its admins, or the health department
    # for the first admin), so its admins see who was let in and by whom.
    now = timezone.now()
    invitations = [
        {
            "email": inv.email,
            "role": Role(inv.role).label,
            "invited_by": inv.invited_by.email if inv.invited_by else _("(account removed)"),
            "first_admin": inv.first_admin,
            "created_at": inv.created_at,
            "state": (
                _("accepted")
                if inv.accepted_at
                else _("open")
                if inv.expires_at > now
                else _("expired")
            ),
            "open": not inv.accepted_at and inv.expires_at > now,
            "expires_at": inv.expires_at,
        }
        for inv in Invitation.objects.filter(program=program)
        .select_related("invited_by")
        .order_by("-created_at")[:100]
    ]
    return {
        "rows": rows,
        "invitations": invitations,
        "invite_form": invite_form or InviteMemberForm(),
        "invitation_days": settings.INVITATION_VALID_DAYS,
    }


@program_admin_required
def staff_list(request):
    return render(request, "tenants/staff.html", _staff_context(request))


@program_admin_required
@require_POST
def staff_invite(request):
    form = InviteMemberForm(request.POST)
    if form.is_valid():
        try:
            invitation = invite_member(
                actor=request.user,
                program=request.program,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s. The link works once and expires in %(days)s days.")
                % {"email": invitation.email, "days": settings.INVITATION_VALID_DAYS},
            )
            return redirect("staff_list")
    return render(
        request, "tenants/staff.html", _staff_context(request, invite_form=form), status=400
    )


@program_admin_required
@require_POST
def staff_change_role(request, membership_id):
    # Someone else's membership (another program's, or none) is simply not here.
    get_object_or_404(Membership, pk=membership_id, program=request.program, role__in=PROGRAM_ROLES)
    form = RoleForm(request.POST, prefix=f"m{membership_id}")
    if form.is_valid():
        try:
            changed = change_member_role(
                actor=request.user,
                program=request.program,
                membership_id=membership_id,
                role=form.cleaned_data["role"],
            )
        except DomainError as exc:
            error = exc.message
        else:
            membership = changed.membership
            done = _("%(who)s is now %(role)s.") % {
                "who": membership.user,
                "role": membership.get_role_display(),
            }
            if changed.revoked_tokens:
                # Their scripts stop at once: the admin is the one who can tell them why.
                done += " " + ngettext(
                    "Their API token stopped working: they can make a new one after signing "
                    "in with two-factor sign-in.",
                    "Their %(count)s API tokens stopped working: they can make new ones after "
                    "signing in with two-factor sign-in.",
                    changed.revoked_tokens,
                ) % {"count": changed.revoked_tokens}
            messages.success(request, done)
            return redirect("staff_list")
    else:
        error = _("Choose a role.")
    context = _staff_context(request, row_errors={membership_id: error})
    return render(request, "tenants/staff.html", context, status=400)


@program_admin_required
@require_http_methods(["GET", "POST"])
def staff_remove(request, membership_id):
    membership = (
        Membership.objects.filter(pk=membership_id, program=request.program, role__in=PROGRAM_ROLES)
        .select_related("user")
        .first()
    )
    if membership is None:
        return render(request, "404.html", status=404)
    if request.method == "POST":
        try:
            user = remove_member(
                actor=request.user, program=request.program, membership_id=membership_id
            )
        except DomainError as exc:
            context = _staff_context(request, row_errors={membership_id: exc.message})
            return render(request, "tenants/staff.html", context, status=400)
        messages.success(
            request,
            _("%(who)s was removed from the program. Their past work stays on the record.")
            % {"who": user},
        )
        if user.pk == request.user.pk:
            return redirect("public_how_it_works")
        return redirect("staff_list")
    return render(
        request,
        "tenants/staff_remove.html",
        {"membership": membership, "is_me": membership.user_id == request.user.pk},
    )
