"""The tenant-scoped case workflow API (program sites only), under /api/."""

from rest_framework.routers import SimpleRouter

from workflow.api.cases import CaseViewSet
from workflow.api.program import LowLevelResponseViewSet, ParticipantViewSet, PolicyViewSet

router = SimpleRouter()
router.register("cases", CaseViewSet, basename="case")
router.register("participants", ParticipantViewSet, basename="participant")
router.register("policy", PolicyViewSet, basename="policy")
router.register("low-level-responses", LowLevelResponseViewSet, basename="low-level-response")

urlpatterns = router.urls
