"""Security tests share the platform tests' fixture for committed data (worker threads)."""

from tests.platform.conftest import committed  # noqa: F401
