"""The TA summaries API under /api/ta/ (platform host)."""

from rest_framework.routers import SimpleRouter

from summaries.api import DepartmentViewSet, ProgramViewSet, ProviderViewSet, SummaryViewSet

router = SimpleRouter()
router.register("providers", ProviderViewSet, basename="ta-provider")
router.register("departments", DepartmentViewSet, basename="ta-department")
router.register("programs", ProgramViewSet, basename="ta-program")
router.register("summaries", SummaryViewSet, basename="ta-summary")

urlpatterns = router.urls
