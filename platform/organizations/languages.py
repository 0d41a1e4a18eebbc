"""Which language a page, notice or email is written in.

The project's languages are `settings.LANGUAGES` (adding one is a translation file and that
line; README "Adding a language"). A program may turn some off (`Program.languages_off`); the
first one it keeps is its default. A person's own choice wins where it is offered: a staff
member's setting (`User.language`), a participant's preferred language, else the browser's
(Django's LocaleMiddleware: the switcher's cookie, then Accept-Language)."""

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _


def offered_languages(program=None):
    """(code, name) of the languages the program offers (all on the platform site), as
    settings.LANGUAGES names them (each in its own language), in that order."""
    # Outside a program (the platform site, a schema-less job) every language is offered.
    off = set(getattr(program, "languages_off", None) or ())
    return [(code, name) for code, name in settings.LANGUAGES if code not in off] or [
        (settings.LANGUAGE_CODE, get_language_info(settings.LANGUAGE_CODE)["name_local"])
    ]


def language_field(verbose_name=None):
    """A person's language, as a code of settings.LANGUAGES; empty: no choice of their own.
    The same column for a member (`User`), a participant and a party to a case."""
    return models.CharField(
        verbose_name or _("language"), max_length=8, blank=True, default="", db_default=""
    )


def language_for(program, *wanted):
    """The first of `wanted` (codes, empty ones skipped) the program offers, else its default."""
    return language_among(getattr(program, "languages_off", None) or (), *wanted)


def language_among(languages_off, *wanted):
    """language_for, from a program's `languages_off` alone (rows read without the program)."""
    offered = [code for code, _name in settings.LANGUAGES if code not in languages_off]
    offered = offered or [settings.LANGUAGE_CODE]
    for code in wanted:
        if code and code in offered:
            return code
    return offered[0]


class PersonLanguageMiddleware:
    """After authentication: a signed-in person's own language wins over the browser's, and a
    language the program turned off falls back to one it offers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        own = user.language if user is not None and user.is_authenticated else ""
        code = language_for(getattr(request, "program", None), own, request.LANGUAGE_CODE)
        if code != request.LANGUAGE_CODE:
            translation.activate(code)
            request.LANGUAGE_CODE = code
        return self.get_response(request)
