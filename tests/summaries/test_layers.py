"""The summaries app is ground floor: it reads the aggregates the workflow writes and never
imports a layer above it (tenants, workflow, notifications), not even inside a function."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "platform" / "summaries"
ABOVE = ("tenants", "workflow", "notifications")


@pytest.mark.parametrize("path", sorted(ROOT.rglob("*.py")), ids=lambda p: p.name)
def test_summaries_import_nothing_from_a_layer_above(path):
    tree = ast.parse(path.read_text())
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    assert not [n for n in names if n.split(".")[0] in ABOVE], path
