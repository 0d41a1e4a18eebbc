"""The tenant-scoped case workflow API (program sites only)."""

urlpatterns = []
