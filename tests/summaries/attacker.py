"""An attacker who knows every published figure of every release, how the figures add up (parts
to totals, atoms to programs, periods and rollups), and, in turn, one program's own true
figures. Exact linear algebra over the rationals (our own Gaussian elimination): anything the
attacker can derive is in the span of what was published."""

from fractions import Fraction
from itertools import combinations

from summaries.suppression import TOTAL


class Span:
    """Row-reduced basis of known linear functionals over the unknowns."""

    def __init__(self):
        self.rows = {}  # pivot -> row (dict unknown -> Fraction), pivot coefficient 1

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


def attack(*, tree, atoms, owner, published_atoms, published_groups, targets, threshold, insider):
    """published_atoms: {(atom, family)}; published_groups: {(frozenset(atoms), family)};
    targets: sets of atoms whose combined count of any component must not be pinned into
    1..threshold-1. Returns what leaked."""
    index = {f.name: f for f in tree}
    span = Span()
    known = {a for a in atoms if owner[a] == insider}
    for a in atoms:
        for fam in tree[1:]:
            pf, pc = fam.parent
            vec = {(a, fam.name, c): 1 for c in fam.components}
            vec[(a, pf, pc)] = -1
            span.add(vec)  # structure: the parts add up to the parent
        for fam in tree:
            if (a, fam.name) in published_atoms or a in known:
                for c in fam.components:
                    span.add({(a, fam.name, c): 1})
    for members, f in published_groups:
        for c in index[f].components:
            span.add({(a, f, c): 1 for a in members})

    def value(a, f, c):
        return atoms[a][f][index[f].components.index(c)]

    leaks = []
    for fam in tree:
        for c in fam.components:
            for target in targets:
                secret = [a for a in target if a not in known]
                total = sum(value(a, fam.name, c) for a in secret)
                if 0 < total < threshold and span.contains({(a, fam.name, c): 1 for a in secret}):
                    leaks.append((fam.name, c, sorted(secret, key=str), total))
        for a in atoms:
            if a in known:
                continue
            # Any set of one atom's components (a total minus its published parts ...).
            for size in range(1, len(fam.components) + 1):
                for comps in combinations(fam.components, size):
                    total = sum(value(a, fam.name, c) for c in comps)
                    if 0 < total < threshold and span.contains(
                        {(a, fam.name, c): 1 for c in comps}
                    ):
                        leaks.append((fam.name, comps, a, total))
    return leaks


def rows_of(tree, cases, classify):
    """Consistent counts of one atom from its cases; classify(case, family) -> component or
    None (the case is not in that family)."""
    row = {f.name: [0] * len(f.components) for f in tree}
    for case in cases:
        for fam in tree:
            comp = "n" if fam.name == TOTAL else classify(case, fam.name)
            if comp is not None:
                row[fam.name][fam.components.index(comp)] += 1
    return {k: tuple(v) for k, v in row.items()}
