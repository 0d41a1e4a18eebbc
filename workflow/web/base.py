"""What the staff pages share: the program's members, names of people by id (one query), and
turning a domain error into a message next to the right form field."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from workflow.access import members_of  # noqa: F401  (the staff pickers' choices)
from workflow.states import role_names

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ObjectChoiceMixin:
    """A choice among objects already loaded for the page: no query per select box, however
    many forms the page holds. `set_objects` fills the choices; cleaning returns objects."""

    def __init__(self, *, empty_label=None, **kwargs):
        self.empty_label = empty_label
        super().__init__(choices=(), **kwargs)
        self.objects = {}

    def set_objects(self, objects, label=str):
        self.objects = {str(o.pk): o for o in objects}
        choices = [(str(o.pk), label(o)) for o in objects]
        if self.empty_label is not None:
            choices = [("", self.empty_label), *choices]
        self.choices = choices


class ObjectChoiceField(ObjectChoiceMixin, forms.ChoiceField):
    def clean(self, value):
        value = super().clean(value)
        return self.objects.get(value) if value else None


class ObjectMultipleChoiceField(ObjectChoiceMixin, forms.MultipleChoiceField):
    def clean(self, value):
        return [self.objects[v] for v in super().clean(value)]


class MemberChoiceField(ObjectChoiceField):
    """One of the program's members. On a case's forms, only members who are not parties to
    the case are offered (a party cannot own, investigate, facilitate or follow up on it),
    unless `any_member` (naming a staff member as a party)."""

    default_error_messages = {
        # One answer for a party, a former member and an id nobody has (nothing confirms
        # which accounts exist).
        "invalid_choice": _("Choose a member of this program who is not a party to this case.")
    }

    def __init__(self, *, any_member=False, **kwargs):
        self.any_member = any_member
        super().__init__(**kwargs)
        if any_member:
            self.error_messages["invalid_choice"] = _("Choose a member of this program.")


def names_by_id(ids):
    """{user id: display name} for the users named on a page, in one query (users live in the
    public schema; program rows refer to them by id only)."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {user.pk: str(user) for user in get_user_model().objects.filter(pk__in=ids)}


def attach_error(form, exc, field_map=None):
    """Put a domain error next to the form field it concerns (or above the form), so the person
    sees what to fix beside what they typed."""
    field = (field_map or {}).get(exc.field, exc.field)
    if field and field in form.fields:
        form.add_error(field, str(exc.message))
    else:
        form.add_error(None, str(exc.message))


def role_needed_text(roles):
    return _("Someone with one of these roles does this: %(roles)s.") % {"roles": role_names(roles)}
