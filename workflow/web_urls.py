"""Staff pages for the case workflow (program sites)."""

urlpatterns = []
