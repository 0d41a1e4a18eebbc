"""Test settings: the same services as development (found or started), isolated by name."""

from config import services
from config.settings import *  # noqa: F403
from config.settings import CACHES

_suffix = services.checkout_suffix()
DRAMATIQ_NAMESPACE = f"harmrepair-test-{_suffix}"
CACHES["default"]["KEY_PREFIX"] = f"harmrepair-test-{_suffix}"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Argon2 stays the production hasher (see tests/platform/test_settings.py); tests hash fast.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = str(services.DATA_DIR / f"test-media-{_suffix}")
