"""URLs of a program's site (that program's schema)."""

from django.urls import include, path

from config.health import healthz, readyz
from organizations.views import accept_invitation
from tenants import views as program_views

urlpatterns = [
    path("", program_views.home, name="home"),
    path("invitations/<str:token>/", accept_invitation, name="accept_invitation"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("", include("accounts.urls")),
]
