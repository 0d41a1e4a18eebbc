"""The data dictionary: every figure's key, a readable name and a plain definition, and the
words for why a figure is withheld. Read by the API (/api/ta/dictionary/, CSV headers) and the
page, from the registered catalogue."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from summaries import catalogue, metrics

FIELD_NAMES = {
    "id": _("Figure set id"),
    "scope": _("Program or group"),
    "period": _("Period"),
    "period_kind": _("Period kind"),
    "month": _("First month"),
    "program_id": _("Program id"),
    "program_name": _("Program"),
    "department_id": _("Health department id"),
    "department_name": _("Health department"),
    "provider_id": _("TA provider id"),
    "provider_name": _("TA provider"),
    "program_type": _("Program type"),
    "department": _("Health department id"),
    "program_count": _("Programs counted"),
    "name": _("Name"),
    "jurisdiction": _("Jurisdiction"),
    "status": _("Status"),
    # The dictionary's own columns (entries()).
    "key": _("Figure key"),
    "label": _("Name"),
    "definition": _("Definition"),
    "kind": _("Kind"),
    "root": _("What is counted"),
    "family": _("Group of figures"),
}
# The fields of each entry (entries()), in order: the columns of /api/ta/dictionary/?format=csv.
ENTRY_FIELDS = ("key", "label", "definition", "kind", "root", "family")


def reason_text(code):
    """Why a figure is withheld, in plain words."""
    limit = settings.SUMMARIES_SUPPRESSION_THRESHOLD
    return {
        metrics.SMALL: _("Withheld: it counts from 1 to %(n)s, too few to show safely.")
        % {"n": limit - 1},
        metrics.PROTECTS: _(
            "Withheld so that a small count elsewhere cannot be worked out by subtraction."
        ),
        metrics.PARENT: _("Withheld because the count it is part of is withheld."),
        metrics.FEW_VALUES: _("Withheld: a median of fewer than %(n)s values.") % {"n": limit},
    }.get(code, _("Withheld."))


def label(key):
    cat = catalogue.current()
    return cat.labels.get(key) or cat.definitions.get(key, key).rstrip(".")


def kind_of(key):
    cat = catalogue.current()
    if any(key == s[0] for s in cat.shares):
        return "share"
    if any(key == m[0] for m in cat.medians):
        return "median_days"
    return "count"


def column_names():
    out = dict(FIELD_NAMES)
    out.update({key: label(key) for key in metrics.all_keys()})
    return out


def entries():
    """One entry per figure key, in the order of the CSV columns."""
    cat = catalogue.current()
    row_of = metrics.row_of_key()
    return [
        {
            "key": key,
            "label": str(label(key)),
            "definition": str(cat.definitions.get(key, "")),
            "kind": kind_of(key),
            "root": row_of[key][0],
            "family": row_of[key][1],
        }
        for key in metrics.all_keys()
    ]
