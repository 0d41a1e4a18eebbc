"""factory-boy factories for rows a test only needs to exist: people, and cases as just
reported. Use them inside a program's schema (the `in_a` fixture).

A case made here has no timeline event and no reminders: a test about a step, its rules, its
timeline or its reminders builds the case with the services (`make_case`, `advance`)."""

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from tenants.models import Participant
from tenants.policy import current_policy
from workflow.models import Case, CaseKind, CaseParty, PartyRole, take_case_number


class ParticipantFactory(DjangoModelFactory):
    class Meta:
        model = Participant

    code = factory.Sequence(lambda n: f"F-{n:04d}")
    alias = factory.Sequence(lambda n: f"Person {n}")


class CaseFactory(DjangoModelFactory):
    """A reported case under the policy in force. `reported_by` (a member of the program) must
    be given; the owner is the same person unless given."""

    class Meta:
        model = Case

    id = factory.LazyFunction(take_case_number)
    kind = CaseKind.INCIDENT
    reported_at = factory.LazyFunction(timezone.now)
    occurred_at = factory.LazyAttribute(lambda case: case.reported_at - timedelta(hours=2))
    narrative = "Argument at the supply table turned into shoving."
    categories = factory.LazyFunction(lambda: ["violence"])
    severity = "moderate"
    severity_assessed_at = factory.SelfAttribute("reported_at")
    policy_version = factory.LazyFunction(current_policy)
    acknowledgement_due_at = factory.LazyAttribute(
        lambda case: (
            case.reported_at + timedelta(days=case.policy_version.acknowledgement_window_days)
        )
    )
    response_due_at = factory.LazyAttribute(
        lambda case: case.reported_at + timedelta(days=case.policy_version.response_window_days)
    )
    owner = factory.SelfAttribute("reported_by")


class CasePartyFactory(DjangoModelFactory):
    """A participant in a role on the case given (by default a new person, harmed)."""

    class Meta:
        model = CaseParty

    role = PartyRole.HARMED_PERSON
    participant = factory.SubFactory(ParticipantFactory)
