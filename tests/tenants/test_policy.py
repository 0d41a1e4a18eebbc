"""Program policy: defaults, versions with who and when, limits in the model and database."""

import pytest
from django.db import DatabaseError, IntegrityError, transaction

from tenants.errors import DomainError, NotPermitted
from tenants.models import PolicyVersion
from tenants.policy import change_policy, current_policy
from tenants.services import register_participant


@pytest.fixture
def in_a(db, program_a, in_program):
    with in_program(program_a):
        yield program_a


def test_defaults_follow_the_field_guidance(in_a):
    policy = current_policy()
    assert (
        policy.number,
        policy.response_window_days,
        policy.acknowledgement_window_days,
        policy.max_ban_days,
        policy.appeal_window_days,
    ) == (1, 7, 2, 30, 14)
    assert policy.follow_up_days == [7, 30, 90]
    assert not policy.beyond_recommendation


def test_each_change_is_a_new_version_with_who(in_a, world):
    first = current_policy()
    second = change_policy(
        actor=world.users["a_admin"], appeal_window_days=21, change_note="More time to appeal"
    )
    assert second.number == first.number + 1 and second.created_by == world.users["a_admin"]
    assert current_policy() == second
    first.refresh_from_db()
    assert first.appeal_window_days == 14


def test_only_admins_change_policy(in_a, world):
    with pytest.raises(NotPermitted):
        change_policy(actor=world.users["a_lead"], max_ban_days=10)
    with pytest.raises(NotPermitted):
        change_policy(actor=world.users["b_admin"], max_ban_days=10)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"max_ban_days": 0}, "max_ban_days"),
        ({"max_ban_days": 10_000}, "max_ban_days"),
        ({"acknowledgement_window_days": 9}, "acknowledgement_window_days"),
        ({"appeal_reviewer_roles": ["platform_operator"]}, "appeal_reviewer_roles"),
        ({"ban_days_by_severity": {"severe": 60}}, "ban_days_by_severity"),
        ({"follow_up_days": [30, 7]}, "follow_up_days"),
    ],
)
def test_invalid_policy_is_refused_per_field(in_a, world, changes, field):
    current_policy()
    with pytest.raises(DomainError) as err:
        change_policy(actor=world.users["a_admin"], **changes)
    assert err.value.field == field
    assert PolicyVersion.objects.count() == 1


def test_database_refuses_permanent_ban_setting_and_edits(in_a):
    policy = current_policy()
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyVersion.objects.create(number=99, max_ban_days=10_000)
    with pytest.raises(DatabaseError), transaction.atomic():
        PolicyVersion.objects.filter(pk=policy.pk).update(max_ban_days=5)


def test_participants_are_pseudonymous_and_unique(in_a, world):
    register_participant(actor=world.users["a_staff"], code="R-1", alias="Robin")
    with pytest.raises(DomainError) as err:
        register_participant(actor=world.users["a_staff"], code="r-1")
    assert err.value.field == "code"
    field_names = {f.name for f in PolicyVersion._meta.get_fields()}
    assert "legal_name" not in field_names
