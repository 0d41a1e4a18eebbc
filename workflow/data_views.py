"""Program admin pages about the program's data: who read which case, retention purges, and
the whole-program export. Admins only; everyone else gets 404, like other hidden pages."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from tenants.policy import current_policy
from workflow.api.data import program_archive_response
from workflow.audit import case_reads
from workflow.models import PurgeRecord


def _admins_only(request):
    if getattr(request, "program_role", None) != "program_admin":
        raise Http404


def program_data(request):
    _admins_only(request)
    case = request.GET.get("case", "")
    reads = case_reads(case_id=int(case) if case.isdigit() else None, visible_to=request.user)
    page = Paginator(reads, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "workflow/program_data.html",
        {
            "page": page,
            "case_filter": case if case.isdigit() else "",
            "purges": PurgeRecord.objects.all()[:20],
            "retention_days": current_policy().retention_days_after_close,
        },
    )


def program_export(request):
    _admins_only(request)
    return program_archive_response(request.program, request.user)
