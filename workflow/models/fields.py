"""Small field helpers shared by the workflow models."""

from django.conf import settings
from django.db import models

from config.constraints import one_of

__all__ = ["not_empty", "one_of", "user_field"]


def user_field(verbose_name, *, null=True):
    """A reference to a user in the public schema. No database FK crosses schemas, and nothing
    cascades from a user into a program's records."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=null,
        blank=null,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=verbose_name,
    )


def not_empty(field, name):
    return models.CheckConstraint(condition=~models.Q(**{field: ""}), name=name)
