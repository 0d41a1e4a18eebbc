"""Files of programs, wherever they are stored (config.object_storage): each program's files
sit under its own prefix, `programs/<schema>/`, in the default storage, and archives of
retired programs under `archives/<schema>/` in the "archives" storage (never under the
program's prefix, so deleting a program's files leaves its archive).

The same calls work on the local folder and on S3-compatible storage, so retention and
retirement delete files on every host at once, and any web host serves any file."""

import posixpath
import shutil
from pathlib import Path

from django.core.files.storage import FileSystemStorage, default_storage, storages

PROGRAMS = "programs"


def program_prefix(schema_name):
    """The key prefix (folder) of one program's files, ending with a slash."""
    if not schema_name or "/" in schema_name or schema_name in (".", ".."):
        raise ValueError(f"not a program schema name: {schema_name!r}")
    return f"{PROGRAMS}/{schema_name}/"


def program_file_name(schema_name, *parts):
    """The storage name of one of a program's files, e.g. ("evidence", id)."""
    return program_prefix(schema_name) + posixpath.join(*(str(part) for part in parts))


def delete_program_files(schema_name, *, storage=None):
    """Delete every file under the program's prefix (retirement, after its archive is kept).
    Returns how many files were deleted. Idempotent: a second call finds none."""
    storage = storage or default_storage
    prefix = program_prefix(schema_name)
    if isinstance(storage, FileSystemStorage):
        folder = Path(storage.path(prefix))
        if not folder.exists():
            return 0
        count = sum(1 for path in folder.rglob("*") if path.is_file())
        shutil.rmtree(folder)
        return count
    # S3: one listing and one batched DELETE per thousand keys, not a request per file.
    deleted = 0
    key_prefix = posixpath.join(storage.location, prefix) if storage.location else prefix
    for answer in storage.bucket.objects.filter(Prefix=key_prefix).delete():
        deleted += len(answer.get("Deleted", []))
        if answer.get("Errors"):
            raise OSError(f"could not delete some files of {schema_name}: {answer['Errors'][:3]}")
    return deleted


def archive_storage():
    """Where retirement archives are kept (ARCHIVE_ROOT, or `archives/` in the bucket)."""
    return storages["archives"]


def save_archive(schema_name, name, fileobj):
    """Keep an archive file (opened for reading, binary) for the program; returns the name to
    record, for open_archive. The name is under the program's own archive folder."""
    return archive_storage().save(posixpath.join(schema_name, name), fileobj)


def open_archive(name):
    """The kept archive, opened for reading (binary)."""
    return archive_storage().open(name, "rb")
