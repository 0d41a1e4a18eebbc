"""The program's whole data as one archive (program admins only)."""

import tempfile

from django.http import FileResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.views import APIView

from workflow.api.audit import IsProgramAdmin
from workflow.api.base import DomainErrorsMixin, IsProgramMember
from workflow.archive import write_program_archive


def program_archive_response(program, reader):
    """A zip download of the active program's archive (spooled to disk past 20 MB), made for
    `reader`: without the cases they are a party to (workflow.archive)."""
    spool = tempfile.SpooledTemporaryFile(max_size=20 * 1024 * 1024)  # noqa: SIM115
    write_program_archive(spool, program=program, reader=reader)
    spool.seek(0)
    name = f"{program.slug}-{timezone.now():%Y%m%d-%H%M%S}.zip"
    return FileResponse(spool, as_attachment=True, filename=name, content_type="application/zip")


class ProgramExportView(DomainErrorsMixin, APIView):
    """Download every case (each step and its timeline), the policy history, participants,
    low-level responses, the case-read log and the evidence files, as one zip."""

    permission_classes = [permissions.IsAuthenticated, IsProgramMember, IsProgramAdmin]

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request):
        return program_archive_response(request.program, request.user)
