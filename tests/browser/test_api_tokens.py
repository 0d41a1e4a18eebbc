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
    phone.reload()
    assert token not in phone.content()  # shown once
    assert phone.locator(".token-list .token-state").all_inner_texts() == ["Active"]
    phone.get_by_role("button", name="Revoke weekly report script").click()
    phone.get_by_text("Token revoked.").wait_for()
    screenshot(phone, "phone-api-token-revoked")
    status, body = call(f"{base}/api/me/", token)
    assert status == 401 and body["detail"] == "Invalid, expired or revoked token."
