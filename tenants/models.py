"""Data in each program's own schema besides cases."""

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Participant(models.Model):
    """Pseudonymous: a code the program chooses and an alias. No legal name is stored."""

    code = models.CharField(_("code"), max_length=40)
    alias = models.CharField(_("alias"), max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(Lower("code"), name="participant_code_unique_ci"),
            models.CheckConstraint(condition=~models.Q(code=""), name="participant_code_not_empty"),
        ]

    def __str__(self):
        return f"{self.code} ({self.alias})" if self.alias else self.code
