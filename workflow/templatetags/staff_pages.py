"""Small template helpers for the staff pages."""

from django import template
from django.utils.translation import gettext_lazy as _

from workflow.models import DueStatus

register = template.Library()

MARKS = {
    DueStatus.ON_TIME: ("on-time", _("On time")),
    DueStatus.DUE_SOON: ("due-soon", _("Due soon")),
    DueStatus.OVERDUE: ("overdue", _("Overdue")),
    DueStatus.MET: ("on-time", _("Done on time")),
    DueStatus.MET_LATE: ("overdue", _("Done late")),
}


@register.filter
def name_of(names, user_id):
    """A person's name from the page's {id: name} map."""
    if user_id is None:
        return "—"
    return names.get(user_id, _("a former member"))


@register.inclusion_tag("workflow/_due_mark.html")
def due_mark(status):
    """On time / due soon / overdue, in words and colour (never colour alone)."""
    css, label = MARKS.get(status, ("", ""))
    return {"css": css, "label": label}


@register.filter
def with_aria(field):
    """The field's widget, tied to its help text and error messages for screen readers."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        described.append(f"{field.auto_id}_error")
    attrs = {"aria-describedby": " ".join(described)} if described else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)
