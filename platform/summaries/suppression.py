"""Small-cell suppression for the published summaries: primary and complementary.

The figures of one month and one *root* (cases, bans, actions, follow-ups) form a tree of
families. The root family ``total`` has one component (the count); every other family splits
one component of its parent into parts that add up to it (cases by kind, cases with or without
a category, appeals by outcome ...). Each program has a *row* of values per family, and so does
each rollup group (a department, a provider, ...), whose values are the sums over its programs.

Rules, chosen so that whole rows are published or withheld (never part of a row: the rest of
the row would give the missing part away by subtraction from its total):

1. Primary: a row is published only if its parent component is published and every value in it
   is 0 or at least the threshold. Groups with fewer than ``min_programs`` programs are never
   published.
2. Complementary: per family, group the programs whose row is withheld by *signature*, the set
   of published group rows they contribute to. Whatever anyone can derive from the published
   figures about withheld rows (totals minus parts, one rollup minus another, sums over
   overlapping rollups) is a combination of the per-class sums, because every published group
   either contains a whole class or none of it. A class is safe when it has at least two
   programs and, for every component, its sum and its sum minus any single member (a program
   knows its own figures) are 0 or at least the threshold. An unsafe class is fixed by also
   withholding rows of programs with the same signature, or else by withholding the smallest
   group row that distinguishes it, until every class is safe.

Parents are settled before their children, and a withheld parent withholds its children, so a
child family never reveals a parent component (see tests/summaries/test_suppression.py, where a
property-based test attacks the output with exact linear algebra).
"""

from collections import defaultdict
from dataclasses import dataclass, field

TOTAL = "total"


@dataclass(frozen=True)
class Family:
    name: str
    components: tuple
    # (family, component) this family splits; None only for the root total.
    parent: tuple | None = (TOTAL, "n")


def root_family():
    return Family(TOTAL, ("n",), None)


@dataclass
class Release:
    """Which rows are published. Keys: (program, family) and (group, family)."""

    program_rows: dict = field(default_factory=dict)
    group_rows: dict = field(default_factory=dict)
    group_values: dict = field(default_factory=dict)
    groups: dict = field(default_factory=dict)


def _ok(value, threshold):
    return value == 0 or value >= threshold


def _row_ok(values, threshold):
    return all(_ok(v, threshold) for v in values)


def class_is_safe(rows, threshold):
    """Rows (tuples of counts) of the withheld programs sharing one signature."""
    if len(rows) < 2:
        return False
    for sums in zip(*rows, strict=True):
        total = sum(sums)
        if not _ok(total, threshold) or not all(_ok(total - v, threshold) for v in sums):
            return False
    return True


def suppress(*, tree, programs, groups, threshold, min_programs=5):
    """tree: families, parents first. programs: {program: {family: tuple(counts)}}.
    groups: {group: iterable of programs}. Returns a Release."""
    names = [f.name for f in tree]
    assert names[0] == TOTAL and len(set(names)) == len(names)
    index = {f.name: f for f in tree}
    groups = {g: frozenset(m) for g, m in groups.items() if len(set(m)) >= min_programs}
    groups_of = defaultdict(list)
    for g in sorted(groups, key=str):
        for p in groups[g]:
            groups_of[p].append(g)
    release = Release(groups=groups)
    for g, members in groups.items():
        release.group_values[g] = {
            f.name: tuple(
                sum(programs[p][f.name][i] for p in members) for i in range(len(f.components))
            )
            for f in tree
        }

    def parent_published(rows, key, fam, values_of):
        if fam.parent is None:
            return True
        pf, pc = fam.parent
        if not rows[(key, pf)]:
            return False
        parent_value = values_of(key)[pf][index[pf].components.index(pc)]
        assert sum(values_of(key)[fam.name]) == parent_value, (key, fam.name)
        return True

    for fam in tree:
        f = fam.name
        for p in programs:
            release.program_rows[(p, f)] = parent_published(
                release.program_rows, p, fam, programs.__getitem__
            ) and _row_ok(programs[p][f], threshold)
        for g in groups:
            release.group_rows[(g, f)] = parent_published(
                release.group_rows, g, fam, release.group_values.__getitem__
            ) and _row_ok(release.group_values[g][f], threshold)
        _complement(release, programs, groups, groups_of, f, threshold)
    return release


def _complement(release, programs, groups, groups_of, f, threshold):
    published, grp = release.program_rows, release.group_rows
    while True:
        classes = defaultdict(list)
        for p in programs:
            sig = tuple(g for g in groups_of[p] if grp[(g, f)])
            if sig:
                classes[sig].append(p)
        changed = False
        for sig, members in classes.items():
            withheld = [p for p in members if not published[(p, f)]]
            if not withheld or class_is_safe([programs[p][f] for p in withheld], threshold):
                continue
            # Complements: programs of the same signature still published, smallest first,
            # skipping all-zero rows (withholding a known zero protects nothing).
            candidates = sorted(
                (p for p in members if published[(p, f)] and any(programs[p][f])),
                key=lambda p: (sum(programs[p][f]), str(p)),
            )
            chosen = []
            for p in candidates:
                chosen.append(p)
                rows = [programs[q][f] for q in withheld + chosen]
                if class_is_safe(rows, threshold):
                    break
            else:
                chosen = []
            if chosen:
                for p in chosen:
                    published[(p, f)] = False
            else:
                # No complement will do: stop publishing the smallest group row that sets this
                # class apart; the class then merges with others.
                g = min(sig, key=lambda g: (len(groups[g]), str(g)))
                grp[(g, f)] = False
                changed = True
                break  # signatures changed: regroup before judging other classes
            changed = True
        if not changed:
            return
