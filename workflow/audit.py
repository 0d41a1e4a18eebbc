"""The case-read log: every time a staff member reads a case record, who, when and how.

Call `record_case_read` wherever one case record is shown to a member of the program's staff
(the API's case detail, timeline, export and evidence download, the staff case page, its
timeline and printable record), and `record_case_reads` where a page or answer shows several
cases' content at once (the case list, Today, a participant's page, the API's case list): one
insert for the whole page, not one per case. It writes to the active program's schema,
append-only."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from workflow.access import hide_party_cases
from workflow.models import CaseRead, ReadVia


def record_case_read(*, case, user, via=ReadVia.PAGE):
    """Log one read. Nobody signed in (a participant checking a complaint by its tracking code)
    is not staff, and is not logged."""
    if user is None or not user.is_authenticated:
        return None
    return CaseRead.objects.create(case_id=case.pk, reader_id=user.pk, via=via)


def record_case_reads(*, case_ids, user, via=ReadVia.PAGE):
    """Log that `user` was shown these cases' content (each case once), in one insert."""
    if user is None or not user.is_authenticated:
        return []
    ids = sorted({case_id for case_id in case_ids if case_id is not None})
    return CaseRead.objects.bulk_create(
        [CaseRead(case_id=case_id, reader_id=user.pk, via=via) for case_id in ids]
    )


def read_lately(*, case, user):
    """Whether `user`'s read of this case is logged within the time a page may stay open (the
    session's idle limit). A photo's preview on the case page is covered by the page's read and
    not logged again, so it is shown only to someone whose read is already in the log."""
    since = timezone.now() - timedelta(seconds=settings.SESSION_IDLE_TIMEOUT)
    return CaseRead.objects.filter(case_id=case.pk, reader_id=user.pk, read_at__gte=since).exists()


def case_reads(*, case_id=None, reader_id=None, visible_to=None):
    """Newest first, with the reader's account (public schema) joined in. With `visible_to`,
    without the reads of cases that person is a party to (workflow.access): who read a case,
    and when, is part of it."""
    reads = CaseRead.objects.select_related("reader").order_by("-read_at", "-id")
    if visible_to is not None:
        reads = hide_party_cases(reads, visible_to)
    if case_id is not None:
        reads = reads.filter(case_id=case_id)
    if reader_id is not None:
        reads = reads.filter(reader_id=reader_id)
    return reads
