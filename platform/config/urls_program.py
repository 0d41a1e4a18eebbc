"""URLs of a program's site (that program's schema)."""

from django.urls import include, path
from django.views.decorators.http import require_safe
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.health import healthz, readyz
from organizations.middleware import program_public
from organizations.views import accept_invitation
from workflow.web.public import front_door
from workflow.web.today import today


@program_public
def home(request):
    """The program's address: Today for its staff, the front door for everyone else. Open to
    all (a signed-in member of another program still gets 404 from the middleware)."""
    if getattr(request, "program_role", None) is None:
        return front_door(request)
    return today(request)


urlpatterns = [
    path("", home, name="home"),
    path("invitations/<str:token>/", accept_invitation, name="accept_invitation"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("", include("workflow.web_urls")),
    path("", include("workflow.data_urls")),
    path("", include("workflow.public_urls")),
    path("", include("tenants.web_urls")),
    path("notifications/", include("notifications.urls")),
    path("api/", include("workflow.urls")),
    path(
        "api/schema/",
        SpectacularAPIView.as_view(urlconf="config.urls_program"),
        name="api_schema",
    ),
    path(
        "api/docs/",
        # GET only: DRF would answer OPTIONS with an HTML renderer that has no template (500).
        require_safe(SpectacularSwaggerSplitView.as_view(url_name="api_schema")),
        name="api_docs",
    ),
    path("", include("accounts.urls")),
]
