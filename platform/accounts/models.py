"""People and what they may do: users (public schema) and their memberships with roles; the
shared shape of their API tokens."""

from datetime import timedelta

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.languages import language_field


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractUser):
    """Signs in with an email address. Lives in the public schema, shared by all programs;
    what a user may see in a program is decided only by a Membership."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    # The language of their pages and emails; empty: their browser's (organizations.languages).
    language = language_field()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = UserManager()

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ci")]

    def __str__(self):
        return self.get_full_name() or self.email


class Role(models.TextChoices):
    PLATFORM_OPERATOR = "platform_operator", _("Platform operator")
    TA_STAFF = "ta_staff", _("TA staff")
    HEALTH_DEPARTMENT_ADMIN = "hd_admin", _("Health-department admin")
    PROGRAM_ADMIN = "program_admin", _("Program admin")
    PROGRAM_LEAD = "program_lead", _("Program lead")
    PROGRAM_STAFF = "program_staff", _("Program staff")


PROGRAM_ROLES = (Role.PROGRAM_ADMIN, Role.PROGRAM_LEAD, Role.PROGRAM_STAFF)


class Membership(models.Model):
    """One role held by one user, scoped to exactly the organization that role belongs to."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    provider = models.ForeignKey(
        "organizations.TAProvider",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    health_department = models.ForeignKey(
        "organizations.HealthDepartment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    program = models.ForeignKey(
        "organizations.Program",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    Q(
                        role=Role.PLATFORM_OPERATOR,
                        provider__isnull=True,
                        health_department__isnull=True,
                        program__isnull=True,
                    )
                    | Q(
                        role=Role.TA_STAFF,
                        provider__isnull=False,
                        health_department__isnull=True,
                        program__isnull=True,
                    )
                    | Q(
                        role=Role.HEALTH_DEPARTMENT_ADMIN,
                        provider__isnull=True,
                        health_department__isnull=False,
                        program__isnull=True,
                    )
                    | Q(
                        role__in=PROGRAM_ROLES,
                        provider__isnull=True,
                        health_department__isnull=True,
                        program__isnull=False,
                    )
                ),
            ),
            # One role per person per program; platform/provider/department roles are unique too.
            models.UniqueConstraint(
                fields=["user", "program"],
                condition=Q(program__isnull=False),
                name="one_role_per_program",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "provider", "health_department"],
                condition=Q(program__isnull=True),
                nulls_distinct=False,
                name="unique_platform_membership",
            ),
        ]

    def __str__(self):
        scope = self.program or self.health_department or self.provider or _("platform")
        return f"{self.user} · {self.get_role_display()} · {scope}"


class ApiTokenBase(models.Model):
    """What a program member's token (tenants.MemberToken, in the program's schema) and a TA
    staff token (summaries.ApiToken, public schema) share. Each keeps its own table, its own
    `user` field and its own rule for whom it lets in. Only the SHA-256 of the secret is stored
    (the secret is long and random: nothing to brute-force); it is shown once, expires, and can
    be revoked (accounts.api_tokens)."""

    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… ({self.name})"

    def is_active(self, now=None):
        return self.revoked_at is None and self.expires_at > (now or timezone.now())


def token_checks(label):
    """The checks of a token table, under the names each table had before the base existed
    (`member_token_…`, `api_token_…`). A year and a day at most: no token outlives its use by
    long, whatever service makes it."""
    return [
        models.CheckConstraint(
            condition=Q(expires_at__gt=models.F("created_at")),
            name=f"{label}_token_expires_after_creation",
        ),
        models.CheckConstraint(
            condition=Q(expires_at__lte=models.F("created_at") + timedelta(days=366)),
            name=f"{label}_token_lives_a_year_at_most",
        ),
        models.CheckConstraint(condition=~Q(name=""), name=f"{label}_token_named"),
    ]
