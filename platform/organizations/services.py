"""Onboarding: each step is one function, in one transaction, with keyword-only arguments."""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, connection, models, transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tenants.utils import schema_exists

from accounts.access import can_manage_department, is_platform_operator, program_role
from accounts.models import PROGRAM_ROLES, Membership, Role, User
from organizations.errors import OnboardingError
from organizations.languages import language_for
from organizations.models import Domain, Invitation, Program, ProgramStatus
from organizations.retirement import enqueue_retirement
from organizations.schemas import create_program_schema
from organizations.slugs import normalize_slug, schema_name_for_slug, validate_program_slug

logger = logging.getLogger(__name__)


def program_host(slug):
    return f"{slug}.{settings.BASE_DOMAIN}"


def check_slug_available(slug):
    """Return the normalized slug, or raise OnboardingError saying why it cannot be used."""
    slug = normalize_slug(slug)
    try:
        validate_program_slug(slug)
        schema = schema_name_for_slug(slug)
    except ValidationError as exc:
        raise OnboardingError(exc.messages[0], field="slug") from exc
    taken = (
        Program.objects.annotate(folded=Lower("slug")).filter(folded=slug).exists()
        or Program.objects.filter(schema_name=schema).exists()
        or schema == settings.TENANT_BASE_SCHEMA
        or schema_exists(schema)
        or Domain.objects.filter(domain__iexact=program_host(slug)).exists()
    )
    if taken:
        raise OnboardingError(_taken_message(slug), field="slug")
    return slug


def _taken_message(slug):
    return _("The address “%(slug)s” is already taken; choose another.") % {"slug": slug}


@transaction.atomic
def add_program(*, actor, health_department, name, program_type, slug):
    """Register a program and queue its schema for provisioning; nothing is half-created."""
    if not can_manage_department(actor, health_department):
        raise OnboardingError(
            _("You can add programs only to a health department you administer."),
            field="health_department",
        )
    name = (name or "").strip()
    if not name:
        raise OnboardingError(_("Give the program a name."), field="name")
    slug = check_slug_available(slug)
    program = Program(
        name=name,
        slug=slug,
        schema_name=schema_name_for_slug(slug),
        program_type=program_type,
        health_department=health_department,
        status=ProgramStatus.PROVISIONING,
        created_by=actor,
    )
    try:
        program.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise OnboardingError(messages[0], field=field) from exc
    try:
        with transaction.atomic():
            program.save()
            Domain.objects.create(domain=program_host(slug), tenant=program, is_primary=True)
    except IntegrityError as exc:
        # Someone took the address between our check and our insert.
        raise OnboardingError(_taken_message(slug), field="slug") from exc
    transaction.on_commit(lambda: enqueue_provisioning(program.pk))
    return program


def enqueue_provisioning(program_id):
    # why: organizations.tasks imports this module (its actor runs provision_program).
    from organizations.tasks import provision_program_job

    stamp_job_sent(program_id)
    provision_program_job.send(program_id)


def stamp_job_sent(program_id):
    Program.objects.filter(pk=program_id).update(job_sent_at=timezone.now())


# A set-up or retirement whose job was sent this long ago and has not finished lost it (killed
# worker, broker restart): it is sent again. A set-up takes seconds (a duplicate waits for the
# first and finds the program ready); a retirement may export for up to its one-hour limit.
STALLED_AFTER = {
    ProgramStatus.PROVISIONING: timedelta(minutes=3),
    ProgramStatus.RETIRING: timedelta(minutes=70),
}


def requeue_stalled_jobs(*, now=None):
    """A scheduler tick: send again the set-ups and retirements that lost their job. Each send
    is stamped, so one stalled program is sent once per period, not on every tick; both jobs
    are idempotent, so a duplicate is harmless."""
    now = now or timezone.now()
    enqueue = {
        ProgramStatus.PROVISIONING: enqueue_provisioning,
        ProgramStatus.RETIRING: enqueue_retirement,
    }
    sent = 0
    for status, after in STALLED_AFTER.items():
        stalled = Program.objects.filter(
            models.Q(job_sent_at__lt=now - after) | models.Q(job_sent_at__isnull=True),
            status=status,
        ).values_list("pk", flat=True)[:50]
        for program_id in list(stalled):
            enqueue[status](program_id)
            sent += 1
    return sent


def provision_program(*, program_id):
    """Create the program's schema by cloning the migrated template.

    The schema is made on the owner connection in one transaction of its own (PostgreSQL DDL
    is transactional, so a failure leaves no half-made schema), while this connection holds the
    program's row lock: a redelivered job waits for the first and then finds the program ready.
    A crash between the two commits leaves a schema and a program still 'provisioning'; the
    retry replaces that schema.
    """
    try:
        with transaction.atomic():
            program = Program.objects.select_for_update().get(pk=program_id)
            if program.status != ProgramStatus.PROVISIONING:
                return program
            if program.ready_at is not None:
                # Was ready once: making its schema again would replace its data.
                logger.error("Refusing to provision program %s again: it was ready", program_id)
                return program
            if not schema_exists(settings.TENANT_BASE_SCHEMA):
                raise RuntimeError(
                    "the program template schema is missing; run `manage.py migrate_all` first"
                )
            create_program_schema(program.schema_name)
            connection.set_schema_to_public()
            program.status = ProgramStatus.READY
            program.failure_reason = ""
            program.ready_at = timezone.now()
            program.provisioning_attempts += 1
            program.save(
                update_fields=["status", "failure_reason", "ready_at", "provisioning_attempts"]
            )
            return program
    except Exception as exc:
        connection.set_schema_to_public()
        logger.exception("Provisioning program %s failed", program_id)
        Program.objects.filter(pk=program_id, status=ProgramStatus.PROVISIONING).update(
            status=ProgramStatus.FAILED,
            failure_reason=f"{type(exc).__name__}: {exc}"[:2000],
            provisioning_attempts=models.F("provisioning_attempts") + 1,
        )
        return Program.objects.get(pk=program_id)


@transaction.atomic
def retry_provisioning(*, actor, program):
    if not can_manage_department(actor, program.health_department):
        raise OnboardingError(_("You cannot manage this program."))
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status != ProgramStatus.FAILED:
        raise OnboardingError(_("Only a program whose set-up failed can be retried."))
    program.status = ProgramStatus.PROVISIONING
    program.failure_reason = ""
    program.save(update_fields=["status", "failure_reason"])
    transaction.on_commit(lambda: enqueue_provisioning(program.pk))
    return program


@transaction.atomic
def suspend_program(*, actor, program):
    """Platform operators only: the program's records stay readable, nothing can change."""
    return _switch_status(actor, program, ProgramStatus.READY, ProgramStatus.SUSPENDED)


@transaction.atomic
def resume_program(*, actor, program):
    """Platform operators only: a suspended program accepts changes again."""
    return _switch_status(actor, program, ProgramStatus.SUSPENDED, ProgramStatus.READY)


def _switch_status(actor, program, source, target):
    # The only status changes an operator makes by hand; every other one is a job's (set-up,
    # retirement), never a field to edit: setting "being set up" again would replace the schema.
    if not is_platform_operator(actor):
        raise OnboardingError(_("Only a platform operator can suspend or resume a program."))
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status != source:
        raise OnboardingError(
            _("Only a program that is “%(source)s” can become “%(target)s”.")
            % {"source": source.label, "target": target.label}
        )
    program.status = target
    program.save(update_fields=["status"])
    return program


def _hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


# Accounts that work on the platform side (health departments, TA providers, operators) see
# figures, not case files: the platform pages never make them members of a program.
PLATFORM_ROLES = (Role.HEALTH_DEPARTMENT_ADMIN, Role.TA_STAFF, Role.PLATFORM_OPERATOR)


def program_has_admin(program):
    return Membership.objects.filter(program=program, role=Role.PROGRAM_ADMIN).exists()


def _holds_platform_role(email):
    return Membership.objects.filter(user__email__iexact=email, role__in=PLATFORM_ROLES).exists()


@transaction.atomic
def invite_first_admin(*, actor, program, email):
    """From the platform site: a health-department admin (or an operator) invites the first
    admin of a program that has none. That is all they may do inside a program; afterwards
    only the program's own admins invite (invite_program_member)."""
    if not can_manage_department(actor, program.health_department):
        raise OnboardingError(_("You cannot invite people to this program."))
    # Lock the program row: two first-admin invitations sent at once are checked one by one.
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program_has_admin(program):
        raise OnboardingError(
            _("%(program)s already has an admin. Only its own admins invite people now; ask them.")
            % {"program": program.name}
        )
    email = _checked_email(program, email)
    if email == (actor.email or "").lower() or _holds_platform_role(email):
        raise OnboardingError(
            _(
                "This address belongs to a health-department, TA or platform account, which "
                "cannot join a program. Invite the person who will run the program."
            ),
            field="email",
        )
    return _send_invitation(
        actor=actor, program=program, email=email, role=Role.PROGRAM_ADMIN, first_admin=True
    )


@transaction.atomic
def invite_program_member(*, actor, program, email, role=Role.PROGRAM_ADMIN):
    """On the program's site: one of its admins invites a member."""
    if program_role(actor, program) != Role.PROGRAM_ADMIN:
        raise OnboardingError(_("Only the program's admins can invite people to it."))
    if role not in PROGRAM_ROLES:
        raise OnboardingError(_("Choose a program role."), field="role")
    email = _checked_email(program, email)
    return _send_invitation(actor=actor, program=program, email=email, role=role)


def _checked_email(program, email):
    if program.status != ProgramStatus.READY:
        raise OnboardingError(
            _("The program is not ready yet; invite its admin once set-up has finished.")
        )
    email = (email or "").strip().lower()
    try:
        # A line break in the address would fail the email after the invitation is saved.
        validate_email(email)
    except ValidationError:
        email = ""
    if not email:
        raise OnboardingError(
            _("Enter the email address to send the invitation to."), field="email"
        )
    if Membership.objects.filter(user__email__iexact=email, program=program).exists():
        raise OnboardingError(
            _("%(email)s is already a member of this program.") % {"email": email}, field="email"
        )
    return email


def _send_invitation(*, actor, program, email, role, first_admin=False):
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation.objects.create(
        program=program,
        email=email,
        role=role,
        first_admin=first_admin,
        token_hash=_hash_token(token),
        invited_by=actor,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    link = program.site_url(f"/invitations/{token}/")
    context = {"program": program, "link": link, "invitation": invitation, "inviter": actor}
    # In the invitee's own language if they have an account, else the inviter's page's.
    known = User.objects.filter(email__iexact=email).values_list("language", flat=True).first()
    language = language_for(program, known, translation.get_language())

    def send():
        with translation.override(language):
            send_mail(
                subject=_("You are invited to %(program)s") % {"program": program.name},
                message=render_to_string("organizations/invitation_email.txt", context),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[email],
            )

    transaction.on_commit(send)
    invitation.link = link  # shown once to the inviter, never stored
    return invitation


def find_invitation(*, token, program):
    """The invitation behind a link, or OnboardingError saying why it cannot be used."""
    invitation = Invitation.objects.filter(
        token_hash=_hash_token(token or ""), program=program
    ).first()
    _check_invitation_usable(invitation)
    return invitation


def _check_invitation_usable(invitation):
    if invitation is None:
        raise OnboardingError(
            _("This invitation link is not valid. Ask the person who invited you for a new one.")
        )
    if invitation.accepted_at:
        raise OnboardingError(
            _("This invitation has already been used. Sign in, or ask for a new invitation.")
        )
    if invitation.expires_at <= timezone.now():
        raise OnboardingError(_("This invitation has expired. Ask for a new one."))


@transaction.atomic
def accept_invitation(*, token, program, password, full_name=""):
    """Join the program: a new account sets its password; an existing one confirms it."""
    invitation = (
        Invitation.objects.select_for_update()
        .filter(token_hash=_hash_token(token or ""), program=program)
        .first()
    )
    _check_invitation_usable(invitation)
    if invitation.first_admin and program_has_admin(program):
        raise OnboardingError(
            _(
                "This invitation was for the program's first admin, and the program has one now. "
                "Ask its admins for an invitation."
            )
        )
    if invitation.first_admin and _holds_platform_role(invitation.email):
        raise OnboardingError(
            _(
                "This address belongs to a health-department, TA or platform account, which "
                "cannot join a program."
            )
        )
    user = User.objects.filter(email__iexact=invitation.email).first()
    if user is None:
        from django.contrib.auth.password_validation import validate_password

        candidate = User(email=invitation.email)
        try:
            validate_password(password, candidate)
        except ValidationError as exc:
            raise OnboardingError(" ".join(exc.messages), field="password") from exc
        first, _sep, last = (full_name or "").strip().partition(" ")
        user = User.objects.create_user(
            email=invitation.email, password=password, first_name=first, last_name=last
        )
    elif not user.check_password(password):
        raise OnboardingError(
            _("You already have an account: enter its password to accept."), field="password"
        )
    Membership.objects.get_or_create(user=user, program=program, defaults={"role": invitation.role})
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user
