"""No program ever sees another's data, proven by brute force: every URL pattern and every API
operation of both sites (walked, not listed: see walker.py), with every HTTP method, by every
kind of outsider, aimed at program B's real objects. Program B is filled with one of everything
(seed.py), every text field carrying a unique marker.

Attackers: each role of program A on A's own site with B's ids and on B's site; TA staff (of a
provider that serves B's department and of one that does not); the admin of another health
department; a signed-out visitor; and, on the platform site, the same people with B's program
and account ids.

Pass: the answer is 404 or 403 (405 for a method the route never takes; a redirect to sign-in
for visitors), the same as for an id that exists nowhere (nothing confirms what exists), and no
marker, id, token or email of B's appears in any body or header. Pages marked program_public
may answer 200, still without a byte of B's data. The run prints how many attempts it made.
"""

import json
import logging
import time
from collections import Counter
from urllib.parse import urlencode

import pytest
from django.conf import settings

from accounts.models import User
from organizations.middleware import ALWAYS_OPEN_PREFIXES
from tests.conftest import host_of, verify_second_factor
from tests.security.seed import leaks_in, seed_program
from tests.security.walker import (
    METHODS,
    BodyMaker,
    Filler,
    attach_operations,
    openapi_schema,
    url_endpoints,
)

PROGRAM_URLS = "config.urls_program"
PLATFORM_URLS = "config.urls_platform"
# 401: the TA API's token challenge to a visitor, the same for every id.
DENIED = {401, 403, 404}
# A route that never takes this method says so before looking anything up (same for every id).
METHOD_REFUSED = {405}
SIGN_IN_PATHS = ("/accounts/login/", "/admin/login/", "/accounts/two-factor/")


@pytest.fixture
def arena(db, world, program_a, program_b):
    from accounts.models import Membership
    from organizations.models import Domain

    b = seed_program(
        program_b,
        {"admin": world.users["b_admin"], "staff": world.users["b_staff"]},
        tag="bb",
        sequence_base=7_300_001,
    )
    # A has data of its own (small ids), so its lists are not empty and differ from B's.
    a = seed_program(
        program_a,
        {"admin": world.users["a_admin"], "staff": world.users["a_staff"]},
        tag="aa",
    )
    b_users = [world.users["b_admin"], world.users["b_staff"], *b.users.values()]
    b.ids["accounts.user"] = sorted({str(u.pk) for u in b_users})
    b.ids["accounts.membership"] = [
        str(pk) for pk in Membership.objects.filter(program=program_b).values_list("pk", flat=True)
    ]
    b.ids["organizations.domain"] = [
        str(pk) for pk in Domain.objects.filter(tenant=program_b).values_list("pk", flat=True)
    ]
    b.ids["organizations.healthdepartment"] = [str(program_b.health_department_id)]
    return a, b


class Attempts:
    def __init__(self, needles, numbers):
        self.needles, self.numbers = needles, numbers
        self.count = 0
        self.statuses = Counter()
        self.problems = []
        self.leaks = []

    def send(self, client, method, path, body=None, as_json=False):
        """One request; returns (response, B's needles found in its body or headers)."""
        kwargs = {}
        if body is not None and method in ("POST", "PUT", "PATCH"):
            if as_json:
                kwargs = {"data": json.dumps(body), "content_type": "application/json"}
            else:
                flat = {k: v for k, v in body.items() if not isinstance(v, dict | list)}
                kwargs = {
                    "data": urlencode(flat),
                    "content_type": "application/x-www-form-urlencoded",
                }
        client.raise_request_exception = False  # a server error is a finding, not a crash
        response = client.generic(method, path, **kwargs)
        self.count += 1
        self.statuses[response.status_code] += 1
        # (The test client closes the response itself; closing it again here would fire
        # request_finished and close the test's database connection.)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        response.probe_content = content
        text = (
            content.decode("utf-8", "replace")
            + "\n"
            + "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        )
        echoed = path + json.dumps(body or {})
        leaked = leaks_in(text, self.needles, self.numbers, echoed=echoed)
        return response, leaked

    def check(self, who, client, ep, method, body, as_json, expect, opened=""):
        response, leaked = self.send(client, method, ep.path, body, as_json)
        leaked = {found for found in leaked if found not in opened}
        where = f"{who}: {method} {client.defaults['HTTP_HOST']}{ep.path}"
        if leaked:
            self.leaks.append(f"{where} -> {response.status_code} shows {sorted(leaked)[:5]}")
        problem = expect(ep, method, response)
        if response.status_code >= 500:
            problem = "server error"
        if problem:
            self.problems.append(f"{where} -> {response.status_code}: {problem}")
        return response


def _is_sign_in_redirect(response):
    return response.status_code in (301, 302) and response.headers.get("Location", "").startswith(
        SIGN_IN_PATHS
    )


def _open_anyway(ep):
    return ep.public or ep.path.startswith(ALWAYS_OPEN_PREFIXES)


def outsider_on_b_site(ep, method, response):
    """A signed-in person without a membership in B: 404 on every page (sign-out aside)."""
    if _open_anyway(ep) and (ep.name in ("logout",) or ep.path.startswith(ALWAYS_OPEN_PREFIXES)):
        return None
    if response.status_code not in DENIED:
        return "a signed-in outsider must get 404 or 403 on B's site"
    return None


def visitor_on_b_site(ep, method, response):
    if _open_anyway(ep):
        return None
    if _is_sign_in_redirect(response) or response.status_code in DENIED:
        return None
    return "a signed-out visitor must be sent to sign in"


def controlled(expectation):
    """Expectation for an attacker on their own site (or the platform) with B's ids: denied,
    and answered exactly as for an id that exists nowhere."""

    def expect(ep, method, response, *, control=None):
        if not ep.has_target_params:
            return None  # own data; the leak check still applies
        if _open_anyway(ep):
            return None
        ok = response.status_code in DENIED | METHOD_REFUSED or _is_sign_in_redirect(response)
        if method == "OPTIONS" and response.status_code == 200:
            # DRF describes the route (fields, parsers) without looking the object up; the
            # control request below must get the very same bytes.
            return None
        if not ok:
            return expectation
        return None

    return expect


def _session_key(client):
    morsel = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return morsel.value if morsel is not None else ""


def _stay_signed_in(client):
    """Sign the attacker back in when a request (sign-out) ended their session."""
    user = getattr(client, "attacker", None)
    if user is None or _session_key(client) == client.signed_in_key:
        return
    if client.session.get("_auth_user_id") != str(user.pk):
        client.force_login(user)
        verify_second_factor(client, user)
    client.signed_in_key = _session_key(client)


def _clients(client_for, world, a, b):
    users = world.users
    roles = {"a_admin": users["a_admin"], "a_lead": a.users["lead"], "a_staff": users["a_staff"]}
    on_a = [(f"{k} on A", client_for(a.program, u)) for k, u in roles.items()]
    on_b = [(f"{k} on B", client_for(b.program, u)) for k, u in roles.items()]
    on_b += [
        ("ta_x on B", client_for(b.program, users["ta_x"])),
        ("ta_y (serves B's department) on B", client_for(b.program, users["ta_y"])),
        ("hd1 (other department) on B", client_for(b.program, users["hd1"])),
    ]
    visitor_b = ("visitor on B", client_for(b.program, None))
    on_platform = [
        ("a_admin on platform", client_for(None, users["a_admin"])),
        ("ta_x on platform", client_for(None, users["ta_x"])),
        ("hd1 (other department) on platform", client_for(None, users["hd1"])),
        ("visitor on platform", client_for(None, None)),
    ]
    for _who, client in on_a + on_b + on_platform:
        session_user = client.session.get("_auth_user_id")
        client.attacker = next((u for u in User.objects.filter(pk=session_user)), None)
        client.signed_in_key = _session_key(client)
    return on_a, on_b, visitor_b, on_platform


# The walk in four parts (each a test of its own, so parallel runs share them out): members of
# A on A's own site with B's ids, signed-in outsiders on B's site, a visitor on B's site, and
# the platform site.
ATTACK_PARTS = ("members_of_a_on_a", "outsiders_on_b", "visitor_on_b", "platform")


@pytest.mark.parametrize("part", ATTACK_PARTS)
def test_no_outsider_reaches_another_programs_data(part, arena, client_for, world, capsys):
    a, b = arena
    needles, numbers = b.needles()
    filler = Filler(b.ids, b.tokens)
    marker = "probe-" + a.tag  # bodies carry only the attacker's own text
    started = time.perf_counter()

    sites = {}
    for urlconf in (PROGRAM_URLS, PLATFORM_URLS):
        endpoints, unwalkable = url_endpoints(urlconf, filler)
        schema = openapi_schema(urlconf)
        operations = attach_operations(endpoints, schema, urlconf, filler)
        sites[urlconf] = (endpoints, BodyMaker(schema, filler, marker), operations)
        assert not unwalkable, f"URL patterns the walker cannot fill: {unwalkable}"

    run = Attempts(needles, numbers)
    on_a, on_b, visitor_b, on_platform = _clients(client_for, world, a, b)
    urlconf, attackers, expect = {
        "members_of_a_on_a": (
            PROGRAM_URLS,
            on_a,
            controlled("a member of A reached B's object on A's site"),
        ),
        "outsiders_on_b": (PROGRAM_URLS, on_b, outsider_on_b_site),
        "visitor_on_b": (PROGRAM_URLS, [visitor_b], visitor_on_b_site),
        "platform": (
            PLATFORM_URLS,
            on_platform,
            controlled("B's platform record answered an outsider"),
        ),
    }[part]
    endpoints, bodies, _ops = sites[urlconf]
    logging.disable(logging.WARNING)  # thousands of expected 404s
    try:
        for who, client in attackers:
            on_b_site = client.defaults["HTTP_HOST"] == host_of(b.program)
            for ep in endpoints:
                # An invitation shows its invitee's address to whoever holds its token,
                # on its own program's site only.
                opened = b.opened_by.get(ep.path, "") if on_b_site else ""
                for method in METHODS:
                    operation = ep.operations.get(method)
                    body = bodies.body(operation) if operation else _form_body(b)
                    response = run.check(
                        who, client, ep, method, body, bool(operation), expect, opened
                    )
                    _stay_signed_in(client)  # the walk signs out too (POST /accounts/logout/)
                    if expect not in (outsider_on_b_site, visitor_on_b_site) and (
                        ep.has_target_params
                    ):
                        _compare_with_control(
                            run, who, client, ep, method, body, operation, response
                        )
    finally:
        logging.disable(logging.NOTSET)

    elapsed = time.perf_counter() - started
    guessed = sorted(
        {
            f"{ep.regex} [{k}]"
            for ep in endpoints
            for k, how in ep.filled.items()
            if how.startswith("guess")
        }
    )
    with capsys.disabled():
        print(
            f"\nisolation ({part}): {run.count} attempts in {elapsed:.1f}s; "
            f"{len(endpoints)} routes, {sites[urlconf][2]} OpenAPI operations, "
            f"{len(attackers)} attackers, {len(METHODS)} methods; "
            f"statuses {dict(sorted(run.statuses.items()))}; "
            f"leaks {len(run.leaks)}; B rows of {len(b.ids)} models, {len(needles)} markers"
            + (f"\n  parameters filled by guess ({len(guessed)}): {guessed[:8]}" if guessed else "")
        )
    assert not b.missing_models, f"models the seed made no row of: {b.missing_models}"
    assert not run.leaks, "B's data leaked:\n" + "\n".join(run.leaks[:40])
    assert not run.problems, "wrong answers:\n" + "\n".join(run.problems[:40])
    # Every attacker tried every route with every method (control requests come on top).
    assert run.count >= len(attackers) * len(endpoints) * len(METHODS)
    assert len(endpoints) >= (90 if urlconf == PROGRAM_URLS else 130)


def _form_body(b):
    """For pages without an OpenAPI operation: form fields that name B's objects."""
    return {
        "id": b.first("workflow.case"),
        "case": b.first("workflow.case"),
        "participant": b.first("tenants.participant"),
        "program": b.first("organizations.program"),
        "token": b.tokens["invitation"],
        "email": "probe@example.test",
    }


# The password-reset link is its user's own secret and users are platform-wide: whoever holds
# it may set that password from any site (and then still sees nothing of a program they are not
# a member of), so the link's answer may differ from a made-up one.
ORACLE_ALLOWED = {"password_reset_confirm"}


def _compare_with_control(run, who, client, ep, method, body, operation, response):
    """Same route, ids that exist nowhere: the answer must not differ (an existence oracle).
    A sign-in redirect or a 405 (route and method decide it) comes before any lookup, so it
    needs no control request."""
    if _is_sign_in_redirect(response) or response.status_code == 405:
        return
    if ep.name in ORACLE_ALLOWED:
        return
    control, _leaked = run.send(client, method, ep.control_path, body, bool(operation))
    differs = control.status_code != response.status_code or (
        method == "OPTIONS"
        and response.status_code == 200
        and control.probe_content != response.probe_content
    )
    if differs:
        run.problems.append(
            f"{who}: {method} {client.defaults['HTTP_HOST']}{ep.path} answered "
            f"{response.status_code} but {control.status_code} for {ep.control_path}: "
            "the answer tells whether B's object exists"
        )


def test_walker_finds_every_route_and_operation(db, world):
    """The walk is complete: every API route of the router and every path in the OpenAPI
    schema is among the endpoints, and host_of gives the program site."""
    ids = {
        "workflow.case": ["1"],
        "workflow.evidencefile": ["8f5c3f4e-5d1a-4f0e-9a55-2b8f6c1d0e7a"],
    }
    filler = Filler(ids, {"uidb64": "MQ", "reset": "x", "invitation": "t"})
    endpoints, unwalkable = url_endpoints(PROGRAM_URLS, filler)
    schema = openapi_schema(PROGRAM_URLS)
    operations = attach_operations(endpoints, schema, PROGRAM_URLS, filler)
    names = {ep.name for ep in endpoints}
    assert {"case-list", "case-detail", "case-evidence-download", "login", "home"} <= names
    assert operations >= len(schema["paths"]) and not unwalkable
    assert all(ep.operations for ep in endpoints if ep.path.startswith("/api/cases/"))
    assert host_of(world.programs["b"]) == "prog-b.localhost"
