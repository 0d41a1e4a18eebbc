"""What a party does for themselves on their own page (reached by their code, without an
account: workflow/web/public_own_page.py). The timeline says they did it there."""

from django.utils.translation import gettext_lazy as _

from workflow.services import own_page
from workflow.states import OPEN_STATES, PARTY, State
from workflow.steps.declaration import Step

OWN_PAGE = "the party's own page"

STEPS = [
    Step(
        "read_own_notices",
        frozenset(State),
        None,
        PARTY,
        own_page.read_own_notices,
        timeline=_("Notices read on their own page"),
        elsewhere=OWN_PAGE,
    ),
    Step(
        "add_own_statement",
        OPEN_STATES,
        None,
        PARTY,
        own_page.add_own_statement,
        timeline=_("Statement added on their own page"),
        elsewhere=OWN_PAGE,
    ),
    Step(
        "name_own_supporter",
        OPEN_STATES,
        None,
        PARTY,
        own_page.name_own_supporter,
        timeline=_("Representative or support person named on their own page"),
        elsewhere=OWN_PAGE,
    ),
    Step(
        "give_own_consent",
        OPEN_STATES,
        None,
        PARTY,
        own_page.give_own_consent,
        timeline=_("Consent given on their own page"),
        elsewhere=OWN_PAGE,
    ),
    Step(
        "withdraw_own_consent",
        frozenset(State),
        None,
        PARTY,
        own_page.withdraw_own_consent,
        timeline=_("Consent withdrawn on their own page"),
        elsewhere=OWN_PAGE,
    ),
    Step(
        "file_own_appeal",
        frozenset({State.DECIDED, State.RESTORING}),
        State.APPEALED,
        PARTY,
        own_page.file_own_appeal,
        timeline=_("Appeal filed on their own page"),
        elsewhere=OWN_PAGE,
    ),
]
