"""Finding a participant from what staff typed: a code, or an alias that only one person has."""

from django import forms
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from tenants.models import Participant

SUGGESTIONS = 8


def search_participants(text, limit=50):
    text = (text or "").strip()
    queryset = Participant.objects.order_by("code")
    if text:
        queryset = queryset.filter(Q(code__icontains=text) | Q(alias__icontains=text))
    return list(queryset[:limit])


def find_participant(text):
    """The participant meant by `text` (exact code, else the one person with that alias), or
    None when nobody matches. Several people with that alias is an error that names them."""
    text = (text or "").strip()
    if not text:
        return None
    # "CODE (alias)" is how suggestions show a person: accept it back as typed.
    code = text.split(" (", 1)[0].strip()
    by_code = Participant.objects.annotate(folded=Lower("code")).filter(folded=code.lower())
    found = by_code.first()
    if found is not None:
        return found
    by_alias = list(Participant.objects.filter(alias__iexact=text)[:6])
    if len(by_alias) == 1:
        return by_alias[0]
    if by_alias:
        raise forms.ValidationError(
            _("Several people go by “%(alias)s”: %(codes)s. Type the code instead.")
            % {"alias": text, "codes": ", ".join(p.code for p in by_alias[:5])}
        )
    return None


class ParticipantLookupField(forms.CharField):
    """A text box for a code or alias. Works as typed without JavaScript; with it, the page
    suggests matching people as you type (static/js/suggest.js)."""

    def __init__(self, *args, suggest_url="", **kwargs):
        kwargs.setdefault("max_length", 120)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update(
            {
                "autocomplete": "off",
                "autocapitalize": "characters",
                "data-suggest-url": suggest_url,
            }
        )
