"""Program addresses: one slug gives the host name and the schema name, so both are validated."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "api",
        "app",
        "assets",
        "auth",
        "cdn",
        "dashboard",
        "default",
        "docs",
        "help",
        "information_schema",
        "localhost",
        "login",
        "mail",
        "media",
        "platform",
        "postgres",
        "program-template",
        "public",
        "root",
        "smtp",
        "static",
        "status",
        "support",
        "system",
        "template",
        "test",
        "www",
    }
)


def normalize_slug(raw: str) -> str:
    """Case-fold and trim what a person typed, so 'EastSide ' and 'eastside' are one address."""
    return (raw or "").strip().casefold()


def validate_program_slug(slug: str) -> None:
    if not SLUG_PATTERN.match(slug or ""):
        raise ValidationError(
            _(
                "Use 3 to 40 characters: lowercase letters, digits and hyphens, starting with a "
                "letter and not ending with a hyphen (for example “eastside-dropin”)."
            ),
            code="invalid",
        )
    if "--" in slug:
        raise ValidationError(_("Use single hyphens only."), code="invalid")
    if slug in RESERVED_SLUGS or slug.startswith("pg-"):
        raise ValidationError(
            _("“%(slug)s” is reserved by the platform; choose another address."),
            params={"slug": slug},
            code="reserved",
        )


def schema_name_for_slug(slug: str) -> str:
    """Hyphens become underscores; the result always matches ^[a-z][a-z0-9_]{2,40}$."""
    name = slug.replace("-", "_")
    valid = re.fullmatch(r"[a-z][a-z0-9_]{2,40}", name)
    if not valid or name.startswith("pg_") or name == "public":
        raise ValidationError(_("This address cannot be used."), code="invalid")
    return name
