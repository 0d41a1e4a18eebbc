"""Releases over time, and an attacker who reads every answer the API gives: months settle and
freeze, quarters and years publish once whole, ids last, and no withheld count from 1 to 10 can
be worked out from all the answers of two releases together (exact linear algebra)."""

import random
from datetime import date, datetime
from itertools import combinations

import pytest
from django.utils import timezone

from tests.summaries.attacker import attack

YEAR = timezone.localdate().year - 1
MONTHS = [date(YEAR, m, 1) for m in range(1, 7)]
FIRST_RELEASE = timezone.make_aware(datetime(YEAR, 4, 20, 12))  # January to March settled
SECOND_RELEASE = timezone.make_aware(datetime(YEAR, 7, 20, 12))  # then April to June


@pytest.fixture
def small_programs(db, world):
    """Six programs per department, mostly small: their monthly counts are mostly withheld."""
    from organizations.models import Program, ProgramStatus, ProgramType
    from summaries.models import ProgramMonth
    from workflow.summary_synthetic import synthetic_month

    rng = random.Random(18)
    made = []
    for dept in ("d1", "d2"):
        for i in range(6):
            program = Program.objects.create(
                name=f"Small {dept} {i}",
                slug=f"small-{dept}-{i}",
                program_type=ProgramType.DROP_IN if i % 2 else ProgramType.MOBILE_OUTREACH,
                health_department=world.departments[dept],
                status=ProgramStatus.READY,
            )
            made.append(program)
            for month in MONTHS:
                ProgramMonth.objects.create(
                    program=program,
                    month=month,
                    computed_at=timezone.now(),
                    **synthetic_month(rng, rng.choice([0, 2, 4, 7, 12, 25])),
                )
    return made


def walk(client, **params):
    rows, page = [], 1
    while True:
        answer = client.get("/api/ta/summaries/", {"page_size": 500, "page": page, **params})
        assert answer.status_code == 200, answer.content
        body = answer.json()
        rows += body["results"]
        if not body["next"]:
            return rows
        page += 1


def every_answer(client):
    """Every row the API gives, through its own index of periods."""
    index = client.get("/api/ta/").json()
    rows = {}
    for periods in index["periods"].values():
        for period in periods:
            rows.update({r["id"]: r for r in walk(client, period=period)})
    return rows


def test_two_releases_freeze_settled_periods_and_reveal_no_small_count(
    small_programs, world, client_for, settings
):
    from summaries import metrics
    from summaries.models import ProgramMonth, Summary
    from summaries.publish import candidate_groups, periods_of, publish, summary_key

    settings.SUMMARIES_MONTHS = 36
    operator = client_for(None, world.users["operator"])
    publish(now=FIRST_RELEASE)
    first = every_answer(operator)
    assert {r["period"] for r in first.values()} >= {f"{YEAR}-01", f"{YEAR}-03", f"{YEAR}-Q1"}
    assert not any(
        r["period"] >= f"{YEAR}-04" for r in first.values() if r["period_kind"] == "month"
    )
    # A settled month's counts change later (a late appeal ...): its figures do not.
    changed = ProgramMonth.objects.get(program=small_programs[0], month=MONTHS[0])
    changed.counts["cases"]["total"]["n"] += 30
    ProgramMonth.objects.filter(pk=changed.pk).update(counts=changed.counts)
    publish(now=SECOND_RELEASE)
    second = every_answer(operator)
    for key, row in first.items():
        assert second[key] == row, f"{key} changed between releases"
    assert f"{YEAR}-Q2" in {r["period"] for r in second.values()}
    # The same id answers the same, for good.
    some = next(iter(first))
    assert operator.get(f"/api/ta/summaries/{some}/").json() == first[some]
    assert publish(now=SECOND_RELEASE).rows == 0  # nothing new: nothing written

    # The attacker: every answer of both releases, the true structure, exact algebra.
    changed.counts["cases"]["total"]["n"] -= 30  # the frozen value is what was counted
    settled = {(r.program_id, r.month): r for r in ProgramMonth.objects.filter(month__in=MONTHS)}
    settled[(changed.program_id, changed.month)] = changed
    info = {
        a: {
            "department": r.department_id,
            "program_type": r.program_type,
            "providers": r.provider_ids,
        }
        for a, r in settled.items()
    }
    every_group = candidate_groups(info, periods_of(MONTHS), 1)
    members = {summary_key(*g): atoms for g, atoms in every_group.items()}
    members.update({summary_key(("program", p), f"{m:%Y-%m}"): {(p, m)} for p, m in settled})
    assert set(second) <= set(members)
    assert Summary.objects.count() == len(second)
    targets = [frozenset([a]) for a in settled] + [frozenset(g) for g in every_group.values()]
    targets += [frozenset(pair) for pair in combinations(settled, 2) if pair[0][1] == pair[1][1]]
    subtrees = {
        "cases": ["total", "kind", "acknowledgement", "appeal", "appeal_outcome"],
        "bans": None,
    }
    for root, names in subtrees.items():
        tree = [f for f in metrics.roots()[root] if names is None or f.name in names]
        atoms = {a: metrics.as_tuples(r.counts, root) for a, r in settled.items()}
        published_atoms, published_groups = set(), set()
        for key, row in {**first, **second}.items():
            for fam in tree:
                figures = [
                    row["metrics"][metrics.count_key(root, fam.name, c)] for c in fam.components
                ]
                if None in figures:
                    continue
                truth = [
                    sum(atoms[a][fam.name][i] for a in members[key]) for i in range(len(figures))
                ]
                assert figures == truth, (key, fam.name)
                if row["scope"] == "program" and row["period_kind"] == "month":
                    published_atoms.add((next(iter(members[key])), fam.name))
                else:
                    published_groups.add((frozenset(members[key]), fam.name))
        for insider in [None, small_programs[0].pk, small_programs[7].pk]:
            leaks = attack(
                tree=tree,
                atoms=atoms,
                owner={a: a[0] for a in atoms},
                published_atoms=published_atoms,
                published_groups=published_groups,
                targets=set(targets),
                threshold=11,
                insider=insider,
            )
            assert leaks == [], (root, insider, leaks[:3])
    # Small programs' months are mostly withheld, but their quarters show something.
    quarters = [
        r for r in second.values() if r["scope"] == "program" and r["period_kind"] == "quarter"
    ]
    assert any(r["metrics"]["cases"] is not None for r in quarters)
    rollups = [r for r in second.values() if r["scope"] != "program" and r["metrics"]["cases"]]
    assert {r["period_kind"] for r in rollups} >= {"month", "quarter"}


def test_a_recount_never_rewrites_a_settled_month(db, world, in_program, program_a, publish_now):
    from summaries.models import ProgramMonth
    from tests.summaries.conftest import last_month, report_complaint
    from tests.summaries.test_compute import run_cases_in_a
    from workflow.summary_counts import recompute_current_program

    run_cases_in_a(world.users, in_program, program_a)
    with in_program(program_a):
        recompute_current_program()
    publish_now()
    frozen = ProgramMonth.objects.get(program=program_a, month=last_month())
    assert frozen.settled_at is not None
    with in_program(program_a):
        report_complaint(world.users["a_staff"], 9, "Reported late.")
        assert recompute_current_program()[last_month()]["counts"]["cases"]["total"]["n"] == 4
    frozen.refresh_from_db()
    assert frozen.counts["cases"]["total"]["n"] == 3


def test_index_dictionary_figure_ids_and_readable_csv(
    extra_programs, publish_now, world, token_for, token_client
):
    import csv
    import io

    from summaries.metrics import all_keys
    from tests.summaries.conftest import last_month

    publish_now()
    client = token_client(token_for("ta_x"))
    index = client.get("/api/ta/")
    assert index.status_code == 200
    body = index.json()
    month = last_month().strftime("%Y-%m")
    assert month in body["periods"]["month"]
    assert body["dictionary"].endswith("/api/ta/dictionary/")
    assert body["threshold"] == 11 and "small" in body["withheld_reasons"]

    dictionary = client.get("/api/ta/dictionary/").json()["results"]
    assert [e["key"] for e in dictionary] == all_keys()
    assert all(e["definition"] and e["label"] for e in dictionary)
    by_key = {e["key"]: e for e in dictionary}
    assert by_key["cases.response.within_window_share"]["kind"] == "share"
    assert "reported" in by_key["cases.category_theft.yes"]["definition"]
    answer = client.get("/api/ta/dictionary/", {"format": "csv"})
    as_csv = answer.content.decode()
    # Two header rows, as every CSV of the API: names, then keys; a file name, not download.csv.
    lines = as_csv.splitlines()
    assert lines[0] == "Figure key,Name,Definition,Kind,What is counted,Group of figures"
    assert lines[1] == "key,label,definition,kind,root,family"
    assert lines[2].startswith("cases,")
    assert answer["Content-Disposition"].startswith('attachment; filename="ta-')

    rows = client.get("/api/ta/summaries/", {"period": month, "scope": "provider"}).json()
    provider = rows["results"][0]
    assert provider["id"] == f"provider-{world.providers['x'].pk}.{month}"
    figure = client.get(f"/api/ta/figures/{provider['id']}/cases/").json()
    assert figure["id"] == f"{provider['id']}/cases"
    assert figure["value"] == provider["metrics"]["cases"] and figure["label"] == "Cases"
    withheld = [
        r
        for r in client.get("/api/ta/summaries/", {"period": month, "page_size": 500}).json()[
            "results"
        ]
        if r["metrics"]["cases"] is None
    ]
    if withheld:
        answer = client.get(f"/api/ta/figures/{withheld[0]['id']}/cases/").json()
        assert answer["value"] is None and answer["withheld"].startswith("Withheld")
    # Another provider's figure does not exist for this token.
    other = f"provider-{world.providers['y'].pk}.{month}"
    assert client.get(f"/api/ta/figures/{other}/cases/").status_code == 404

    table = list(
        csv.reader(
            io.StringIO(
                client.get(
                    "/api/ta/summaries/", {"period": month, "format": "csv", "page_size": 500}
                ).content.decode()
            )
        )
    )
    names, keys = table[0], table[1]
    assert keys[:3] == ["id", "scope", "period"]
    assert names[:3] == ["Figure set id", "Program or group", "Period"]
    assert names[keys.index("cases.response.within_window_share")] == "Responded within the window"
    assert "Program" in names and "Health department" in names


def test_each_role_lands_where_its_figures_are(extra_programs, publish_now, world, client_for):
    from tests.summaries.conftest import last_month

    publish_now()
    ta = client_for(None, world.users["ta_x"]).get("/")
    assert ta.status_code == 302 and ta["Location"] == "/summaries/"
    home = client_for(None, world.users["hd1"]).get("/").content.decode()
    assert f"Your programs' figures, {last_month():%Y-%m}" in home
    assert "Department D1 (all its programs)" in home
    assert extra_programs["d1"][0].name in home and extra_programs["d2"][0].name not in home
    operator = client_for(None, world.users["operator"])
    assert operator.get("/").status_code == 200
    page = operator.get("/summaries/").content.decode()
    assert "Department D2" in page and "Department D1" in page
