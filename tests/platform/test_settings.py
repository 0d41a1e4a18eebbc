"""Settings: production passes `manage.py check --deploy`; secrets may come from *_FILE;
Argon2 hashes passwords (the test settings swap in MD5 for speed, so check the base module)."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "PYTEST_CURRENT_TEST"
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.production", **env)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _secret():
    return secrets.token_urlsafe(64)


def test_production_settings_pass_check_deploy():
    """No deployment (security.*) warning at all; other apps' warnings are theirs to fix."""
    result = _manage(
        "check",
        "--deploy",
        DJANGO_SECRET_KEY=_secret(),
        DJANGO_ALLOWED_HOSTS="harmrepair.example,.harmrepair.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert "(security." not in output, output


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DJANGO_ALLOWED_HOSTS="harmrepair.example")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_secret_key_may_come_from_a_file(tmp_path):
    key = _secret()
    key_file = tmp_path / "secret_key"
    key_file.write_text(key)
    code = f"from django.conf import settings; print(settings.SECRET_KEY == {key!r})"
    result = _manage(
        "shell",
        "-c",
        code,
        DJANGO_SECRET_KEY_FILE=str(key_file),
        DJANGO_ALLOWED_HOSTS="harmrepair.example",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"


def test_production_values():
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'debug': s.DEBUG, 'hasher': s.PASSWORD_HASHERS[0], "
        "'session_secure': s.SESSION_COOKIE_SECURE, 'csrf_secure': s.CSRF_COOKIE_SECURE, "
        "'ssl_redirect': s.SECURE_SSL_REDIRECT, 'hsts': s.SECURE_HSTS_SECONDS, "
        "'hosts': s.ALLOWED_HOSTS, 'scheme': s.SITE_SCHEME}))"
    )
    result = _manage(
        "shell", "-c", code, DJANGO_SECRET_KEY=_secret(), DJANGO_ALLOWED_HOSTS="a.example,b.example"
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "debug": False,
        "hasher": "django.contrib.auth.hashers.Argon2PasswordHasher",
        "session_secure": True,
        "csrf_secure": True,
        "ssl_redirect": True,
        "hsts": 365 * 24 * 3600,
        "hosts": ["a.example", "b.example"],
        "scheme": "https",
    }


def test_argon2_is_the_first_hasher():
    import config.settings as base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_hashes_and_checks_a_password(settings):
    from django.contrib.auth.hashers import check_password, make_password

    import config.settings as base

    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    encoded = make_password("correct-horse-battery")
    assert encoded.startswith("argon2$")
    assert check_password("correct-horse-battery", encoded)
