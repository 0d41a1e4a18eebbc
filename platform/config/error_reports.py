"""What an error report (the debug page, the admins' error email) may show of the settings.

Django's filter hides settings whose names look secret (KEY, PASS, SECRET, TOKEN...), but not
`DATABASE_OWNER_URL`, `REDIS_URL` or a cache's `LOCATION`, which carry passwords inside a URL.
This one also hides settings named like a DSN, and the password part of any URL that holds
one, wherever it sits (top level, or nested in DATABASES, CACHES, ...)."""

import re

from django.views.debug import SafeExceptionReporterFilter

URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^/@:\s]*:)[^@/\s]+(?P<tail>@)", re.I)


class SecretUrlsReporterFilter(SafeExceptionReporterFilter):
    hidden_settings = re.compile(
        r"API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|DSN",
        flags=re.I,
    )

    def cleanse_setting(self, key, value):
        cleansed = super().cleanse_setting(key, value)
        if isinstance(cleansed, str):
            return URL_PASSWORD.sub(rf"\g<head>{self.cleansed_substitute}\g<tail>", cleansed)
        return cleansed
