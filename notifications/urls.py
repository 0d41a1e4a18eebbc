"""In-app notifications on program sites."""

urlpatterns = []
