"""WCAG 2.1 AA, as axe-core reads it in real Chromium, on the pages each kind of user meets:
a participant with no account, program staff, a program admin, a health-department admin
and TA staff, in English and Spanish, on a desktop and a phone. A violation fails with the
rule, the element and how to fix it; the count per page is printed. At 200% zoom no page
scrolls sideways and the header and navigation leave most of the screen to the page."""

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
    "/how-complaints-work/poster/",
    "/accounts/login/",
]
STAFF = [
    "/",
    "/incidents/new/",
    "/cases/",
    "/participants/",
    "/door/",
    "/notifications/",
    "/accounts/name/",
]
ADMIN = ["/settings/policy/", "/settings/staff/", "/program-data/"]
PLATFORM = {"hd1": ["/", "/programs/add/"], "ta_x": ["/summaries/", "/summaries/tokens/"]}


def _violations(page):
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": sorted(WCAG_AA)}})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


def _signed_in(new_page, client_for, program, user, base, width, height=800, **options):
    client = client_for(program, user)
    page = new_page(width, height, **options)
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


def _every_page(world, live_server_url, new_page, client_for, width, height, **options):
    """(who and path, page) for every page of the lists above, in one browser per person."""
    port = live_server_url.rsplit(":", 1)[1]
    program = world.programs["a"]
    site = f"http://{program.slug}.localhost:{port}"
    visitor = new_page(width, height, **options)
    for path in PUBLIC:
        visitor.goto(site + path)
        yield f"visitor {path}", visitor
    for key, paths in (("a_staff", STAFF), ("a_admin", ADMIN)):
        user = world.users[key]
        page = _signed_in(new_page, client_for, program, user, site, width, height, **options)
        for path in paths:
            page.goto(site + path)
            yield f"{key} {path}", page
    for key, paths in PLATFORM.items():
        user = world.users[key]
        base = live_server_url
        page = _signed_in(new_page, client_for, None, user, base, width, height, **options)
        for path in paths:
            page.goto(live_server_url + path)
            yield f"{key} {path}", page


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("width", [1280, 360])
def test_every_page_meets_wcag_21_aa(
    world, live_server_url, live_db, new_page, client_for, width, language, leave_no_devices
):
    found = {}
    pages = _every_page(
        world,
        live_server_url,
        new_page,
        client_for,
        width,
        800,
        locale=language,
        extra_http_headers={"Accept-Language": language},
    )
    for where, page in pages:
        # The page is in the language asked for, and says so (WCAG 3.1.1).
        assert page.evaluate("document.documentElement.lang") == language, where
        found[where] = _violations(page)
        print(f"axe {language} {width}px {where}: {len(found[where])} violations")

    problems = {where: v for where, v in found.items() if v}
    assert not problems, "\n".join(f"{w}: {v}" for w, vs in problems.items() for v in vs)


# 200% zoom of a 1280 x 900 window: 640 x 450 CSS pixels, drawn at twice the density.
ZOOMED = {"width": 640, "height": 450}
CHROME_BOTTOM = """() => Math.max(0, ...['.topbar', '.staffnav', '.public-nav'].map(
    s => document.querySelector(s)).filter(Boolean).map(e => e.getBoundingClientRect().bottom))"""


def test_at_200_percent_zoom_nothing_scrolls_sideways_and_the_page_keeps_the_screen(
    world, live_server_url, live_db, new_page, client_for, leave_no_devices
):
    pages = _every_page(
        world,
        live_server_url,
        new_page,
        client_for,
        ZOOMED["width"],
        ZOOMED["height"],
        device_scale_factor=2,
    )
    problems = []
    for where, page in pages:
        wide = page.evaluate("document.documentElement.scrollWidth")
        chrome = page.evaluate(CHROME_BOTTOM)
        print(f"200% zoom {where}: page {wide}px wide, header and navigation {chrome:.0f}px")
        if wide > ZOOMED["width"]:
            problems.append(f"{where}: scrolls sideways ({wide}px wide)")
        if chrome > ZOOMED["height"] / 4:
            problems.append(f"{where}: header and navigation take {chrome:.0f} of 450px")
    assert not problems, "\n".join(problems)
