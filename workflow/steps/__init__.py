"""Every workflow step, declared once. A step's declaration says when it may be taken (the
states it is allowed from and where it leads), who may take it, the service that does it, what
the timeline calls it, and how people reach it: its case-page form (button, message once done,
what it waits for) and its API input and path. The case page, the API, the timeline and the
state machine (workflow.states) all read it from here; tests/workflow/test_step_declarations.py
fails when a step lacks a part.

Adding a step: declare it in the part below that fits, write its service (one function in
workflow/services), and, if it changes the case's state, a migration that lets the database
make that change (see workflow/migrations/0005_state_transitions.py)."""

from workflow import states
from workflow.steps import decision, intake, investigation, own_page
from workflow.steps.declaration import Api, Item, Page, Step, declare

__all__ = ["STEPS", "TRANSITIONS", "Api", "Item", "Page", "Step"]

STEPS = declare([intake.STEPS, investigation.STEPS, decision.STEPS, own_page.STEPS])
states.use_steps(STEPS)

# Every (from, to) pair a step can make. The database refuses any other change of state
# (workflow/migrations/0005_state_transitions.py; a test keeps the two in step).
TRANSITIONS = frozenset(
    (origin.value, step.to.value)
    for step in STEPS.values()
    if step.to is not None
    for origin in step.allowed_from
    if origin != step.to
)
