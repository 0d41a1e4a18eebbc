"""Serving evidence files so that a browser can only save them, never run them.

Evidence comes from anyone's phone and is served from the program's own origin. A file the
uploader labelled `text/javascript` or `text/html` would otherwise run there (a script tag
pointing at it gets round the site's CSP). So the server decides the type from the bytes
themselves (the uploader's label is ignored) among a short list of types a browser never
executes; anything else is `application/octet-stream`. Readable text is `text/plain`, which a
browser does not run as a script under `nosniff`. The answer is an attachment, with nosniff, a
sandboxing Content Security Policy (if it is opened anyway, it has no origin and runs nothing)
and no caching.

No file-type library is a dependency of the project (python-magic needs libmagic): the few
signatures below are the types evidence is in practice (photos, screenshots, PDFs, voice notes,
video from a phone)."""

from django.http import FileResponse

OCTET_STREAM = "application/octet-stream"
TEXT = "text/plain; charset=utf-8"
SNIFF_BYTES = 512

# (offset, signature, type): checked in order.
SIGNATURES = (
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"%PDF-", "application/pdf"),
    (0, b"OggS", "audio/ogg"),
    (0, b"ID3", "audio/mpeg"),
    (0, b"fLaC", "audio/flac"),
    (0, b"\x1a\x45\xdf\xa3", "video/webm"),
)
RIFF_KINDS = {b"WEBP": "image/webp", b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo"}
# ISO media (MP4, QuickTime, HEIC, M4A): "ftyp" at offset 4, then the brand.
FTYP_BRANDS = {
    b"heic": "image/heic",
    b"heix": "image/heic",
    b"mif1": "image/heif",
    b"qt  ": "video/quicktime",
    b"M4A ": "audio/mp4",
    b"3gp4": "video/3gpp",
    b"3gp5": "video/3gpp",
}
FTYP_VIDEO = "video/mp4"  # isom, mp41, mp42, avc1, dash, M4V ... (any other brand)
MP3_FRAME = (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")
TEXT_CONTROLS = set(range(32)) - {9, 10, 12, 13}


def sniff_content_type(head):
    """The type of a file from its first bytes: one of a few types browsers never execute, or
    `application/octet-stream`. Never a script, HTML, XML or SVG type."""
    for offset, signature, kind in SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            return kind
    if head[:4] == b"RIFF" and head[8:12] in RIFF_KINDS:
        return RIFF_KINDS[head[8:12]]
    if head[4:8] == b"ftyp":
        return FTYP_BRANDS.get(head[8:12], FTYP_VIDEO)
    if head[:2] in MP3_FRAME:
        return "audio/mpeg"
    if head and _is_text(head):
        return TEXT
    return OCTET_STREAM


def _is_text(head):
    try:
        # The sample may end inside a multi-byte character: ignore at most its last 3 bytes.
        head.decode("utf-8") if len(head) < SNIFF_BYTES else head[:-3].decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(byte in TEXT_CONTROLS for byte in head)


def sniff_upload(uploaded_file):
    """The type of an uploaded file, read from its bytes (the uploader's label is ignored)."""
    uploaded_file.seek(0)
    head = uploaded_file.read(SNIFF_BYTES)
    uploaded_file.seek(0)
    return sniff_content_type(head)


def evidence_response(evidence):
    """The download of one evidence file (the caller has checked who may have it)."""
    handle = evidence.file.open("rb")
    content_type = sniff_content_type(handle.read(SNIFF_BYTES))
    handle.seek(0)
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Set here, the site-wide CSP middleware leaves it as it is.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; frame-ancestors 'none'"
    response["Cache-Control"] = "no-store"
    return response
