"""What the summaries count: declared by the layer that counts (the case workflow registers its
catalogue when the app starts, `workflow.summary_catalogue`), read here. The summaries app never
imports the workflow: it only knows the shape of the published aggregates.

A catalogue names, per *root* (cases, bans, ...), a tree of families (see summaries.suppression)
whose components are the keys of the stored counts, plus the shares and medians derived from
them, and a label and a plain definition for every figure (the data dictionary)."""

from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Catalogue:
    # root -> [Family], parents first, the root's total first.
    roots: dict
    # (key, root, family, numerator components, denominator components or None = all)
    shares: list
    # (key, histogram name, root, family that must be published)
    medians: list
    # figure key -> short label; figure key -> one-sentence definition
    labels: dict = field(default_factory=dict)
    definitions: dict = field(default_factory=dict)


_registered: list = []


def register(catalogue):
    """Called once by the counting layer at start-up (a second call replaces the first)."""
    _registered[:] = [catalogue]


def current():
    if not _registered:
        raise ImproperlyConfigured(
            "No summaries catalogue is registered: the workflow app registers it when it starts."
        )
    return _registered[0]
