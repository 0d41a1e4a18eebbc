"""Read-only summaries page (TA staff, health-department admins, program admins) and the API
token page (TA staff). Both read only published Summary rows and the viewer's own tokens."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.api_tokens import REVOKED, token_page
from organizations.models import ProgramType
from summaries import page, services
from summaries.access import summary_filter, viewer_for, visible_departments
from summaries.dictionary import label, reason_text
from summaries.models import ApiToken, PeriodKind


class Filters(forms.Form):
    period_kind = forms.ChoiceField(
        label=gettext_lazy("Period"), choices=PeriodKind.choices, required=False
    )
    department = forms.TypedChoiceField(
        label=gettext_lazy("Health department"), coerce=int, required=False
    )
    program_type = forms.ChoiceField(label=gettext_lazy("Program type"), required=False)
    metric = forms.ChoiceField(label=gettext_lazy("Trend charts show"), required=False)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        everyone = [("", gettext_lazy("All"))]
        self.fields["department"].choices = everyone + [(d.pk, d.name) for d in departments]
        self.fields["program_type"].choices = everyone + list(ProgramType.choices)
        self.fields["metric"].choices = [(k, label(k)) for k in page.TREND_METRICS]


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
    rows = page.rows_for(
        summary_filter(viewer),
        department=choice.get("department"),
        program_type=choice.get("program_type"),
    )
    kind = choice.get("period_kind") or page.default_kind(rows)
    metric = choice.get("metric") or page.DEFAULT_TREND
    # The form shows what the page shows (the chart's metric and the period), chosen or not.
    form = Filters(
        initial={**choice, "period_kind": kind, "metric": metric},
        departments=visible_departments(viewer),
    )
    period, _first = page.latest_period(rows, kind)
    table, flags = page.table_for(rows.filter(period=period)) if period else ([], [])
    months, trends = page.trends(rows, metric)
    return render(
        request,
        "summaries/dashboard.html",
        {
            "form": form,
            "period": period,
            "kind": PeriodKind(kind).label,
            "headline": page.headline(rows),
            "table": table,
            "flags": flags,
            "indicators": [label(k) for k, _p, _f in page.INDICATORS],
            "reasons": [(mark, reason_text(code)) for code, mark in page.MARKS.items()],
            "months": months,
            "trends": trends,
            "metric_label": label(metric),
            "threshold": services.suppression_threshold(),
            "largest_withheld": services.suppression_threshold() - 1,
            "settle_days": settings.SUMMARIES_SETTLE_DAYS,
            "is_ta": bool(viewer.providers),
        },
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

    def make(*, name, days):
        return services.create_api_token(user=request.user, name=name, days=days)[1]

    return token_page(
        request,
        make=make,
        tokens=ApiToken.objects.filter(user=request.user),
        template="summaries/tokens.html",
        url_name="summaries_tokens",
        revoke_url_name="summaries_revoke_token",
    )


@require_POST
@login_required
def revoke_token(request, token_id):
    _ta_or_404(request)
    if not services.revoke_api_token(user=request.user, token_id=token_id):
        raise Http404
    messages.success(request, REVOKED)
    return redirect("summaries_tokens")
