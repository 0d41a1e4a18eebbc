"""Read-only summary pages for TA staff and health-department admins (platform host)."""

urlpatterns = []
