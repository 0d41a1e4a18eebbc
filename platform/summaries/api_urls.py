"""The TA summaries API under /api/ta/ (platform host)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from summaries.api import DepartmentViewSet, ProgramViewSet, ProviderViewSet, SummaryViewSet
from summaries.api_index import DictionaryView, FigureView, IndexView

router = SimpleRouter()
router.register("providers", ProviderViewSet, basename="ta-provider")
router.register("departments", DepartmentViewSet, basename="ta-department")
router.register("programs", ProgramViewSet, basename="ta-program")
router.register("summaries", SummaryViewSet, basename="ta-summary")

urlpatterns = [
    path("", IndexView.as_view(), name="ta-index"),
    path("dictionary/", DictionaryView.as_view(), name="ta-dictionary"),
    path(
        "figures/<str:key>/<str:metric>/",
        FigureView.as_view(),
        name="ta-figure",
    ),
    *router.urls,
]
