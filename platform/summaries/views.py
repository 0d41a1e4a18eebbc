"""Read-only summaries page (TA staff, health-department admins, program admins) and the API
token page (TA staff). Both read only published Summary rows and the viewer's own tokens."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from organizations.models import ProgramType
from summaries import charts, services
from summaries.access import summary_filter, viewer_for, visible_departments
from summaries.metrics import LABELS
from summaries.models import ApiToken, Scope, Summary

# (key, percent?, flag): flag(value, row) -> "bad" / "warn" / "" for the attention table.
INDICATORS = [
    ("cases", False, None),
    ("cases.acknowledgement.within_window_share", True, (0.9, 0.75, "low")),
    ("cases.response.within_window_share", True, (0.9, 0.75, "low")),
    ("cases.factor_supply_shortage.yes", False, (0.1, 0.25, "share")),
    ("cases.police.yes", False, (0.1, 0.2, "share")),
    ("cases.harmed_heard.share", True, (0.8, 0.6, "low")),
    ("bans.ended_early.share", True, None),
    ("ban_days.supplies.within_interval_share", True, (0.9, 0.75, "low")),
    ("follow_ups.status.completion_share", True, (0.8, 0.6, "low")),
]
TREND_METRICS = [k for k, _p, _f in INDICATORS] + [
    "cases.acknowledgement.median_days",
    "cases.response.median_days",
    "bans",
    "bans.median_days",
    "bans.appeal_change.share",
    "actions.status.completed_share",
    "actions.community.yes",
]
PERCENT = {k for k in TREND_METRICS if k.endswith("share")}


def _flag(key, value, metrics, rule):
    if value is None or rule is None:
        return ""
    warn, bad, kind = rule
    if kind == "low":
        return "bad" if value < bad else "warn" if value < warn else ""
    cases = metrics.get("cases")
    if not cases:
        return ""
    share = value / cases
    return "bad" if share >= bad else "warn" if share >= warn else ""


def row_label(row):
    type_label = ProgramType(row.program_type).label if row.program_type else ""
    if row.scope == Scope.PROGRAM:
        return row.program.name
    if row.scope == Scope.DEPARTMENT:
        return _("%(d)s (all its programs)") % {"d": row.department.name}
    if row.scope == Scope.PROVIDER:
        return _("All programs served by %(p)s") % {"p": row.provider.name}
    if row.scope == Scope.PROVIDER_TYPE:
        return f"{row.provider.name} · {type_label}"
    return _("%(t)s, all programs") % {"t": type_label}


class Filters(forms.Form):
    months = forms.TypedChoiceField(
        label=gettext_lazy("Months"),
        choices=[(6, "6"), (12, "12"), (24, "24")],
        coerce=int,
        required=False,
    )
    department = forms.TypedChoiceField(
        label=gettext_lazy("Health department"), coerce=int, required=False
    )
    program_type = forms.ChoiceField(label=gettext_lazy("Program type"), required=False)
    metric = forms.ChoiceField(label=gettext_lazy("Chart"), required=False)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        everyone = [("", gettext_lazy("All"))]
        self.fields["department"].choices = everyone + [(d.pk, d.name) for d in departments]
        self.fields["program_type"].choices = everyone + list(ProgramType.choices)
        self.fields["metric"].choices = [(k, LABELS.get(k, k)) for k in TREND_METRICS]


def _viewer_or_404(request):
    viewer = viewer_for(request.user)
    if not viewer.has_scope:
        raise Http404
    return viewer


@login_required
def dashboard(request):
    viewer = _viewer_or_404(request)
    form = Filters(request.GET or None, departments=visible_departments(viewer))
    choice = form.cleaned_data if form.is_valid() else {}
    metric = choice.get("metric") or "cases.response.within_window_share"
    rows = Summary.objects.filter(summary_filter(viewer)).select_related(
        "program", "department", "provider"
    )
    months = sorted(
        rows.values_list("month", flat=True)
        .distinct()
        .order_by("-month")[: choice.get("months") or 12]
    )
    rows = rows.filter(month__in=months)
    if choice.get("department"):
        rows = rows.filter(department=choice["department"])
    if choice.get("program_type"):
        rows = rows.filter(program_type=choice["program_type"])
    entities = {}
    for row in rows.order_by("month"):
        key = (row.scope, row.program_id, row.department_id, row.provider_id, row.program_type)
        entity = entities.setdefault(
            key, {"label": row_label(row), "scope": row.scope, "by_month": {}}
        )
        entity["by_month"][row.month] = row.metrics
    table = []
    for entity in entities.values():
        cells, flags = [], 0
        for key, percent, rule in INDICATORS:
            # The latest month in which this figure was published.
            month, value, metrics = next(
                (
                    (m, v[key], v)
                    for m, v in sorted(entity["by_month"].items(), reverse=True)
                    if v.get(key) is not None
                ),
                (None, None, {}),
            )
            flag = _flag(key, value, metrics, rule)
            flags += flag == "bad"
            cells.append({"text": charts.fmt(value, percent), "flag": flag, "month": month})
        table.append(
            {"label": entity["label"], "scope": entity["scope"], "cells": cells, "bad": flags}
        )
    table.sort(key=lambda r: (-r["bad"], r["scope"] != Scope.PROGRAM, r["label"]))
    percent = metric in PERCENT
    rollups = [e for e in entities.values() if e["scope"] != Scope.PROGRAM]
    named = [e for e in entities.values() if e["scope"] == Scope.PROGRAM]
    series = [
        (e["label"], {m: v.get(metric) for m, v in e["by_month"].items()})
        for e in (rollups + named)[:7]
    ]
    latest = months[-1] if months else None
    type_scope = Scope.PROVIDER_TYPE if viewer.providers else Scope.PROGRAM_TYPE
    bars = [
        (e["label"], e["by_month"].get(latest, {}).get(metric))
        for e in entities.values()
        if e["scope"] == type_scope
    ]
    title = LABELS.get(metric, metric)
    return render(
        request,
        "summaries/dashboard.html",
        {
            "form": form,
            "months": months,
            "table": table,
            "indicators": [LABELS.get(k, k) for k, _p, _f in INDICATORS],
            "trend": charts.line_chart(title, months, series, percent=percent) if months else None,
            "series": [
                (label, [charts.fmt(data.get(m), percent) for m in months])
                for label, data in series
            ],
            "types": charts.bar_chart(title, sorted(bars), percent=percent) if bars else None,
            "metric_label": title,
            "latest": latest,
            "threshold": services.suppression_threshold(),
            "is_ta": bool(viewer.providers),
        },
    )


# "90 days" in the reader's language: a lazy `%` would be worked out once, at import.
_days = lazy(lambda d: _("%(d)s days") % {"d": d}, str)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=80,
        help_text=gettext_lazy("Where you will use it, e.g. “quarterly report script”."),
    )
    days = forms.TypedChoiceField(
        label=gettext_lazy("Valid for"),
        coerce=int,
        choices=[(d, _days(d)) for d in services.TOKEN_LIFETIMES],
        initial=90,
    )


def _ta_or_404(request):
    viewer = viewer_for(request.user)
    if not viewer.providers:
        raise Http404
    return viewer


@never_cache
@login_required
def tokens(request):
    _ta_or_404(request)
    form = TokenForm(request.POST or None)
    plaintext = None
    if request.method == "POST" and form.is_valid():
        _token, plaintext = services.create_api_token(
            user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
        )
        form = TokenForm()
    return render(
        request,
        "summaries/tokens.html",
        {
            "form": form,
            "plaintext": plaintext,
            "tokens": ApiToken.objects.filter(user=request.user),
        },
    )


@require_POST
@login_required
def revoke_token(request, token_id):
    _ta_or_404(request)
    if not services.revoke_api_token(user=request.user, token_id=token_id):
        raise Http404
    return redirect("summaries_tokens")
