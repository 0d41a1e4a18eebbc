"""The one suppression engine every published figure goes through: primary and complementary.

*Atoms* are the smallest cells, one program in one month; every figure is the sum of a set of
atoms: an atom row (one program, one month) or a *group* (a program over a quarter or a year, a
department, a provider, a program type or all programs over a month, a quarter or a year).
Figures form a tree of *families* per root (cases, bans ...): the root family ``total`` has one
component (the count); every other family splits one component of its parent into parts that
add up to it. A figure's values per family form a *row*.

Rules, chosen so that whole rows are published or withheld (never part of a row: the rest of
the row would give the missing part away by subtraction from its total):

1. Primary: a row is published only if its parent component is published and every value in it
   is 0 or at least the threshold.
2. Complementary, audited (up to publish.AUDIT_MAX_PROGRAMS programs, `_Audited`): withhold
   the cheapest published cells (or, when none is left, a group) until exact linear algebra
   over every published row (summaries.audit) can work out no count from 1 to threshold - 1
   of any target: every atom, every program and rollup over every period, even rollups too
   small to offer, any two programs over a period, by anyone or by one of those programs
   knowing its own figures. This publishes crossed groupings (a department's months beside its
   programs' quarters and years; departments beside program types) that the class rule below
   cannot: there every withheld atom is a class of its own.
   Complementary, class rule (the fallback, and beyond AUDIT_MAX_PROGRAMS): per family, group
   the withheld atoms by *signature*, the set of published
   groups they belong to. Whatever anyone can derive from the published figures about withheld
   atoms (totals minus parts, a quarter minus its months, one rollup minus another, sums over
   overlapping rollups and periods) is a combination of the per-class sums, because every
   published group holds a whole class or none of it. A class is safe when it has at least two
   atoms and, for every component, its sum and its sum minus any one program's atoms (a program
   knows its own figures) are 0 or at least the threshold. An unsafe class is fixed by also
   withholding atoms of the same signature, or else by withholding the smallest group that sets
   it apart, until every class is safe.
3. Frozen: rows published (or withheld) by an earlier release are passed in as ``forced`` and
   never change; only new rows are decided. Withholding every new row of a family brings back
   what the earlier release published, which was safe, so a safe answer always exists (the
   audited way gives up, and the class rule decides, when it would have to change a frozen
   row).

Parents are settled before their children, and a withheld parent withholds its children, so a
child family never reveals a parent component (tests/summaries/test_suppression.py attacks the
output of two releases with exact linear algebra).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from summaries.audit import Audit

TOTAL = "total"
SMALL, PROTECTS, PARENT = "small", "protects", "parent"


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
    """Keys: (atom, family) and (group, family) -> True when published. `reasons` gives why a
    row decided in this run is withheld (SMALL, PROTECTS or PARENT)."""

    atom_rows: dict = field(default_factory=dict)
    group_rows: dict = field(default_factory=dict)
    group_values: dict = field(default_factory=dict)
    groups: dict = field(default_factory=dict)
    reasons: dict = field(default_factory=dict)


def _ok(value, threshold):
    return value == 0 or value >= threshold


def _row_ok(values, threshold):
    return all(_ok(v, threshold) for v in values)


def class_is_safe(rows, threshold, owners=None):
    """Rows (tuples of counts) of the withheld atoms sharing one signature; owners[i] is the
    program of rows[i] (each row its own program when not given)."""
    if len(rows) < 2:
        return False
    owners = owners or list(range(len(rows)))
    for i, sums in enumerate(zip(*rows, strict=True)):
        total = sum(sums)
        if not _ok(total, threshold):
            return False
        by_owner = defaultdict(int)
        for owner, row in zip(owners, rows, strict=True):
            by_owner[owner] += row[i]
        if not all(_ok(total - v, threshold) for v in by_owner.values()):
            return False
    return True


def suppress(
    *, tree, atoms, groups, threshold, owner=None, forced=None, targets=None, expendable=()
):
    """tree: families, parents first. atoms: {atom: {family: tuple(counts)}}. groups:
    {group: iterable of atoms}. owner: {atom: program} (default: each atom its own program).
    forced: {(atom or group, family): bool} decided by earlier releases. targets: sets of atoms
    that must never be pinned to a small count (see `_Audited`); without them only the class
    rule is used. expendable: groups the audited way withholds before a program's own cell (the
    finest cross-cut rollups, worth less to a reader than a program's figures). Returns a
    Release."""
    names = [f.name for f in tree]
    assert names[0] == TOTAL and len(set(names)) == len(names)
    owner = owner or {a: a for a in atoms}
    forced = forced or {}
    index = {f.name: f for f in tree}
    groups = {g: frozenset(m) for g, m in groups.items() if m}
    groups_of = defaultdict(list)
    for g in sorted(groups, key=str):
        for a in groups[g]:
            groups_of[a].append(g)
    release = Release(groups=groups)
    plans = None if targets is None else _plans(targets, owner)
    for g, members in groups.items():
        release.group_values[g] = {
            f.name: tuple(
                sum(atoms[a][f.name][i] for a in members) for i in range(len(f.components))
            )
            for f in tree
        }
    group_values = release.group_values

    def decide(rows, key, fam, values):
        if (key, fam.name) in forced:
            rows[(key, fam.name)] = forced[(key, fam.name)]
            return
        reason = None
        if fam.parent is not None:
            pf, pc = fam.parent
            assert sum(values[fam.name]) == values[pf][index[pf].components.index(pc)], (key, fam)
            if not rows[(key, pf)]:
                reason = PARENT
        if reason is None and not _row_ok(values[fam.name], threshold):
            reason = SMALL
        rows[(key, fam.name)] = reason is None
        if reason:
            release.reasons[(key, fam.name)] = reason

    for fam in tree:
        for a in atoms:
            decide(release.atom_rows, a, fam, atoms[a])
        for g in groups:
            decide(release.group_rows, g, fam, group_values[g])
        if plans is not None:
            before = _snapshot(release, fam.name)
            audited = _Audited(release, atoms, owner, groups_of, fam.name, threshold, forced)
            audited.expendable = set(expendable)
            if audited.run(plans):
                continue
            _restore(release, fam.name, before)
        _Complement(release, atoms, owner, groups_of, fam.name, threshold, forced).run()
    return release


def _plans(targets, owner):
    out = []
    for target in targets:
        plan = defaultdict(list)
        for a in target:
            plan[owner[a]].append(a)
        out.append(dict(plan))
    return out


def _snapshot(release, f):
    return [
        {k: v for k, v in rows.items() if k[1] == f}
        for rows in (release.atom_rows, release.group_rows, release.reasons)
    ]


def _restore(release, f, before):
    rows_of = (release.atom_rows, release.group_rows, release.reasons)
    for rows, saved in zip(rows_of, before, strict=True):
        for k in [k for k in rows if k[1] == f]:
            del rows[k]
        rows.update(saved)


# Widening steps before the audited way gives up on a family (then the class rule decides).
AUDIT_STEPS = 40
# Leaks fixed between two audits (each fix is checked again by the next audit).
LEAKS_PER_STEP = 50


class _Audited:
    """Complementary suppression checked by exact linear algebra (summaries.audit) instead of
    the class rule: withhold the cheapest published cells until no target (and no published
    group's withheld part) can be worked out to a small count, by anyone or by a program knowing
    its own figures. Returns False (the caller falls back to the class rule) when that would
    need a row frozen by an earlier release, or too many steps."""

    def __init__(self, release, atoms, owner, groups_of, f, threshold, forced):
        self.release, self.atoms, self.owner = release, atoms, owner
        self.groups_of, self.f, self.threshold, self.forced = groups_of, f, threshold, forced
        self.expendable = set()

    def values(self, a):
        return self.atoms[a][self.f]

    def free(self, key):
        return (key, self.f) not in self.forced

    def withhold(self, rows, key):
        rows[(key, self.f)] = False
        self.release.reasons[(key, self.f)] = PROTECTS

    def part_is_safe(self, part):
        """The withheld part of a published group: its sum is known, to everyone, and to each
        of its programs without its own atoms."""
        for i, sums in enumerate(zip(*(self.values(a) for a in part), strict=True)):
            total = sum(sums)
            if not _ok(total, self.threshold):
                return False
            by_owner = defaultdict(int)
            for a in part:
                by_owner[self.owner[a]] += self.values(a)[i]
            if not all(_ok(total - v, self.threshold) for v in by_owner.values()):
                return False
        return True

    def published_groups(self):
        grp = self.release.group_rows
        return [g for g in self.release.groups if grp[(g, self.f)]]

    def cheapest_atom(self, among):
        shown = self.release.atom_rows
        candidates = [
            a for a in among if shown[(a, self.f)] and self.free(a) and any(self.values(a))
        ]
        return min(candidates, key=lambda a: (sum(self.values(a)), str(a)), default=None)

    def widen(self, atoms_in_question, groups):
        """Withhold the smallest published cell sharing a published group with the atoms in
        question, else the smallest such group. False when neither can be changed."""
        return self.break_derivation(
            [g for g in groups if self.release.groups[g] & atoms_in_question]
        )

    def withhold_expendable(self, groups):
        """An expendable group whose last published cell would have to go otherwise: the group
        goes instead (the program's own figures stay, e.g. the one flagged red)."""
        shown = self.release.atom_rows
        spare = [
            g
            for g in groups
            if g in self.expendable
            and self.free(g)
            and sum(shown[(a, self.f)] and any(self.values(a)) for a in self.release.groups[g]) <= 1
        ]
        if not spare:
            return False
        g = min(spare, key=lambda g: (len(self.release.groups[g]), str(g)))
        self.withhold(self.release.group_rows, g)
        return True

    def settle_parts(self):
        """Every published group's withheld part safe (cheap: no algebra)."""
        f, shown = self.f, self.release.atom_rows
        changed = True
        while changed:
            changed = False
            withheld = {a for a in self.atoms if not shown[(a, f)]}
            for g in self.published_groups():
                part = self.release.groups[g] & withheld
                if part and not self.part_is_safe(part):
                    if not self.widen(part, [g]):
                        return False
                    changed = True
                    withheld = {a for a in self.atoms if not shown[(a, f)]}
        return True

    def run(self, plans):
        """plans: per target, its atoms by program (see `_plans`)."""
        f, shown = self.f, self.release.atom_rows
        # Only ever withholding more, what was safe stays safe: each audit resumes at the first
        # target the previous one found leaking.
        start = 0
        for _step in range(AUDIT_STEPS):
            if not self.settle_parts():
                return False
            withheld = {a for a in self.atoms if not shown[(a, f)]}
            groups = self.published_groups()
            parts = [self.release.groups[g] & withheld for g in groups]
            if not any(parts):
                return True  # no published sum holds a withheld atom: nothing to work out
            audit = Audit(
                withheld,
                [p for p in parts if p],
                self.owner,
                {a: self.values(a) for a in withheld},
                lambda row: _row_ok(row, self.threshold),
            )
            involved = [g for g, p in zip(groups, parts, strict=True) if p]
            touched, fixed = set(), 0
            for index, secret, insider in audit.leaks(plans, start):
                if not fixed:
                    start = index
                if touched & set(secret):
                    continue  # an earlier fix this round may have broken it already
                used = [involved[i] for i in audit.explain(secret, insider)]
                if not self.break_derivation(used):
                    return False
                touched |= set(secret)
                fixed += 1
                if fixed == LEAKS_PER_STEP:
                    break
            if not fixed:
                return True
        return False

    def break_derivation(self, used):
        """A small count was worked out from the published groups `used`: withhold the smallest
        published cell in one of them (the group then no longer tells that sum), else the
        smallest of those groups."""
        if self.withhold_expendable(used):
            return True
        a = self.cheapest_atom(set().union(*(self.release.groups[g] for g in used)))
        if a is not None:
            self.withhold(self.release.atom_rows, a)
            return True
        free = [g for g in used if self.free(g)]
        if not free:
            return False
        g = min(free, key=lambda g: (len(self.release.groups[g]), str(g)))
        self.withhold(self.release.group_rows, g)
        return True


class _Complement:
    def __init__(self, release, atoms, owner, groups_of, f, threshold, forced):
        self.release, self.atoms, self.owner = release, atoms, owner
        self.groups_of, self.f, self.threshold, self.forced = groups_of, f, threshold, forced
        self.sig_of = None  # {atom: signature}, once run() starts
        # Groups of one program's atoms (its quarters and years).
        self.own_groups = {
            g for g, members in release.groups.items() if len({owner[a] for a in members}) == 1
        }

    def withhold(self, rows, key):
        rows[(key, self.f)] = False
        self.release.reasons[(key, self.f)] = PROTECTS
        if rows is self.release.group_rows and self.sig_of is not None:
            for a in self.release.groups[key]:
                self.sig_of[a] = self.signature(a)

    def free(self, key):
        return (key, self.f) not in self.forced

    def signature(self, a):
        grp = self.release.group_rows
        return tuple(g for g in self.groups_of[a] if grp[(g, self.f)])

    def safe(self, members):
        return class_is_safe(
            [self.atoms[a][self.f] for a in members],
            self.threshold,
            [self.owner[a] for a in members],
        )

    def run(self):
        f, shown = self.f, self.release.atom_rows
        gave_up = False
        # Signatures change only for the atoms of a group just withheld: kept up to date.
        self.sig_of = {a: self.signature(a) for a in self.atoms}
        while True:
            classes = defaultdict(list)
            for a, sig in self.sig_of.items():
                if sig:
                    classes[sig].append(a)
            regrouped = False
            for sig, members in classes.items():  # atoms' order: deterministic
                withheld = [a for a in members if not shown[(a, f)]]
                if not withheld or self.safe(withheld):
                    continue
                if gave_up:
                    continue  # only forced rows are left: nothing more can be withheld
                # (a) Complements: atoms of the same signature still published, smallest first,
                # skipping all-zero rows (withholding a known zero protects nothing).
                candidates = sorted(
                    (
                        a
                        for a in members
                        if shown[(a, f)] and self.free(a) and any(self.atoms[a][f])
                    ),
                    key=lambda a: (sum(self.atoms[a][f]), str(a)),
                )
                chosen = []
                for a in candidates:
                    chosen.append(a)
                    if self.safe(withheld + chosen):
                        for c in chosen:
                            self.withhold(shown, c)
                        break
                else:
                    regrouped = self.withhold_a_partner(sig, withheld) or self.withhold_a_group(
                        sig, self.sig_of
                    )
                    if not regrouped:
                        gave_up = self.withhold_everything_new()
                        regrouped = True
                    break  # signatures changed: regroup before judging other classes
            if not regrouped:
                return

    def withhold_a_partner(self, sig, withheld):
        """(a') Other atoms that only new groups set apart from the class: withholding those
        groups (and the atoms, if published) merges them into the class. The cheapest first:
        the fewest atoms covered by the groups given up (single-program quarters before a
        rollup), then the smallest cell; so a few cells are given up rather than a rollup."""
        f, shown = self.f, self.release.atom_rows
        wanted, members = set(sig), set(withheld)
        size = self.release.groups
        candidates = []
        for a, other in self.sig_of.items():
            if a in members or (shown[(a, f)] and not (self.free(a) and any(self.atoms[a][f]))):
                continue
            differ = wanted ^ set(other)
            if not differ or not all(self.free(g) for g in differ):
                continue
            cost = sum(len(size[g]) for g in differ)
            candidates.append((cost, sum(self.atoms[a][f]), str(a), a, differ))
        candidates.sort(key=lambda c: c[:3])
        chosen, apart = [], set()
        for _cost, _value, _name, a, differ in candidates[:50]:
            chosen.append(a)
            apart |= differ
            if self.safe(withheld + chosen):
                for c in chosen:
                    if shown[(c, f)]:
                        self.withhold(shown, c)
                for g in sorted(apart, key=str):
                    self.withhold(self.release.group_rows, g)
                return True
        return False

    def withhold_a_group(self, sig, sig_of):
        """(b) the smallest new group of the signature (the class merges with others); else
        (c) the smallest new group that split this class off an earlier release's class."""
        grp = self.release.group_rows
        size = lambda g: (len(self.release.groups[g]), str(g))  # noqa: E731
        own = [g for g in sig if self.free(g)]
        if own:
            self.withhold(grp, min(own, key=size))
            return True
        splitters = {
            g
            for a, other in sig_of.items()
            if other != sig and tuple(g for g in other if not self.free(g)) == sig
            for g in other
            if self.free(g)
        }
        if splitters:
            self.withhold(grp, min(splitters, key=size))
            return True
        return False

    def withhold_everything_new(self):
        """(d) Last resort: every new row of the family withheld; returns True (gave up)."""
        for rows, keys in (
            (self.release.atom_rows, self.atoms),
            (self.release.group_rows, self.release.groups),
        ):
            for key in keys:
                if rows[(key, self.f)] and self.free(key):
                    self.withhold(rows, key)
        return True
