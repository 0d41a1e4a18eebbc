"""The suppression module against an attacker who knows every published figure, how the figures
add up (parts to totals, programs to rollups), and, in turn, one program's own true figures.
Exact linear algebra over the rationals: anything the attacker can derive is in the span of
what was published."""

from fractions import Fraction
from itertools import combinations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summaries.suppression import TOTAL, Family, class_is_safe, root_family, suppress

TREE = [
    root_family(),
    Family("kind", ("a", "b")),
    Family("sub", ("x", "y", "z"), ("kind", "a")),
    Family("sev", ("l", "m", "h")),
]


def rows_from_cases(cases):
    """Consistent counts for one program from its list of (kind, sub, sev) cases."""
    row = {f.name: [0] * len(f.components) for f in TREE}
    for kind, sub, sev in cases:
        row[TOTAL][0] += 1
        row["kind"][("a", "b").index(kind)] += 1
        if kind == "a":
            row["sub"][("x", "y", "z").index(sub)] += 1
        row["sev"][("l", "m", "h").index(sev)] += 1
    return {k: tuple(v) for k, v in row.items()}


class Span:
    """Row-reduced basis of known linear functionals over the atoms."""

    def __init__(self):
        self.rows = {}  # pivot -> row (dict atom -> Fraction), pivot coefficient 1

    def reduce(self, vec):
        vec = {k: Fraction(v) for k, v in vec.items() if v}
        for pivot, row in self.rows.items():
            coef = vec.get(pivot)
            if coef:
                for k, v in row.items():
                    vec[k] = vec.get(k, 0) - coef * v
                    if not vec[k]:
                        del vec[k]
        return vec

    def add(self, vec):
        vec = self.reduce(vec)
        if not vec:
            return
        pivot = min(vec, key=str)
        coef = vec[pivot]
        vec = {k: v / coef for k, v in vec.items()}
        for row in self.rows.values():
            c = row.get(pivot)
            if c:
                for k, v in vec.items():
                    row[k] = row.get(k, 0) - c * v
                    if not row[k]:
                        del row[k]
        self.rows[pivot] = vec

    def contains(self, vec):
        return not self.reduce(vec)


def attack(programs, release, threshold, insider=None):
    """Every way a count from 1 to threshold-1 could be derived: returns what leaked."""
    span = Span()
    index = {f.name: f for f in TREE}
    for p in programs:
        for fam in TREE[1:]:
            pf, pc = fam.parent
            vec = {(p, fam.name, c): 1 for c in fam.components}
            vec[(p, pf, pc)] = -1
            span.add(vec)  # structure: the parts add up to the parent
        for fam in TREE:
            if release.program_rows[(p, fam.name)] or p == insider:
                for c in fam.components:
                    span.add({(p, fam.name, c): 1})
    for (g, f), shown in release.group_rows.items():
        if shown:
            for c in index[f].components:
                span.add({(p, f, c): 1 for p in release.groups[g]})

    def value(p, f, c):
        return programs[p][f][index[f].components.index(c)]

    leaks = []
    others = [p for p in programs if p != insider]
    for fam in TREE:
        for c in fam.components:
            # Any set of programs' combined count of one component (a rollup, a difference
            # of rollups, a rollup minus published programs ...).
            for size in range(1, min(len(others), 5) + 1):
                for subset in combinations(others, size):
                    total = sum(value(p, fam.name, c) for p in subset)
                    if 0 < total < threshold and span.contains(
                        {(p, fam.name, c): 1 for p in subset}
                    ):
                        leaks.append((fam.name, c, subset, total))
        for p in others:
            # Any set of one program's components (a total minus its published parts ...).
            for size in range(1, len(fam.components) + 1):
                for comps in combinations(fam.components, size):
                    total = sum(value(p, fam.name, c) for c in comps)
                    if 0 < total < threshold and span.contains(
                        {(p, fam.name, c): 1 for c in comps}
                    ):
                        leaks.append((fam.name, comps, p, total))
    return leaks


case = st.tuples(st.sampled_from("ab"), st.sampled_from("xyz"), st.sampled_from("lmh"))


@st.composite
def worlds(draw):
    n = draw(st.integers(min_value=2, max_value=7))
    programs = {
        f"p{i}": rows_from_cases(draw(st.lists(case, max_size=draw(st.sampled_from([4, 12, 30])))))
        for i in range(n)
    }
    names = sorted(programs)
    groups = {
        f"g{i}": set(members)
        for i, members in enumerate(
            draw(st.lists(st.sets(st.sampled_from(names), min_size=1), max_size=5))
        )
    }
    threshold = draw(st.sampled_from([3, 5, 11]))
    min_programs = draw(st.sampled_from([1, 2, 3, 5]))
    return programs, groups, threshold, min_programs


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_no_published_figure_margin_or_difference_reveals_a_small_count(world):
    programs, groups, threshold, min_programs = world
    release = suppress(
        tree=TREE,
        programs=programs,
        groups=groups,
        threshold=threshold,
        min_programs=min_programs,
    )
    # Every published figure is 0 or at least the threshold, and small groups are withheld.
    for (p, f), shown in release.program_rows.items():
        if shown:
            assert all(v == 0 or v >= threshold for v in programs[p][f])
    for (g, f), shown in release.group_rows.items():
        assert len(release.groups[g]) >= min_programs
        if shown:
            assert all(v == 0 or v >= threshold for v in release.group_values[g][f])
    for insider in [None, *programs]:
        assert attack(programs, release, threshold, insider) == [], insider


def test_a_lone_small_program_in_a_rollup_withholds_something():
    big = rows_from_cases([("a", "x", "l")] * 20 + [("b", "x", "m")] * 20)
    small = rows_from_cases([("a", "x", "l")] * 3)
    programs = {"big1": big, "big2": big, "big3": big, "big4": big, "small": small}
    release = suppress(
        tree=TREE,
        programs=programs,
        groups={"all": set(programs)},
        threshold=11,
        min_programs=5,
    )
    assert not release.program_rows[("small", TOTAL)]
    # Either the rollup total is withheld or another program's total is withheld with it.
    withheld = [p for p in programs if not release.program_rows[(p, TOTAL)]]
    assert not release.group_rows[("all", TOTAL)] or len(withheld) >= 2
    assert attack(programs, release, 11) == []


def test_rollups_of_fewer_than_five_programs_are_withheld():
    row = rows_from_cases([("a", "x", "l")] * 30)
    programs = {f"p{i}": row for i in range(4)}
    release = suppress(tree=TREE, programs=programs, groups={"four": set(programs)}, threshold=11)
    assert release.groups == {}
    assert all(release.program_rows.values())


def test_class_safety_needs_two_programs_and_safe_sums_without_any_one_of_them():
    assert not class_is_safe([(12, 0)], 11)
    assert not class_is_safe([(3, 0), (4, 0)], 11)  # together 7
    assert not class_is_safe([(3, 0), (30, 0)], 11)  # the big one's owner learns the 3
    assert class_is_safe([(3, 0), (9, 0), (12, 0)], 11)
    assert class_is_safe([(0, 0), (0, 0)], 11)
