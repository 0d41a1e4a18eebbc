"""Program pages besides cases: participants, policy settings, staff, and the public pages
(complaint filing, status by tracking code, how complaints work here)."""

urlpatterns = []
