"""Where retirement archives are kept: the storage named "archives" in STORAGES when there is
one (object storage, for several hosts), else the ARCHIVE_ROOT folder. Always through Django's
storage API, so the same code works on a local disk and on S3."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, InvalidStorageError, storages


def archive_storage():
    try:
        return storages["archives"]
    except InvalidStorageError:
        return FileSystemStorage(location=settings.ARCHIVE_ROOT)
