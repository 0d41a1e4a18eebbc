"""A staff member makes a personal API token on a phone, a script uses it, and after it is
revoked the script gets 401: tried in real Chromium at 360 px and with real HTTP requests."""

import json
import urllib.error
import urllib.request

import pytest

from tests.browser import test_staff_flow as staff_flow
from tests.browser.test_staff_flow import sign_in, site_url

pytestmark = pytest.mark.slow
staff_program = staff_flow.staff_program  # the same fresh program per test


def call(url, token):
    # Python does not resolve *.localhost as browsers do: ask localhost, name the site.
    site, path = url.split("//", 1)[1].split("/", 1)
    host, port = site.split(":")
    request = urllib.request.Request(  # noqa: S310
        f"http://localhost:{port}/{path}",
        headers={"Authorization": f"Token {token}", "Host": f"{host}:{port}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def test_a_member_makes_uses_and_revokes_a_token_from_a_phone(
    live_server_url, staff_program, new_page, screenshot
):
    program, users, _people = staff_program
    base = site_url(live_server_url, program)
    phone = new_page(360, 740, is_mobile=True, has_touch=True)
    sign_in(phone, base, users["staff"])
    phone.get_by_text("Account", exact=True).click()
    phone.get_by_role("link", name="Your API tokens").click()
    phone.get_by_role("heading", name="Your API tokens").wait_for()
    phone.get_by_label("Name").fill("weekly report script")
    phone.get_by_role("button", name="Make token").click()
    token = phone.locator("#new-token").inner_text().strip()
    assert token.startswith("hrp_")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "phone-api-token-made")

    status, me = call(f"{base}/api/me/", token)
    assert status == 200 and me["name"] == "Robin Example"
    # Made with a password alone (staff need no second factor), and /api/me/ says so.
    assert me["two_factor_verified"] is False
    phone.reload()  # the answer to the form is a plain page: reloading it posts nothing again
    assert token not in phone.content()  # shown once
    assert phone.locator(".token-list .token-state").all_inner_texts() == ["Active"]
    phone.get_by_role("button", name="Revoke weekly report script").click()
    phone.get_by_text("Token revoked.").wait_for()
    screenshot(phone, "phone-api-token-revoked")
    status, body = call(f"{base}/api/me/", token)
    assert status == 401 and body["detail"] == "Invalid, expired or revoked token."


def test_ta_staff_make_a_token_past_two_factor_sign_in_and_a_reload_makes_no_second(
    live_server_url, world, live_db, new_page, screenshot
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from summaries.models import ApiToken
    from tests.browser.conftest import sign_in as sign_in_with_code
    from tests.conftest import PASSWORD

    ta = world.users["ta_x"]
    devices = set(TOTPDevice.objects.values_list("pk", flat=True))
    page = new_page(1280, 800)
    try:
        sign_in_with_code(page, live_server_url, ta, PASSWORD)  # enters the app's code
        page.goto(f"{live_server_url}/summaries/tokens/")
        assert "Authorization: Bearer <token>." in page.locator("p.help").inner_text()
        page.get_by_label("Name").fill("quarterly figures")
        page.get_by_label("Valid for").select_option("180")
        page.get_by_role("button", name="Make token").click()
        token = page.locator("#new-token").inner_text().strip()
        assert token.startswith("hr_") and page.url.endswith("/summaries/tokens/")
        screenshot(page, "ta-api-token-made")
        page.reload()
        assert token not in page.content()
        assert page.locator(".token-list .token-state").all_inner_texts() == ["Active"]
        assert ApiToken.objects.filter(user=ta).count() == 1
        request = urllib.request.Request(  # noqa: S310
            f"{live_server_url}/api/ta/departments/", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            assert answer.status == 200
        page.get_by_role("button", name="Revoke quarterly figures").click()
        page.get_by_text("Token revoked.").wait_for()
        screenshot(page, "ta-api-token-revoked")
    finally:
        ApiToken.objects.filter(user=ta).delete()
        TOTPDevice.objects.exclude(pk__in=devices).delete()
