"""The TA API's own description: what is there (/api/ta/), what every figure means
(/api/ta/dictionary/) and one published figure by its lasting id (/api/ta/figures/...)."""

from django.conf import settings
from django.db.models import Count
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import renderers
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from summaries import metrics
from summaries.access import summary_filter
from summaries.api import CSVRenderer, HasSummariesScope, SummaryAPIView
from summaries.dictionary import ENTRY_FIELDS, entries, label, reason_text
from summaries.models import PeriodKind, Summary


class IndexView(APIView):
    authentication_classes = SummaryAPIView.authentication_classes
    permission_classes = SummaryAPIView.permission_classes
    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer]

    @extend_schema(
        summary="What the TA API holds for you: endpoints, periods, ids",
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        rows = Summary.objects.filter(summary_filter(self.viewer))
        periods = {kind: [] for kind in PeriodKind.values}
        for kind, period in (
            rows.values_list("period_kind", "period").distinct().order_by("-period")
        ):
            periods[kind].append(period)
        link = lambda name: reverse(name, request=request)  # noqa: E731
        return Response(
            {
                "summaries": link("ta-summary-list"),
                "programs": link("ta-program-list"),
                "departments": link("ta-department-list"),
                "providers": link("ta-provider-list"),
                "dictionary": link("ta-dictionary"),
                "figure": link("ta-index") + "figures/{summary id}/{metric key}/",
                "periods": periods,
                "scopes": dict(rows.values_list("scope").annotate(n=Count("id")).order_by()),
                "threshold": settings.SUMMARIES_SUPPRESSION_THRESHOLD,
                "withheld_reasons": {
                    code: str(reason_text(code))
                    for code in (
                        metrics.SMALL,
                        metrics.PROTECTS,
                        metrics.PARENT,
                        metrics.FEW_VALUES,
                    )
                },
                "ids": (
                    "A set of figures has a lasting id: what it covers, then the period, e.g. "
                    "program-12.2026-05, department-3.2026-Q2, provider-2-drop_in.2026, "
                    "type-drop_in.2026-Q3, all.2026. A figure adds a metric key from the "
                    "dictionary. Published figures never change."
                ),
            }
        )


class DictionaryView(APIView):
    authentication_classes = SummaryAPIView.authentication_classes
    permission_classes = SummaryAPIView.permission_classes
    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer, CSVRenderer]
    csv_columns = ENTRY_FIELDS

    @extend_schema(
        summary="Every metric: its key, name and definition", responses=OpenApiTypes.OBJECT
    )
    def get(self, request):
        return Response({"count": len(entries()), "results": entries()})


class FigureView(APIView):
    authentication_classes = SummaryAPIView.authentication_classes
    permission_classes = SummaryAPIView.permission_classes
    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer]

    @extend_schema(summary="One published figure by its lasting id", responses=OpenApiTypes.OBJECT)
    def get(self, request, key, metric):
        row = (
            Summary.objects.filter(summary_filter(self.viewer), key=key)
            .values("key", "period", "metrics", "reasons")
            .first()
        )
        if row is None or metric not in row["metrics"]:
            raise Http404
        value = row["metrics"][metric]
        reason = row["reasons"].get(metric) if value is None else None
        return Response(
            {
                "id": f"{key}/{metric}",
                "summary": key,
                "period": row["period"],
                "metric": metric,
                "label": str(label(metric)),
                "value": value,
                "withheld": str(reason_text(reason)) if value is None else None,
            }
        )


__all__ = ["DictionaryView", "FigureView", "HasSummariesScope", "IndexView"]
