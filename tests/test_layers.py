"""The layers point one way: platform (config, accounts, organizations, summaries) <- tenants <-
workflow <- notifications. No module imports from a layer above its own, and no project import
hides inside a function unless a `# why:` comment (on its line or just above) says why it must.

Read from the source (the syntax tree), not by importing: an import inside a function that
never runs in the tests is found all the same."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = {
    "config": 0,
    "accounts": 0,
    "organizations": 0,
    "summaries": 0,
    "tenants": 1,
    "workflow": 2,
    "notifications": 3,
}
LAYER_NAMES = ["platform", "tenants", "workflow", "notifications"]
# The composition root names every layer: the URL configurations.
COMPOSITION_ROOT = {"platform/config/urls_program.py", "platform/config/urls_platform.py"}

# Arrows that exist today and are being removed by work in progress (issue 19). A new arrow
# fails; so does an entry here once its import is gone (delete the entry then).
KNOWN_ARROWS: set = set()
KNOWN_HIDDEN = {
    # The summaries' app config loads its OpenAPI extension once the registry is ready.
    ("platform/summaries/apps.py", "summaries"),
}


def layer_of_path(path):
    """The layer of a source file (a path relative to the repository), or None."""
    parts = Path(path).parts
    top = parts[1] if parts[0] == "platform" and len(parts) > 1 else parts[0]
    return LAYERS.get(top)


def project_imports(tree):
    """(line, module, inside a function) for each absolute import of a project module."""
    in_function = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            in_function |= {
                id(inner)
                for inner in ast.walk(node)
                if isinstance(inner, ast.Import | ast.ImportFrom)
            }
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        else:
            continue
        for module in modules:
            if module.split(".")[0] in LAYERS:
                yield node.lineno, module, id(node) in in_function


def has_reason(lines, lineno):
    """A `# why:` comment on the import's line or in the comment lines just above it."""
    if "# why:" in lines[lineno - 1]:
        return True
    index = lineno - 2
    while index >= 0 and lines[index].strip().startswith("#"):
        if "# why:" in lines[index]:
            return True
        index -= 1
    return False


def problems_in(path, source):
    """(kind, path, module, line) for each arrow back up and each unexplained hidden import."""
    layer = layer_of_path(path)
    if layer is None or path in COMPOSITION_ROOT:
        return []
    lines = source.splitlines()
    found = []
    for lineno, module, in_function in project_imports(ast.parse(source)):
        if LAYERS[module.split(".")[0]] > layer:
            found.append(("arrow", path, module, lineno))
        if in_function and not has_reason(lines, lineno):
            found.append(("hidden", path, module, lineno))
    return found


def source_files():
    for root in ("platform", "tenants", "workflow", "notifications"):
        for file in sorted((ROOT / root).rglob("*.py")):
            if "migrations" not in file.parts:
                yield file.relative_to(ROOT).as_posix(), file.read_text()


@pytest.fixture(scope="module")
def problems():
    return [problem for path, source in source_files() for problem in problems_in(path, source)]


def test_no_import_points_back_up(problems):
    arrows = {(path, module): line for kind, path, module, line in problems if kind == "arrow"}
    new = [
        f"{path}:{line} imports {module}, a higher layer than its own "
        f"(order: {' <- '.join(LAYER_NAMES)})"
        for (path, module), line in sorted(arrows.items())
        if (path, module) not in KNOWN_ARROWS
    ]
    assert not new, "\n".join(new)
    gone = KNOWN_ARROWS - set(arrows)
    assert not gone, f"These arrows are gone: delete them from KNOWN_ARROWS: {sorted(gone)}"


def test_no_project_import_hides_in_a_function_without_a_reason(problems):
    hidden = {(path, module): line for kind, path, module, line in problems if kind == "hidden"}
    new = [
        f"{path}:{line} imports {module} inside a function: move it to the top of the module, "
        "or say why it must stay there in a '# why:' comment just above it"
        for (path, module), line in sorted(hidden.items())
        if (path, module) not in KNOWN_HIDDEN
    ]
    assert not new, "\n".join(new)
    gone = KNOWN_HIDDEN - set(hidden)
    assert not gone, f"These imports are gone: delete them from KNOWN_HIDDEN: {sorted(gone)}"


def test_the_check_finds_an_arrow_and_a_hidden_import():
    source = (
        "from notifications.models import Notification\n"
        "from organizations.models import Program\n"
        "\n"
        "def f():\n"
        "    from workflow.models import Case\n"
        "\n"
        "    # why: a reason given\n"
        "    from workflow.models import Ban\n"
        "    import json\n"
    )
    assert problems_in("tenants/example.py", source) == [
        ("arrow", "tenants/example.py", "notifications.models", 1),
        ("arrow", "tenants/example.py", "workflow.models", 5),
        ("hidden", "tenants/example.py", "workflow.models", 5),
        ("arrow", "tenants/example.py", "workflow.models", 8),
    ]
    assert problems_in("platform/config/urls_program.py", source) == []
    assert problems_in("workflow/example.py", source)[0][2] == "notifications.models"
