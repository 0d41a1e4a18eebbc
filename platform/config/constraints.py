"""Database rules the models of every layer share."""

from django.db import models


def one_of(field, choices, name):
    """A CHECK that `field` holds one of the values of `choices` (a TextChoices): a value
    written around the model (raw SQL, a migration, a restore) cannot be anything else."""
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": choices.values}), name=name)
