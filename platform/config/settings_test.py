"""Test settings: the same services as development (found or started), isolated by name.

Names carry the checkout and the process id, so two test runs at once (two clones, or a
developer and CI on one machine) never share a database, a queue or a cache key.
"""

import os

from config import services
from config.object_storage import storages_setting
from config.settings import *  # noqa: F403
from config.settings import CACHES, DATABASES, OBJECT_STORAGE_URL

_run = f"{services.checkout_suffix()}_{os.getpid()}"
for _alias in ("default", "owner"):
    DATABASES[_alias]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{_run}"}
DRAMATIQ_NAMESPACE = f"harmrepair-test-{_run}"
CACHES["default"]["KEY_PREFIX"] = f"harmrepair-test-{_run}"
CACHES["platform"]["KEY_PREFIX"] = f"harmrepair-test-{_run}-platform"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Argon2 stays the production hasher (see tests/platform/test_settings.py); tests hash fast.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = str(services.DATA_DIR / f"test-media-{_run}")
ARCHIVE_ROOT = str(services.DATA_DIR / f"test-archives-{_run}")
STORAGES = storages_setting(object_storage_url=OBJECT_STORAGE_URL, archive_root=ARCHIVE_ROOT)
