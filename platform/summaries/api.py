"""The TA summaries API (platform host, /api/ta/): read-only, reads only published Summary rows
and organization names, never a program's schema."""

import csv
import io
import json
import re
from datetime import date

from django.db.models import F, Subquery, TextField
from django.db.models.functions import Cast
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, pagination, permissions, renderers, serializers, viewsets
from rest_framework.authentication import SessionAuthentication

from organizations.models import HealthDepartment, Program, ProgramType, TAProvider
from summaries.access import (
    summary_filter,
    viewer_for,
    visible_departments,
    visible_programs,
    visible_providers,
)
from summaries.auth import ApiTokenAuthentication
from summaries.dictionary import FIELD_NAMES, column_names
from summaries.metrics import all_keys
from summaries.models import PeriodKind, Scope, Summary

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
PERIOD = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$")


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): such
# text is written with a leading apostrophe, which shows it as text. Numbers stay numbers.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _as_text_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_columns(view):
    """The keys of an endpoint's CSV columns, from what the endpoint answers, never from the
    rows of one answer: a filter that leaves some columns empty, or no rows at all, gives the
    same columns. A view lists its own (`csv_columns`), or they come from its serializer: one
    column per field, `<field>_<part>` per part of a nested one (program, department,
    provider), every metric key for `metrics`; `withheld` is left out (an empty cell is a
    withheld figure)."""
    declared = getattr(view, "csv_columns", None)
    if declared is not None:
        return list(declared)
    columns = []
    for name, field in view.get_serializer().fields.items():
        if name == "withheld":
            continue
        if name == "metrics":
            columns += all_keys()
        elif isinstance(field, serializers.Serializer):
            columns += [f"{name}_{part}" for part in field.fields]
        else:
            columns.append(name)
    return columns


class CSVRenderer(renderers.BaseRenderer):
    """Flat CSV of a list page (or one object): one column per field, one per metric (empty =
    withheld). Every CSV of the TA API starts with the same two header rows: readable column
    names, then the keys a script uses (the same keys as the JSON answer and
    /api/ta/dictionary/). A script skips two rows, whatever the endpoint; the columns of an
    endpoint are the same whatever the filters (csv_columns)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        context = renderer_context or {}
        response, view = context.get("response"), context.get("view")
        rows = data.get("results", data) if isinstance(data, dict) else data
        if isinstance(rows, dict):  # an error or a single object
            rows = [rows]
        flat = [self._flatten(r) for r in rows]
        if view is None or (response is not None and response.exception):
            # An error says what was wrong, in its own columns.
            columns = list(dict.fromkeys(k for r in flat for k in r))
        else:
            columns = csv_columns(view)
        names = {**column_names(), **getattr(view, "csv_names", {})}
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([str(names.get(c, c)) for c in columns])
        writer.writerow(columns)
        if response is not None and view is not None:
            name = getattr(view, "basename", None) or type(view).__name__.lower()
            response["Content-Disposition"] = f'attachment; filename="ta-{name}.csv"'
        for r in flat:
            writer.writerow([_as_text_cell(r.get(c, "")) for c in columns])
        return out.getvalue().encode(self.charset)

    @staticmethod
    def _flatten(row):
        flat = {}
        for key, value in row.items():
            if key == "metrics":
                flat.update(value)
            elif key == "withheld":
                continue  # the reasons are in the JSON answer; in CSV an empty cell is withheld
            elif isinstance(value, dict):
                for sub, v in value.items():
                    flat[f"{key}_{sub}"] = v
            else:
                flat[key] = value
        return flat


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class HasSummariesScope(permissions.BasePermission):
    """Signed in but with nothing to see: 404, as elsewhere (nothing confirms what exists)."""

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        view.viewer = viewer_for(request.user, token=request.auth)
        if not view.viewer.has_scope:
            raise exceptions.NotFound()
        return True


class SummaryAPIView(viewsets.ReadOnlyModelViewSet):
    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated, HasSummariesScope]
    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer, CSVRenderer]
    pagination_class = Pagination


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ProviderSerializer(serializers.ModelSerializer):
    class Meta:
        model = TAProvider
        fields = ["id", "name"]


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = HealthDepartment
        fields = ["id", "name", "jurisdiction"]


class ProgramSerializer(serializers.ModelSerializer):
    department = NamedSerializer(source="health_department")

    class Meta:
        model = Program
        fields = ["id", "name", "program_type", "department", "status"]


class SummarySerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="key", help_text=_("Lasting id of this set of figures."))
    program = NamedSerializer(allow_null=True)
    department = NamedSerializer(allow_null=True)
    provider = NamedSerializer(allow_null=True)
    # Passed through as stored: numbers, or null where withheld to protect small numbers.
    metrics = serializers.JSONField(
        help_text=_("Metric key to value; null where withheld to protect small numbers.")
    )
    withheld = serializers.JSONField(
        source="reasons", help_text=_("Metric key to why it is withheld (see /api/ta/).")
    )

    class Meta:
        model = Summary
        fields = [
            "id",
            "scope",
            "period",
            "period_kind",
            "program",
            "department",
            "provider",
            "program_type",
            "program_count",
            "metrics",
            "withheld",
        ]


@extend_schema_view(list=extend_schema(summary="TA providers you belong to"))
class ProviderViewSet(SummaryAPIView):
    serializer_class = ProviderSerializer
    csv_names = {"id": FIELD_NAMES["provider_id"]}
    queryset = TAProvider.objects.none()  # describes the id type; get_queryset filters

    def get_queryset(self):
        return visible_providers(self.viewer).order_by("name")


@extend_schema_view(list=extend_schema(summary="Health departments you may see"))
class DepartmentViewSet(SummaryAPIView):
    serializer_class = DepartmentSerializer
    csv_names = {"id": FIELD_NAMES["department_id"]}
    queryset = HealthDepartment.objects.none()

    def get_queryset(self):
        return visible_departments(self.viewer).order_by("name")


def _int_param(params, name):
    value = params.get(name)
    if value in (None, ""):
        return None
    if not value.isdigit():
        raise exceptions.ValidationError({name: [_("Give a number.")]})
    return int(value)


def _month_param(params, name):
    value = params.get(name)
    if value in (None, ""):
        return None
    match = MONTH.match(value)
    # Year 0 matches the pattern but is no date (it was a 500).
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1:
        raise exceptions.ValidationError({name: [_("Give a month as YYYY-MM, e.g. 2025-03.")]})
    return date(int(match[1]), int(match[2]), 1)


def _period_param(params):
    value = params.get("period")
    if value in (None, ""):
        return None
    if not PERIOD.match(value) or value.startswith("0000"):
        raise exceptions.ValidationError(
            {
                "period": [
                    _(
                        "Give a month as YYYY-MM, a quarter as YYYY-QN or a year as YYYY, "
                        "e.g. 2025-03, 2025-Q1 or 2025."
                    )
                ]
            }
        )
    return value


def _type_param(params):
    value = params.get("program_type")
    if value and value not in ProgramType.values:
        raise exceptions.ValidationError(
            {
                "program_type": [
                    _("Choose one of: %(types)s.") % {"types": ", ".join(ProgramType.values)}
                ]
            }
        )
    return value or None


PROGRAM_FILTERS = [
    OpenApiParameter("department", OpenApiTypes.INT, description="Health department id"),
    OpenApiParameter("program_type", OpenApiTypes.STR, enum=ProgramType.values),
]


@extend_schema_view(list=extend_schema(summary="Programs you may see", parameters=PROGRAM_FILTERS))
class ProgramViewSet(SummaryAPIView):
    serializer_class = ProgramSerializer
    csv_names = {"id": FIELD_NAMES["program_id"]}
    queryset = Program.objects.none()

    def get_queryset(self):
        queryset = visible_programs(self.viewer).order_by("name", "id")
        params = self.request.query_params
        department = _int_param(params, "department")
        program_type = _type_param(params)
        if department is not None:
            queryset = queryset.filter(health_department=department)
        if program_type:
            queryset = queryset.filter(program_type=program_type)
        return queryset


def _named(pk, name):
    return None if pk is None else {"id": pk, "name": name}


def _fast_row(r):
    """The same fields as SummarySerializer, metrics and reasons aside."""
    return {
        "id": r["key"],
        "scope": r["scope"],
        "period": r["period"],
        "period_kind": r["period_kind"],
        "program": _named(r["program_id"], r["program_name"]),
        "department": _named(r["department_id"], r["department_name"]),
        "provider": _named(r["provider_id"], r["provider_name"]),
        "program_type": r["program_type"],
        "program_count": r["program_count"],
    }


SUMMARY_FILTERS = [
    OpenApiParameter(
        "period", OpenApiTypes.STR, description="A month YYYY-MM, a quarter YYYY-QN or a year YYYY"
    ),
    OpenApiParameter("period_kind", OpenApiTypes.STR, enum=PeriodKind.values),
    OpenApiParameter("from", OpenApiTypes.STR, description="First month, YYYY-MM"),
    OpenApiParameter("to", OpenApiTypes.STR, description="Last month, YYYY-MM"),
    OpenApiParameter("scope", OpenApiTypes.STR, enum=Scope.values),
    OpenApiParameter("program", OpenApiTypes.INT, description="Program id"),
    OpenApiParameter("provider", OpenApiTypes.INT, description="TA provider id"),
    *PROGRAM_FILTERS,
    OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"]),
]


@extend_schema_view(
    list=extend_schema(
        summary="Summaries of programs and rollups by month, quarter and year",
        description=(
            "Published figures per program and rolled up by health department, TA provider, "
            "program type and all programs, for months, quarters and years; the latest "
            "published period of the kind asked for (a month by default) unless a period, from "
            "or to is given. Counts from 1 to the suppression threshold minus one are null, and "
            "so is any figure that would let one be worked out by subtraction; `withheld` says "
            "why. Published figures never change: an id answers the same for good."
        ),
        parameters=SUMMARY_FILTERS,
    )
)
class SummaryViewSet(SummaryAPIView):
    serializer_class = SummarySerializer
    queryset = Summary.objects.none()
    lookup_field = "key"
    lookup_value_regex = r"[A-Za-z0-9_.\-]+"

    def list(self, request, *args, **kwargs):
        """JSON pages are assembled from the stored metrics text as is: no decoding and
        re-encoding of every figure, so a page costs the same however many programs exist."""
        if request.accepted_renderer.format != "json":
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        # The page's ids first, then only those rows with their metrics: sorting narrow rows
        # keeps the metrics of every matching row from being read and converted to text.
        page_ids = self.paginate_queryset(queryset.values_list("id", flat=True))
        rows = {
            r["id"]: r
            for r in queryset.filter(id__in=page_ids).values(
                "id",
                "key",
                "scope",
                "period",
                "period_kind",
                "program_type",
                "program_count",
                "program_id",
                "department_id",
                "provider_id",
                program_name=F("program__name"),
                department_name=F("department__name"),
                provider_name=F("provider__name"),
                metrics_json=Cast("metrics", TextField()),
                reasons_json=Cast("reasons", TextField()),
            )
        }
        page = [rows[pk] for pk in page_ids]
        paginator = self.paginator
        head = {
            "count": paginator.page.paginator.count,
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
        }
        parts = [
            json.dumps(_fast_row(r))[:-1]
            + ', "metrics": '
            + r["metrics_json"]
            + ', "withheld": '
            + r["reasons_json"]
            + "}"
            for r in page
        ]
        body = json.dumps(head)[:-1] + ', "results": [' + ", ".join(parts) + "]}"
        return HttpResponse(body, content_type="application/json")

    def get_queryset(self):
        params = self.request.query_params
        queryset = Summary.objects.filter(summary_filter(self.viewer)).select_related(
            "program", "department", "provider"
        )
        period = _period_param(params)
        first, last = (_month_param(params, n) for n in ("from", "to"))
        kind = params.get("period_kind")
        if kind and kind not in PeriodKind.values:
            raise exceptions.ValidationError(
                {"period_kind": [_("Choose one of: %(s)s.") % {"s": ", ".join(PeriodKind.values)}]}
            )
        if period:
            queryset = queryset.filter(period=period)
        elif kind or self.action == "list":
            queryset = queryset.filter(period_kind=kind or PeriodKind.MONTH)
        if self.action == "list" and not (period or first or last):
            # A list shows the latest published period by default: the answer's cost stays that
            # of one period however many are kept. One row asked for by id is any period.
            latest = (
                Summary.objects.filter(period_kind=kind or PeriodKind.MONTH)
                .order_by("-month")
                .values("month")[:1]
            )
            queryset = queryset.filter(month=Subquery(latest))
        if first:
            queryset = queryset.filter(month__gte=first)
        if last:
            queryset = queryset.filter(month__lte=last)
        scope = params.get("scope")
        if scope:
            if scope not in Scope.values:
                raise exceptions.ValidationError(
                    {"scope": [_("Choose one of: %(s)s.") % {"s": ", ".join(Scope.values)}]}
                )
            queryset = queryset.filter(scope=scope)
        for name, lookup in (
            ("department", "department"),
            ("program", "program"),
            ("provider", "provider"),
        ):
            value = _int_param(params, name)
            if value is not None:
                queryset = queryset.filter(**{lookup: value})
        program_type = _type_param(params)
        if program_type:
            queryset = queryset.filter(program_type=program_type)
        return queryset.order_by("-month", "period_kind", "scope", "id")
