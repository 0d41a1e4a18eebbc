"""WCAG 2.1 AA, as axe-core reads it in real Chromium, on the pages each kind of user meets:
a participant with no account, program staff, a program admin, a health-department admin
and TA staff. A violation fails with the rule, the element and how to fix it."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings

pytestmark = pytest.mark.slow

WCAG_AA = {"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

PUBLIC = [
    "/",
    "/complaints/new/",
    "/complaints/status/",
    "/how-complaints-work/",
    "/accounts/login/",
]
STAFF = ["/", "/incidents/new/", "/cases/", "/participants/", "/door/", "/notifications/"]
ADMIN = ["/settings/policy/", "/settings/staff/", "/program-data/"]
PLATFORM = {"hd1": ["/", "/programs/add/"], "ta_x": ["/summaries/", "/summaries/tokens/"]}


def _violations(page):
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": sorted(WCAG_AA)}})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


def _signed_in(new_page, client_for, program, user, base, width):
    client = client_for(program, user)
    page = new_page(width, 800)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base,
            }
        ]
    )
    return page


@pytest.fixture
def leave_no_devices(live_db):
    """Signing in past two-factor makes devices (committed: the live server must see them);
    other browser tests walk a first sign-in, so the ones made here go again."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    before = set(TOTPDevice.objects.values_list("pk", flat=True))
    yield
    TOTPDevice.objects.exclude(pk__in=before).delete()


@pytest.mark.parametrize("width", [1280, 360])
def test_every_page_meets_wcag_21_aa(
    world, live_server_url, live_db, new_page, client_for, width, leave_no_devices
):
    port = live_server_url.rsplit(":", 1)[1]
    program = world.programs["a"]
    site = f"http://{program.slug}.localhost:{port}"
    found = {}

    visitor = new_page(width, 800)
    for path in PUBLIC:
        visitor.goto(site + path)
        found[f"visitor {path}"] = _violations(visitor)

    for key, paths in (("a_staff", STAFF), ("a_admin", ADMIN)):
        page = _signed_in(new_page, client_for, program, world.users[key], site, width)
        for path in paths:
            page.goto(site + path)
            found[f"{key} {path}"] = _violations(page)

    for key, paths in PLATFORM.items():
        page = _signed_in(new_page, client_for, None, world.users[key], live_server_url, width)
        for path in paths:
            page.goto(live_server_url + path)
            found[f"{key} {path}"] = _violations(page)

    problems = {where: v for where, v in found.items() if v}
    assert not problems, "\n".join(f"{w}: {v}" for w, vs in problems.items() for v in vs)
