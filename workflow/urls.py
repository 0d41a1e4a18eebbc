"""The tenant-scoped case workflow API (program sites only), under /api/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from workflow.api.audit import CaseReadViewSet
from workflow.api.cases import CaseViewSet
from workflow.api.data import ProgramExportView
from workflow.api.people import StaffViewSet
from workflow.api.program import LowLevelResponseViewSet, ParticipantViewSet, PolicyViewSet

router = SimpleRouter()
router.register("cases", CaseViewSet, basename="case")
router.register("participants", ParticipantViewSet, basename="participant")
router.register("policy", PolicyViewSet, basename="policy")
router.register("low-level-responses", LowLevelResponseViewSet, basename="low-level-response")
router.register("case-reads", CaseReadViewSet, basename="case-read")
router.register("staff", StaffViewSet, basename="staff")

urlpatterns = [
    path("me/", StaffViewSet.as_view({"get": "me"}), name="me"),
    *router.urls,
    path("program-export/", ProgramExportView.as_view(), name="program-export"),
]
