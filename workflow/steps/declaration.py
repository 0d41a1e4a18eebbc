"""What a step's declaration holds (workflow/steps/__init__.py explains how they are used)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db import models
from django.utils.functional import Promise
from rest_framework import serializers

from workflow.models import (
    Appeal,
    Ban,
    Consent,
    FollowUp,
    Hearing,
    Notice,
    RestorativeAction,
)
from workflow.states import State

Words = str | Promise  # a text, usually gettext_lazy


@dataclass(frozen=True)
class Item:
    """The item of a case a step acts on (a ban, a hearing ...): its model, the keyword its
    service takes it by, where the API finds it (`/api/cases/{id}/<api_prefix>/{item id}/...`)
    and the filter path from it to its case."""

    model: type[models.Model]
    kwarg: str
    api_prefix: str
    case_path: str = "case"


BAN = Item(Ban, "ban", "bans")
NOTICE = Item(Notice, "notice", "notices")
HEARING = Item(Hearing, "hearing", "hearings")
CONSENT = Item(Consent, "consent", "consents")
APPEAL = Item(Appeal, "appeal", "appeals")
ACTION = Item(RestorativeAction, "action", "actions", case_path="plan__case")
FOLLOW_UP = Item(FollowUp, "follow_up", "follow-ups")


@dataclass(frozen=True)
class Page:
    """The step on the staff case page. `form` (a workflow.web.forms.CaseForm) turns what was
    typed into the service's arguments: `form.arguments()`. `waiting` says what the step waits
    for, shown in its place before the case reaches a state the step is allowed from. The case
    template puts each form in a place of its own, in the `anchor` section.
    `field_map` shows a service error about a field the form names otherwise on that field."""

    form: type[forms.Form]
    button: Words
    done: Words
    anchor: str
    waiting: Words | None = None
    field_map: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Api:
    """The step in the API: `POST /api/cases/{id}/<path>/` (after the item's own path when the
    step acts on an item), taking `input` (None: no body); it answers with the whole case, 201
    when `created`. The input's validated data are the service's arguments."""

    input: type[serializers.Serializer[Any]] | None
    path: str
    created: bool = False


@dataclass(frozen=True)
class Step:
    name: str
    allowed_from: frozenset[State]  # empty: taken without a case (it makes one, or none)
    to: State | None  # None: the case stays in its state
    who: frozenset[str] | str  # program roles, or "policy:…" (the policy names the roles)
    service: Callable[..., Any]
    timeline: Words  # what the case's timeline calls the event the step writes
    page: Page | None = None
    api: Api | None = None
    item: Item | None = None
    elsewhere: str = ""  # neither on the case page nor a step endpoint: where it is offered
    # What staff call a step that has no form of its own (one that takes several items at once
    # takes it for each); its errors name it so.
    words: Words | None = None


def declare(parts: Iterable[Iterable[Step]]) -> dict[str, Step]:
    """{name: step} over every part, refusing a name declared twice."""
    found: dict[str, Step] = {}
    for part in parts:
        for step in part:
            if step.name in found:
                raise ValueError(f"The step {step.name!r} is declared twice.")
            found[step.name] = step
    return found
