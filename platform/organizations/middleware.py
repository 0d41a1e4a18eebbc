"""Route each request by host: the platform site on the public schema, or one program's site
inside that program's schema, open only to that program's members."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http import Http404, HttpResponseNotFound, JsonResponse
from django.shortcuts import render
from django.urls import set_urlconf
from django.utils.translation import gettext as _

from accounts.access import program_role
from organizations.models import Domain, ProgramStatus

# Paths anyone may reach on a program site (the rest need a membership).
ALWAYS_OPEN_PREFIXES = ("/healthz", "/readyz", "/static/")


def is_platform_host(hostname):
    return hostname in settings.PLATFORM_HOSTS


class ProgramHostMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        connection.set_schema_to_public()
        try:
            hostname = request.get_host().split(":")[0].lower()
        except DisallowedHost:
            return HttpResponseNotFound()
        request.program = None
        if is_platform_host(hostname):
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            set_urlconf(request.urlconf)
            try:
                return self.get_response(request)
            finally:
                set_urlconf(None)
        domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
        if domain is None or domain.tenant.status == ProgramStatus.RETIRED:
            raise Http404(_("There is no program at this address."))
        program = domain.tenant
        if request.path.startswith(ALWAYS_OPEN_PREFIXES[:2]):
            pass  # health checks answer on every host, whatever the program's state
        elif program.status in (ProgramStatus.PROVISIONING, ProgramStatus.FAILED):
            return render(
                request, "organizations/program_not_ready.html", {"program": program}, status=503
            )
        elif program.status == ProgramStatus.RETIRING:
            return render(
                request, "organizations/program_closing.html", {"program": program}, status=503
            )
        request.program = program
        request.tenant = program
        connection.set_tenant(program)
        request.urlconf = settings.ROOT_URLCONF
        set_urlconf(request.urlconf)
        try:
            return self.get_response(request)
        finally:
            connection.set_schema_to_public()
            set_urlconf(None)


def program_public(view):
    """Mark a program-site view as open to people without a membership (sign-in, public forms)."""
    view.program_public = True
    return view


class ProgramAccessMiddleware:
    """Fail closed: on a program site, every view needs a membership in that program unless it is
    marked public. A signed-in person without one gets 404, so nothing confirms what exists."""

    SAFE_WHILE_SUSPENDED = ("login", "logout")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        program = getattr(request, "program", None)
        if program is None:
            return None
        if request.path.startswith(ALWAYS_OPEN_PREFIXES):
            return None
        request.program_role = program_role(request.user, program)
        is_public = getattr(view_func, "program_public", False) or getattr(
            getattr(view_func, "view_class", None), "program_public", False
        )
        signed_in_outsider = request.user.is_authenticated and request.program_role is None
        if signed_in_outsider and not (is_public and request.resolver_match.url_name == "logout"):
            raise Http404(_("Page not found."))
        if not is_public and request.program_role is None:
            if request.path.startswith("/api/") and not request.path.startswith("/api/docs/"):
                # A program's API answers a client, not a person: say so in its own terms.
                return JsonResponse(
                    {"detail": _("Sign in first: this needs a signed-in member of the program.")},
                    status=401,
                    headers={"WWW-Authenticate": 'Session realm="program"'},
                )
            return redirect_to_login(request.get_full_path())
        if (
            program.status == ProgramStatus.SUSPENDED
            and request.method not in ("GET", "HEAD", "OPTIONS")
            and request.resolver_match.url_name not in self.SAFE_WHILE_SUSPENDED
        ):
            return render(
                request, "organizations/program_suspended.html", {"program": program}, status=403
            )
        return None
