"""Case-building fixtures shared with the workflow tests."""

from tests.workflow.conftest import advance, in_a, make_case, people, users  # noqa: F401
