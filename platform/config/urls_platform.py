"""URLs of the platform site (public schema)."""

from django.contrib import admin
from django.urls import include, path
from django.views.decorators.http import require_safe
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.health import healthz, readyz
from organizations import views

urlpatterns = [
    path("", views.platform_home, name="home"),
    path("programs/add/", views.add_program, name="add_program"),
    path("programs/<int:program_id>/", views.program_detail, name="program_detail"),
    path("programs/<int:program_id>/status/", views.program_status, name="program_status"),
    path("programs/<int:program_id>/retry/", views.retry_program, name="retry_program"),
    path("programs/<int:program_id>/invite/", views.invite_member, name="invite_member"),
    path("summaries/", include("summaries.urls")),
    path("api/ta/", include("summaries.api_urls")),
    path(
        "api/schema/",
        SpectacularAPIView.as_view(urlconf="config.urls_platform"),
        name="api_schema",
    ),
    path(
        "api/docs/",
        # GET only: DRF would answer OPTIONS with an HTML renderer that has no template (500).
        require_safe(SpectacularSwaggerSplitView.as_view(url_name="api_schema")),
        name="api_docs",
    ),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("", include("accounts.urls")),
]
