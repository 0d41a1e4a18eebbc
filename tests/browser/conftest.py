"""Real headless Chromium (Debian's package) driven by Playwright, against a live server that
serves the platform host and every program host from the test database."""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop in this thread; the ORM calls made by the tests
# themselves (set-up and clean-up) are ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium_path():
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's `chromium` package "
            "(`make test` does this when it can), or set CHROMIUM_PATH."
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def live_server_url(django_db_setup, django_db_blocker):
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    with django_db_blocker.unblock():
        server = LiveServerThread("127.0.0.1", StaticFilesHandler)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        try:
            yield f"http://localhost:{server.port}"
        finally:
            server.terminate()


@pytest.fixture(autouse=True)
def _links_carry_live_server_port(request, settings):
    """Links to program sites (in pages and emails) carry the live server's port while a
    browser test runs, and only then."""
    if "live_server_url" in request.fixturenames:
        url = request.getfixturevalue("live_server_url")
        settings.PUBLIC_PORT = url.rsplit(":", 1)[1]


@pytest.fixture
def live_db(django_db_blocker):
    """Committed database access for the test body (the live server sees what the test writes);
    each test removes what it created."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def new_page(browser):
    """new_page(width=1280, height=900) → a page in a fresh context (no shared cookies)."""
    contexts = []

    def make(width=1280, height=900, **options):
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def running_worker(live_db):
    """A real Dramatiq worker (in this process, real Redis broker) for the test's duration."""
    import dramatiq

    from config.broker import broker
    from config.tasks import import_actor_modules

    import_actor_modules()
    worker = dramatiq.Worker(broker, worker_threads=2, worker_timeout=100)
    worker.start()
    yield worker
    worker.stop()


def sign_in(page, base, user, password):
    """Sign in on the site at `base`; for an account that must use two-factor sign-in, enter
    the code its authenticator would show (a confirmed device is made for it beforehand)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.two_factor import requires_two_factor

    device = None
    if requires_two_factor(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if device is not None:
        page.get_by_role("heading", name="Enter your code").wait_for()
        code = f"{TOTP(device.bin_key).token():06d}"
        page.get_by_label("6-digit code from your authenticator app").fill(code)
        page.get_by_role("button", name="Continue").click()
