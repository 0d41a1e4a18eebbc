"""Figures from counts: the keys of every figure, and shares and medians derived from published
counts. What is counted comes from the registered catalogue (summaries.catalogue).

Stored counts are keyed, never positional: {root: {family: {component: count}}}. A component
missing from a stored row counts as 0, so a choice added later shifts nothing."""

from summaries import catalogue
from summaries.suppression import TOTAL


def roots():
    return catalogue.current().roots


def labels():
    return catalogue.current().labels


def count_key(root, family, component):
    return root if family == TOTAL else f"{root}.{family}.{component}"


def family_of(root, name):
    return next(f for f in roots()[root] if f.name == name)


def count_keys():
    return [
        count_key(root, fam.name, c)
        for root, tree in roots().items()
        for fam in tree
        for c in fam.components
    ]


def all_keys():
    cat = catalogue.current()
    return count_keys() + [s[0] for s in cat.shares] + [m[0] for m in cat.medians]


def row_of_key():
    """figure key -> (root, family) whose publication decides it."""
    cat = catalogue.current()
    out = {
        count_key(root, fam.name, c): (root, fam.name)
        for root, tree in cat.roots.items()
        for fam in tree
        for c in fam.components
    }
    out.update({key: (root, family) for key, root, family, _n, _d in cat.shares})
    out.update({key: (root, family) for key, _h, root, family in cat.medians})
    return out


def empty_counts():
    return {
        root: {fam.name: dict.fromkeys(fam.components, 0) for fam in tree}
        for root, tree in roots().items()
    }


def as_tuples(counts, root):
    """One program's stored counts for a root as tuples in catalogue order."""
    stored = counts.get(root, {})
    return {
        fam.name: tuple(int(stored.get(fam.name, {}).get(c, 0)) for c in fam.components)
        for fam in roots()[root]
    }


def add_counts(total, counts):
    """Adds keyed counts into `total` (same shape), in place."""
    for root, families in counts.items():
        for family, parts in families.items():
            into = total.setdefault(root, {}).setdefault(family, {})
            for c, n in parts.items():
                into[c] = into.get(c, 0) + n
    return total


def median_of(histogram):
    """Median of values stored as {value (str, days): how many}."""
    items = sorted((float(k), n) for k, n in histogram.items() if n)
    total = sum(n for _, n in items)
    if not total:
        return None
    wanted = [(total - 1) // 2, total // 2]
    found, seen = [], 0
    for value, n in items:
        while len(found) < 2 and wanted[len(found)] < seen + n:
            found.append(value)
        seen += n
    return round((found[0] + found[1]) / 2, 1)


def merge_histograms(histograms):
    merged = {}
    for histogram in histograms:
        for k, n in histogram.items():
            merged[k] = merged.get(k, 0) + n
    return merged


# Why a figure is withheld (stored with the row; the page says it in words).
SMALL = "small"  # a count from 1 to threshold - 1 in this row
PROTECTS = "protects"  # withheld so a small count elsewhere cannot be worked out
PARENT = "parent"  # the count it splits is withheld
FEW_VALUES = "few_values"  # a median of fewer than threshold values


def figures(values, decisions, histograms, threshold):
    """(figures, reasons) of one row: counts of published family rows, shares from them, medians
    of at least `threshold` values; None wherever withheld, with the reason in `reasons`.
    values: {root: {family: tuple}}; decisions: {(root, family): None if published, else a
    reason}."""
    cat = catalogue.current()
    out, why = {}, {}
    for root, tree in cat.roots.items():
        for fam in tree:
            reason = decisions[(root, fam.name)]
            for i, c in enumerate(fam.components):
                key = count_key(root, fam.name, c)
                out[key] = values[root][fam.name][i] if reason is None else None
                if reason:
                    why[key] = reason
    for key, root, family, num, den in cat.shares:
        fam = family_of(root, family)
        row = dict(zip(fam.components, values[root][family], strict=True))
        denominator = sum(row[c] for c in (den or fam.components))
        reason = decisions[(root, family)]
        out[key] = (
            round(sum(row[c] for c in num) / denominator, 3)
            if reason is None and denominator
            else None
        )
        if reason:
            why[key] = reason
    for key, histogram, root, family in cat.medians:
        data = histograms.get(histogram, {})
        reason = decisions[(root, family)] or (
            None if sum(data.values()) >= threshold else FEW_VALUES
        )
        out[key] = median_of(data) if reason is None else None
        if reason:
            why[key] = reason
    return out, why
