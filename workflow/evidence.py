"""Serving evidence files so that a browser can only save them, never run them.

Evidence comes from anyone's phone and is served from the program's own origin. A file the
uploader labelled `text/javascript` or `text/html` would otherwise run there (a script tag
pointing at it gets round the site's CSP). So the server decides the type from the bytes
themselves (the uploader's label is ignored) among a short list of types a browser never
executes; anything else is `application/octet-stream`. Readable text is `text/plain`, which a
browser does not run as a script under `nosniff`. The answer is an attachment, with nosniff, a
sandboxing Content Security Policy (if it is opened anyway, it has no origin and runs nothing)
and no caching.

The file's kind comes from `filetype` (magic numbers, pure Python, no libmagic); only the
kinds evidence is in practice are kept (photos, screenshots, PDFs, voice notes, phone video).
Uploads of anything else, markup included, are refused with a message that says what is
accepted."""

import filetype
from django.http import FileResponse, Http404

from config.no_store import may_keep_privately

OCTET_STREAM = "application/octet-stream"
# How long a photo's preview may stay in the reader's own browser: going back and forth on a
# case does not download every photo again, and it is gone soon after (or at sign-out).
PREVIEW_SECONDS = 300
TEXT = "text/plain; charset=utf-8"
SNIFF_BYTES = 512
# Kinds a browser shows or plays but never runs (no SVG: it can hold script).
ACCEPTED_PREFIXES = ("image/", "audio/", "video/")
ACCEPTED_TYPES = {"application/pdf"}
REFUSED_TYPES = {"image/svg+xml"}
TEXT_CONTROLS = set(range(32)) - {9, 10, 12, 13}
MARKUP_STARTS = (b"<", b"\xef\xbb\xbf<")


def sniff_content_type(head):
    """The type of a file from its first bytes: one of a few types browsers never execute, or
    `application/octet-stream`. Never a script, HTML, XML or SVG type."""
    kind = filetype.guess_mime(head) if head else None
    if kind:
        accepted = kind.startswith(ACCEPTED_PREFIXES) or kind in ACCEPTED_TYPES
        return kind if accepted and kind not in REFUSED_TYPES else OCTET_STREAM
    if head and _is_text(head):
        return TEXT
    return OCTET_STREAM


def is_markup(head):
    """Text that a browser would read as HTML, XML or SVG if it ever got the chance."""
    stripped = head.lstrip()
    return stripped.startswith(MARKUP_STARTS) or b"<script" in head.lower()


def _is_text(head):
    try:
        # The sample may end inside a multi-byte character: ignore at most its last 3 bytes.
        head.decode("utf-8") if len(head) < SNIFF_BYTES else head[:-3].decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(byte in TEXT_CONTROLS for byte in head)


def sniff_upload(uploaded_file):
    """The type of an uploaded file, read from its bytes (the uploader's label is ignored),
    or None when it is not a kind of file evidence may be."""
    uploaded_file.seek(0)
    head = uploaded_file.read(SNIFF_BYTES)
    uploaded_file.seek(0)
    kind = sniff_content_type(head)
    if kind == OCTET_STREAM or (kind == TEXT and is_markup(head)):
        return None
    return kind


def evidence_response(evidence, *, preview=False):
    """The download of one evidence file (the caller has checked who may have it). With
    `preview`, the picture itself for an <img> on the case page: only a photo a browser shows
    (anything else is 404), inline, and kept a few minutes in the reader's own browser."""
    if preview and not evidence.is_previewable_image:
        raise Http404
    handle = evidence.file.open("rb")
    content_type = sniff_content_type(handle.read(SNIFF_BYTES))
    handle.seek(0)
    if preview and not content_type.startswith("image/"):
        handle.close()
        raise Http404
    response = FileResponse(
        handle,
        as_attachment=not preview,
        filename=evidence.original_name,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Set here, the site-wide CSP middleware leaves it as it is.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; frame-ancestors 'none'"
    if preview:
        return may_keep_privately(response, seconds=PREVIEW_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
