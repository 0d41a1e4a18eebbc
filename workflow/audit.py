"""The case-read log: every time a staff member reads a case record, who, when and how.

Call `record_case_read` wherever a case record is shown to a member of the program's staff
(the API's case detail, timeline, export and evidence download call it; the staff case page
must too). It writes to the active program's schema, append-only."""

from workflow.models import CaseRead, ReadVia


def record_case_read(*, case, user, via=ReadVia.PAGE):
    """Log one read. Nobody signed in (a participant checking a complaint by its tracking code)
    is not staff, and is not logged."""
    if user is None or not user.is_authenticated:
        return None
    return CaseRead.objects.create(case_id=case.pk, reader_id=user.pk, via=via)


def case_reads(*, case_id=None, reader_id=None):
    """Newest first, with the reader's account (public schema) joined in."""
    reads = CaseRead.objects.select_related("reader").order_by("-read_at", "-id")
    if case_id is not None:
        reads = reads.filter(case_id=case_id)
    if reader_id is not None:
        reads = reads.filter(reader_id=reader_id)
    return reads
