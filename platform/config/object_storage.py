"""Where files live: the local data folder by default, or S3-compatible object storage when
`OBJECT_STORAGE_URL` is set, so that any number of web and worker hosts see the same files.

    OBJECT_STORAGE_URL=https://ACCESS_KEY:SECRET_KEY@s3.example.org/BUCKET?region=eu-west-1

(`http://` for a server on a private network; `OBJECT_STORAGE_URL_FILE` names a file holding
it, like every secret.) The access key and secret are URL-encoded if they hold `/`, `+` or `@`.
Evidence goes under `programs/<schema>/` in the bucket and archives under `archives/`; nothing
in the bucket is ever public or linked: files reach people only through the permission-checked
views, which stream them (config.files)."""

from urllib.parse import parse_qs, unquote, urlsplit

S3_BACKEND = "storages.backends.s3.S3Storage"
STATIC_BACKEND = "django.contrib.staticfiles.storage.StaticFilesStorage"


class ObjectStorageUrlError(ValueError):
    """OBJECT_STORAGE_URL cannot be used: the message says what to fix."""


def s3_options(url):
    """django-storages S3Storage options from an OBJECT_STORAGE_URL."""
    parts = urlsplit(url)
    where = "OBJECT_STORAGE_URL"
    if parts.scheme not in ("http", "https"):
        raise ObjectStorageUrlError(
            f"{where} must start with https:// (or http:// on a private network), "
            "e.g. https://KEY:SECRET@s3.example.org/bucket"
        )
    bucket = parts.path.strip("/")
    if not parts.hostname or not bucket or "/" in bucket:
        raise ObjectStorageUrlError(
            f"{where} must name the server and one bucket, e.g. https://KEY:SECRET@host/bucket"
        )
    if not parts.username or not parts.password:
        raise ObjectStorageUrlError(f"{where} must hold the access key and secret (KEY:SECRET@).")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = set(query) - {"region"}
    if unknown:
        raise ObjectStorageUrlError(
            f"{where}: unknown option {', '.join(sorted(unknown))} (only ?region=... is read)."
        )
    host = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    return {
        "endpoint_url": f"{parts.scheme}://{host}",
        "bucket_name": bucket,
        "access_key": unquote(parts.username),
        "secret_key": unquote(parts.password),
        "region_name": query.get("region") or "us-east-1",
        # Bucket in the path: works with every S3-compatible server (MinIO, SeaweedFS, Ceph...).
        "addressing_style": "path",
        "signature_version": "s3v4",
        # Private objects; never a public or pre-signed link (files go out through our views).
        "default_acl": None,
        "querystring_auth": True,
        # Evidence is never replaced in place.
        "file_overwrite": False,
    }


def storages_setting(*, object_storage_url, archive_root, static_backend=STATIC_BACKEND):
    """Django's STORAGES: "default" holds evidence (and whatever else is uploaded), "archives"
    the retirement archives, "staticfiles" the CSS and JavaScript. Without object storage,
    evidence goes to MEDIA_ROOT and archives to `archive_root`."""
    if object_storage_url:
        options = s3_options(object_storage_url)
        default = {"BACKEND": S3_BACKEND, "OPTIONS": options}
        archives = {"BACKEND": S3_BACKEND, "OPTIONS": {**options, "location": "archives"}}
    else:
        default = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
        archives = {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": archive_root},
        }
    return {"default": default, "archives": archives, "staticfiles": {"BACKEND": static_backend}}
