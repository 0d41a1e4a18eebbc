"""A session belongs to the site it was signed in on: one program's site, or the platform.

The session cookie is host-only (no SESSION_COOKIE_DOMAIN), so a browser never sends it to
another host. This holds even when it is sent anyway (a copied cookie, a shared parent domain
set by mistake): sign-in records the site's schema in the session, and on every other site the
session is set aside for that request, which then runs as anonymous. A staff member's session
from a program therefore opens nothing on the platform (its admin included) and names nobody.
A signed-in session that records no site (made before this rule) counts as belonging nowhere.

The stored session is left as it is: its owner stays signed in on their own site."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY, user_logged_in
from django.db import connection
from django.dispatch import receiver

SITE_KEY = "_site_schema"


def current_site_schema(request=None):
    """The schema of the site answering: the program's, or public for the platform."""
    tenant = getattr(request, "tenant", None)
    return tenant.schema_name if tenant is not None else connection.schema_name


def bind_session_to_site(session, schema_name):
    session[SITE_KEY] = schema_name


@receiver(user_logged_in, dispatch_uid="bind-session-to-site")
def _bind_at_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        bind_session_to_site(request.session, current_site_schema(request))


class SiteSessionMiddleware:
    """Between SessionMiddleware and AuthenticationMiddleware: a session signed in elsewhere
    is replaced, for this request, by a new empty one."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.session_store = import_module(settings.SESSION_ENGINE).SessionStore

    def __call__(self, request):
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.get(SESSION_KEY) is not None
            and session.get(SITE_KEY) != current_site_schema(request)
        ):
            request.session = self.session_store()
        return self.get_response(request)
