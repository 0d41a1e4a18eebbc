"""URLs of a program's site (that program's schema)."""

from django.urls import include, path
from django.views.decorators.http import require_safe
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.health import healthz, readyz
from organizations.views import accept_invitation
from workflow.web.today import today

urlpatterns = [
    path("", today, name="home"),
    path("invitations/<str:token>/", accept_invitation, name="accept_invitation"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("", include("workflow.web_urls")),
    path("", include("workflow.data_urls")),
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
