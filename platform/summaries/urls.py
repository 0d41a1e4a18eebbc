"""Read-only summary pages for TA staff and health-department admins (platform host)."""

from django.urls import path

from summaries import views

urlpatterns = [
    path("", views.dashboard, name="summaries"),
    path("tokens/", views.tokens, name="summaries_tokens"),
    path("tokens/<int:token_id>/revoke/", views.revoke_token, name="summaries_revoke_token"),
]
