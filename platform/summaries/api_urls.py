"""The TA summaries API under /api/ta/ (platform host)."""

urlpatterns = []
