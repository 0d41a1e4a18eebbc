"""Every step is declared once, in workflow/steps, with every part the pages, the API and the
timeline read from there: a step missing a part fails here, not when a page renders."""

import importlib
import inspect
import re
from pathlib import Path

import pytest

from tenants.models import PolicyVersion
from workflow import services
from workflow.errors import NotPermitted, StepNotAllowed
from workflow.states import (
    PARTY,
    POLICY_DECIDERS,
    POLICY_REVIEWERS,
    STAFF,
    State,
    check_step,
    roles_for,
)
from workflow.states import STEPS as MACHINE_STEPS
from workflow.steps import STEPS, TRANSITIONS
from workflow.steps.declaration import declare
from workflow.web.forms import CaseForm

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "platform/templates/workflow/case_detail.html"
CASE_PAGE = ROOT / "workflow/web/case_page.py"
MIGRATIONS = ROOT / "workflow/migrations"
STEP_NAMES = sorted(STEPS)


def test_the_state_machine_checks_each_step_as_declared():
    """check_step answers from the declarations: each step is allowed from exactly its states
    and for exactly its roles (the policy's, for deciding and reviewing appeals)."""
    policy = PolicyVersion()  # the defaults a program starts with
    assert MACHINE_STEPS.keys() == STEPS.keys()
    for name, step in STEPS.items():
        roles = roles_for(step, policy)
        assert roles, name
        states = sorted(step.allowed_from) or [None]
        for role in roles:
            for state in states:
                assert check_step(name, state=state, role=role, policy=policy) is step
        for state in sorted(set(State) - step.allowed_from) if step.allowed_from else []:
            with pytest.raises(StepNotAllowed):
                check_step(name, state=state, role=min(roles), policy=policy)
        for role in sorted((STAFF | PARTY | {"ta_staff"}) - roles):
            with pytest.raises(NotPermitted):
                check_step(name, state=states[0], role=role, policy=policy)


@pytest.mark.parametrize("name", STEP_NAMES)
def test_each_step_has_its_rule_service_and_timeline_words(name):
    step = STEPS[name]
    assert step.name == name
    assert all(isinstance(state, State) for state in step.allowed_from)
    assert step.who in (POLICY_DECIDERS, POLICY_REVIEWERS) or (
        step.who and step.who <= STAFF | PARTY
    )
    assert str(step.timeline).strip(), "the timeline needs words for the step's event"
    assert step.service.__name__ == name, "the service is named as the step"
    assert getattr(services, name, step.service) is step.service
    # Services take keyword-only arguments, the actor (or the party on their own page) first.
    params = inspect.signature(step.service).parameters.values()
    assert all(p.kind is p.KEYWORD_ONLY for p in params)
    assert step.page or step.api or step.elsewhere, "a step is offered somewhere"


@pytest.mark.parametrize("name", [n for n in STEP_NAMES if STEPS[n].page])
def test_each_case_page_step_has_a_form_button_message_and_place(name):
    step = STEPS[name]
    page = step.page
    assert issubclass(page.form, CaseForm)
    assert str(page.button).strip() and str(page.done).strip()
    assert f'id="{page.anchor}"' in TEMPLATE.read_text(), "the anchor is a section of the page"
    # A step the case page reaches before it may be taken says what it waits for.
    if step.allowed_from and State.REPORTED not in step.allowed_from:
        assert page.waiting and str(page.waiting).strip()
    # A case-level step's form has a place on the page: in the template, or one the page
    # hands over by name (workflow/web/case_page.py); an item's form, one the page makes for
    # that item by name. (A step taken through another step's form has no page of its own.)
    if step.item is None:
        assert f"forms.{name}" in TEMPLATE.read_text() or f'"{name}"' in CASE_PAGE.read_text()
    else:
        assert f'"{name}"' in CASE_PAGE.read_text(), "the case page shows the item's form"
    service_args = set(inspect.signature(step.service).parameters)
    assert set(page.field_map) <= service_args


@pytest.mark.parametrize("name", [n for n in STEP_NAMES if STEPS[n].api])
def test_each_api_step_has_a_path_and_an_input_the_service_takes(name):
    step = STEPS[name]
    assert re.fullmatch(r"[a-z-]+", step.api.path)
    service_args = set(inspect.signature(step.service).parameters)
    if step.api.input is not None:
        fields = step.api.input().fields.values()
        assert {field.source for field in fields} <= service_args


@pytest.mark.parametrize("name", [n for n in STEP_NAMES if STEPS[n].item])
def test_a_step_on_an_item_names_the_argument_its_service_takes(name):
    step = STEPS[name]
    assert step.item.kwarg in inspect.signature(step.service).parameters


def test_party_steps_are_offered_only_on_their_own_page():
    for step in STEPS.values():
        if step.who == PARTY:
            assert step.page is None and step.api is None and step.elsewhere


def latest_transitions_migration():
    """The last workflow migration that sets the database's list of allowed state changes."""
    names = sorted(path.stem for path in MIGRATIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))
    modules = [importlib.import_module(f"workflow.migrations.{name}") for name in names]
    return [module for module in modules if hasattr(module, "TRANSITIONS")][-1]


def test_every_state_change_the_database_allows_is_a_declared_step():
    """The database's list of allowed changes (the latest migration that sets it) is exactly
    what the declared steps make: a transition without a step, or a step's transition the
    database refuses, fails here (a new transition comes with a migration;
    tests/workflow/test_database_guards.py tries every pair on the database itself)."""
    allowed = {tuple(pair.split(">")) for pair in latest_transitions_migration().TRANSITIONS}
    assert allowed == set(TRANSITIONS)
    for origin, target in allowed:
        assert any(origin in step.allowed_from and step.to == target for step in STEPS.values()), (
            f"no declared step moves a case from {origin} to {target}"
        )


def test_a_step_declared_twice_is_refused():
    step = STEPS["close_case"]
    with pytest.raises(ValueError, match="declared twice"):
        declare([[step], [step]])
