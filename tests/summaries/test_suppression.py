"""The suppression engine against an attacker who gets every figure the API can give for a data
set (atom rows, programs over quarters and years, every rollup over every period), from two
successive releases, knows how figures add up and, in turn, one program's own true figures
(tests/summaries/attacker.py: exact linear algebra over the rationals)."""

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summaries.publish import audit_targets, candidate_groups, periods_of
from summaries.suppression import TOTAL, Family, class_is_safe, root_family, suppress
from tests.summaries.attacker import attack, rows_of

TREE = [
    root_family(),
    Family("kind", ("a", "b")),
    Family("sub", ("x", "y", "z"), ("kind", "a")),
    Family("sev", ("l", "m", "h")),
]


def classify(case, family):
    kind, sub, sev = case
    return {"kind": kind, "sub": sub if kind == "a" else None, "sev": sev}[family]


# A small calendar: a year of six months (one whole quarter, one cut short, the year never
# whole) keeps the attacker's algebra small; periods_of and candidate_groups are the product's.
MONTHS = [date(2025, m, 1) for m in (1, 2, 3, 4, 5, 6)]
case = st.tuples(st.sampled_from("ab"), st.sampled_from("xyz"), st.sampled_from("lmh"))


@st.composite
def worlds(draw):
    n = draw(st.integers(min_value=2, max_value=5))
    months = MONTHS[: draw(st.sampled_from([3, 4, 6]))]
    size = draw(st.sampled_from([3, 8, 20]))
    atoms = {
        (f"p{i}", m): rows_of(TREE, draw(st.lists(case, max_size=size)), classify)
        for i in range(n)
        for m in months
    }
    info = {}
    for i in range(n):
        dept = draw(st.sampled_from(["d1", "d2"]))
        ptype = draw(st.sampled_from(["t1", "t2"]))
        for m in months:
            info[(f"p{i}", m)] = {"department": dept, "program_type": ptype, "providers": ["x"]}
    threshold = draw(st.sampled_from([3, 5, 11]))
    min_programs = draw(st.sampled_from([1, 2, 3]))
    first_release = draw(st.integers(min_value=1, max_value=len(months) - 1))
    new_provider = draw(st.booleans())
    return atoms, info, months, threshold, min_programs, first_release, new_provider


def run_release(atoms, info, months, threshold, min_programs, forced):
    mine = {a: v for a, v in atoms.items() if a[1] in months}
    mine_info = {a: info[a] for a in mine}
    groups = candidate_groups(mine_info, periods_of(months), min_programs)
    release = suppress(
        tree=TREE,
        atoms=mine,
        owner={a: a[0] for a in mine},
        groups=groups,
        threshold=threshold,
        forced=forced,
        targets=audit_targets(mine_info, periods_of(months)),
    )
    decided = {**release.atom_rows, **release.group_rows}
    return release, groups, decided


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_two_releases_together_never_pin_a_withheld_count(world):
    atoms, info, months, threshold, min_programs, first_release, new_provider = world
    _r1, groups1, decided1 = run_release(
        atoms, info, months[:first_release], threshold, min_programs, {}
    )
    if new_provider:
        # Between the releases a second provider starts serving d2: new rollups over months
        # that were already published.
        for a, i in info.items():
            if i["department"] == "d2":
                info[a] = {**i, "providers": ["x", "y"]}
    release, groups2, decided2 = run_release(atoms, info, months, threshold, min_programs, decided1)
    # Frozen: the first release's rows are the second's, unchanged.
    for key, shown in decided1.items():
        if key[0] in groups1 and key[0] in groups2:
            assert groups1[key[0]] == groups2[key[0]] or not new_provider
        assert decided2[key] == shown, key
    published_atoms = {k for k, shown in decided2.items() if shown and k[0] in atoms}
    published_groups = {(groups2[g], f) for (g, f), shown in release.group_rows.items() if shown}
    published_groups |= {
        (groups1[g], f) for (g, f), shown in decided1.items() if shown and g in groups1
    }
    # Every published row is 0 or at least the threshold in every cell.
    for g, f in published_groups:
        index = [t.name for t in TREE].index(f)
        assert all(
            v == 0 or v >= threshold
            for v in (sum(atoms[a][f][i] for a in g) for i in range(len(TREE[index].components)))
        )
    # Targets: every figure the API could give (even rollups too small to offer), and every
    # pair of programs in one month (a difference of two rollups).
    everything = candidate_groups(info, periods_of(months), 1)
    targets = [frozenset([a]) for a in atoms] + list(everything.values())
    targets += [frozenset([a, b]) for a in atoms for b in atoms if a[1] == b[1] and str(a) < str(b)]
    for insider in [None, *sorted({p for p, _m in atoms})]:
        leaks = attack(
            tree=TREE,
            atoms=atoms,
            owner={a: a[0] for a in atoms},
            published_atoms=published_atoms,
            published_groups=published_groups,
            targets=set(targets),
            threshold=threshold,
            insider=insider,
        )
        assert leaks == [], (insider, leaks[:3])


def test_a_small_program_shows_its_quarter_when_its_months_are_withheld():
    """Three months of 4, 5 and 6 cases: each withheld, the quarter's 15 published, and no month
    can be worked out (with a big program beside it, as in a department)."""
    small = [("a", "x", "l")]
    atoms = {}
    for m, n in zip(MONTHS[:3], (4, 5, 6), strict=True):
        atoms[("small", m)] = rows_of(TREE, small * n, classify)
        atoms[("big", m)] = rows_of(TREE, small * 40, classify)
    info = {a: {"department": "d", "program_type": "t", "providers": []} for a in atoms}
    release, groups, decided = run_release(atoms, info, MONTHS[:3], 11, 5, {})
    quarter = (("program", "small"), "2025-Q1")
    assert not any(release.atom_rows[(("small", m), TOTAL)] for m in MONTHS[:3])
    assert release.group_rows[(quarter, TOTAL)]
    assert release.group_values[quarter][TOTAL] == (15,)


def test_rollups_of_too_few_programs_are_not_offered():
    row = rows_of(TREE, [("a", "x", "l")] * 30, classify)
    info = {
        (f"p{i}", MONTHS[0]): {"department": "d", "program_type": "t", "providers": []}
        for i in range(4)
    }
    groups = candidate_groups(info, periods_of(MONTHS[:1]), 5)
    assert groups == {}
    release = suppress(tree=TREE, atoms=dict.fromkeys(info, row), groups=groups, threshold=11)
    assert all(release.atom_rows.values())


def test_class_safety_needs_two_atoms_and_safe_sums_without_any_one_program():
    assert not class_is_safe([(12, 0)], 11)
    assert not class_is_safe([(3, 0), (4, 0)], 11)  # together 7
    assert not class_is_safe([(3, 0), (30, 0)], 11)  # the big one's owner learns the 3
    assert class_is_safe([(3, 0), (9, 0), (12, 0)], 11)
    assert class_is_safe([(0, 0), (0, 0)], 11)
    # Two months of one program: its owner knows both, nobody else learns either.
    assert class_is_safe([(3, 0), (30, 0)], 11, owners=["p", "p"])
