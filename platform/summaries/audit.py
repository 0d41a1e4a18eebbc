"""What the published figures of one family let anyone work out about the withheld atoms: exact
linear algebra over the rationals (no floating point).

Published rows are known; a published group tells the sum of its withheld atoms. So what can be
derived about the withheld atoms U is the span D of the vectors 1(G ∩ U) of the published groups
(per component: every component of a family has the same published rows). A set T of withheld
atoms has a known sum exactly when 1(T) lies in D, i.e. when it is orthogonal to every vector of
the null space of those generators. Writing phi(u) for atom u's coordinates in a basis of that
null space, T is pinned exactly when the phi of its atoms add up to zero; a program that knows its
own atoms A pins T (minus A) when that sum lies in the span of phi(A).

This is what makes crossed groupings publishable: a department's month and a program's quarter
may both be shown while a few of the program's months are withheld, as long as the withheld
cells form cycles (two programs by two months, say) whose sums are all safe; grouping atoms by
the set of groups they are in cannot tell that apart from a leak."""

from collections import defaultdict
from math import gcd, lcm


class Span:
    """Row echelon basis of integer vectors ({coordinate: int}), kept fully reduced: exact over
    the rationals (rows are only scaled and combined; each is kept divided by its gcd, so the
    numbers stay small). With `track`, each row also keeps which added vectors it combines
    (coordinates ("via", i)), so `used` tells which of them a vector in the span is made of."""

    def __init__(self, track=False):
        self.rows = {}  # pivot -> row, with a positive value at its pivot and 0 at other pivots
        self.track, self.added = track, 0

    def reduce(self, vec):
        vec = {k: v for k, v in vec.items() if v}
        for pivot in [p for p in vec if p in self.rows]:
            coef = vec.get(pivot)
            if coef:
                row = self.rows[pivot]
                vec = _combine(vec, row[pivot], row, coef)
        return _primitive(vec)

    def add(self, vec):
        if self.track:
            vec = {**vec, ("via", self.added): 1}
            self.added += 1
        vec = self.reduce(vec)
        if not vec or (self.track and all(_is_via(k) for k in vec)):
            return False
        pivot = min((k for k in vec if not _is_via(k)), key=str)
        if vec[pivot] < 0:
            vec = {k: -v for k, v in vec.items()}
        for other, row in self.rows.items():
            c = row.get(pivot)
            if c:
                self.rows[other] = _primitive(_combine(row, vec[pivot], vec, c))
        self.rows[pivot] = vec
        return True

    def contains(self, vec):
        return not self.reduce(vec)

    def used(self, vec):
        """Indexes of the added vectors that make up `vec` (in the span)."""
        left = self.reduce(vec)
        assert all(_is_via(k) for k in left)
        return sorted(k[1] for k in left)


def _combine(vec, scale, row, coef):
    """scale * vec - coef * row (the coordinate `row` pivots on cancels)."""
    out = {k: scale * v for k, v in vec.items()} if scale != 1 else dict(vec)
    for k, v in row.items():
        left = out.get(k, 0) - coef * v
        if left:
            out[k] = left
        else:
            out.pop(k, None)
    return out


def _primitive(vec):
    g = 0
    for v in vec.values():
        g = gcd(g, v)
        if g == 1:
            return vec
    return {k: v // g for k, v in vec.items()} if g > 1 else vec


def _is_via(k):
    return isinstance(k, tuple) and len(k) == 2 and k[0] == "via"


def null_coordinates(unknowns, generators):
    """phi: {u: {free coordinate: int}} for every unknown u: the coordinates of u in a basis
    of the vectors z with sum(z over g) = 0 for every generator g (a set of unknowns)."""
    span = Span()
    for g in generators:
        span.add(dict.fromkeys(g, 1))
    # Each free unknown f gives the null vector z_f = 1, z_p = -row_p[f] / row_p[p] for the
    # pivots p; all scaled by the same common multiple, to stay integers.
    scale = lcm(1, *(row[p] for p, row in span.rows.items()))
    phi = {u: {u: scale} for u in unknowns if u not in span.rows}
    for pivot, row in span.rows.items():
        phi[pivot] = {f: -v * scale // row[pivot] for f, v in row.items() if f != pivot}
    return phi


def _add(total, vec):
    for k, v in vec.items():
        left = total.get(k, 0) + v
        if left:
            total[k] = left
        else:
            total.pop(k, None)


class Audit:
    """One family's published rows against the sets that must never be pinned to a small count.

    withheld: the withheld atoms; generators: the withheld part of every published group; owner:
    {atom: program}; values: {atom: tuple of counts}; ok(row) says whether a row of counts may be
    known (each count 0 or at least the threshold)."""

    def __init__(self, withheld, generators, owner, values, ok):
        self.withheld, self.owner, self.values, self.ok = set(withheld), owner, values, ok
        self.generators = list(generators)
        self.phi = null_coordinates(self.withheld, self.generators)
        self.own = defaultdict(list)
        for a in self.withheld:
            self.own[owner[a]].append(a)
        self._insider_spans, self._supports, self._tracked = {}, {}, {}

    def _insider(self, program):
        if program not in self._insider_spans:
            span = Span()
            for a in self.own[program]:
                span.add(self.phi[a])
            self._insider_spans[program] = span
        return self._insider_spans[program]

    def _row(self, atoms):
        values = self.values
        return tuple(map(sum, zip(*(values[a] for a in atoms), strict=True)))

    def leaks(self, targets, start=0):
        """Yields (index, set of withheld atoms, insider or None) for each target from `start`
        whose counts can be worked out and are not safe to know, by anyone or by a program
        that knows its own atoms (then without them). targets: per target, its atoms grouped
        by program ({program: atoms})."""
        withheld, ok = self.withheld, self.ok
        for index in range(start, len(targets)):
            mine = {}
            for program, atoms in targets[index].items():
                kept = [a for a in atoms if a in withheld]
                if kept:
                    mine[program] = (kept, self._row(kept))
            if not mine:
                continue
            row = tuple(map(sum, zip(*(r for _k, r in mine.values()), strict=True)))
            unsafe = not ok(row)
            # Who could learn something not safe to know: anyone, or a program without its own.
            rests = []
            for program in self.own:
                if program not in mine:
                    if unsafe:
                        rests.append(program)
                elif len(mine) > 1:
                    own = mine[program][1]
                    if not ok(tuple(t - o for t, o in zip(row, own, strict=True))):
                        rests.append(program)
            if not unsafe and not rests:
                continue
            secret = [a for kept, _r in mine.values() for a in kept]
            total = {}
            for a in secret:
                _add(total, self.phi[a])
            if unsafe and not total:
                yield index, secret, None
                continue
            for program in sorted(rests, key=str):
                remaining = dict(total)
                for a in mine[program][0] if program in mine else ():
                    _add(remaining, {k: -v for k, v in self.phi[a].items()})
                # Quick no: the insider's own atoms touch too few coordinates.
                if not remaining.keys() <= self._support(program):
                    continue
                if self._insider(program).contains(remaining):
                    yield index, [a for a in secret if self.owner[a] != program], program
                    break

    def _support(self, program):
        if program not in self._supports:
            self._supports[program] = set().union(*(self.phi[a].keys() for a in self.own[program]))
        return self._supports[program]

    def explain(self, secret, insider):
        """Indexes of the generators whose sums, with the insider's own atoms, give the sum of
        `secret` (one way of working it out)."""
        if insider not in self._tracked:
            mine = {a for a in self.own.get(insider, ())} if insider is not None else set()
            span = Span(track=True)
            for g in self.generators:
                span.add({a: 1 for a in g if a not in mine})
            self._tracked[insider] = span
        return self._tracked[insider].used(dict.fromkeys(secret, 1))
