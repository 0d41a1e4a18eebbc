"""The bell on staff pages, the notification list, marking read, preferences, and the
dead-letter list in the admin."""

import pytest
from django.urls import reverse

from notifications.models import Notification, Preference


@pytest.fixture
def notes(db, world, program_a, program_b):
    staff = world.users["a_staff"]
    mine = [
        Notification.objects.create(
            user=staff, program=program_a, kind="follow_up_due", case_id=7, title=f"Case 7: {n}"
        )
        for n in ("follow-up due", "check-in due")
    ]
    # Someone else's, and another program's: never shown.
    Notification.objects.create(
        user=world.users["a_lead"], program=program_a, kind="follow_up_due", title="Lead only"
    )
    Notification.objects.create(
        user=world.users["b_staff"], program=program_b, kind="follow_up_due", title="Program B"
    )
    return mine


def test_bell_shows_unread_count_and_marking_read_clears_it(notes, client_for, world, program_a):
    client = client_for(program_a, world.users["a_staff"])
    home = client.get("/").content.decode()
    assert 'class="bell-count">2<' in home
    assert "Case 7: follow-up due" in home and "Lead only" not in home
    client.post(reverse("notifications:mark_read", args=[notes[0].pk]))
    page = client.get(reverse("notifications:list")).content.decode()
    assert "1 unread" in page and "Program B" not in page
    client.post(reverse("notifications:mark_all_read"))
    assert "bell-count" not in client.get("/").content.decode()


def test_cannot_mark_someone_elses_notification(notes, client_for, world, program_a):
    client = client_for(program_a, world.users["a_lead"])
    client.post(reverse("notifications:mark_read", args=[notes[0].pk]))
    notes[0].refresh_from_db()
    assert notes[0].read_at is None


def test_preferences_page_saves_choices_and_keeps_overdue_on(client_for, world, program_a, db):
    client = client_for(program_a, world.users["a_staff"])
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'name="follow_up_due"' in page and 'name="response_overdue"' not in page
    assert "Response overdue" in page  # listed as always on
    data = {field: "immediately" for field in ("acknowledgement_due", "response_due")}
    data.update(
        {
            k: "in_app_only"
            for k in (
                "hearing_upcoming",
                "appeal_window_closing",
                "appeal_decision_due",
                "ban_ending",
                "supply_gap",
                "restorative_action_due",
                "follow_up_due",
                "community_check_in",
            )
        }
    )
    data["follow_up_due"] = "daily_digest"
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    assert Preference.objects.get(user=world.users["a_staff"], kind="follow_up_due").delivery == (
        "daily_digest"
    )
    # A missing choice is reported next to the field and nothing is saved half-way.
    del data["ban_ending"]
    data["hearing_upcoming"] = "immediately"
    page = client.post(reverse("notifications:preferences"), data).content.decode()
    assert "Choose how this reminder reaches you." in page
    assert (
        Preference.objects.get(user=world.users["a_staff"], kind="hearing_upcoming").delivery
        == "in_app_only"
    )


def test_dead_letters_are_listed_in_the_admin(db, client_for):
    import dramatiq

    from accounts.models import User
    from config.broker import broker

    admin_user = User.objects.create_superuser(email="root-dlq@example.test", password="x" * 12)
    queue = "test-dead-letters"
    message = dramatiq.Message(
        queue_name=queue,
        actor_name="deliver_reminders_of_programs",
        args=([1, 2],),
        kwargs={},
        options={"schema_name": "prog_a", "traceback": "Traceback\nOperationalError: gone"},
    )
    key = f"{broker.namespace}:{queue}.XQ"
    broker.client.zadd(key, {message.message_id: 1_700_000_000_000})
    broker.client.hset(f"{key}.msgs", message.message_id, message.encode())
    try:
        client = client_for(None, admin_user)
        page = client.get("/admin/notifications/deadletter/").content.decode()
        assert message.message_id in page and "OperationalError: gone" in page
    finally:
        broker.client.delete(key, f"{key}.msgs")


def test_each_notification_leads_to_its_case(db, program_a, world, client_for, in_program):
    """In the list and under the bell, a notification is a link to its case, at the part of
    the case page that needs doing."""
    from notifications.models import Notification

    user = world.users["a_staff"]
    Notification.objects.create(
        user=user, program=program_a, kind="ban_ending", case_id=41, title="Case 41: ban ends"
    )
    Notification.objects.create(user=user, program=program_a, kind="follow_up_due", title="x")
    client = client_for(program_a, user)
    page = client.get("/notifications/").text
    assert '<a href="/cases/41/#bans">Case 41: ban ends</a>' in page
    assert '<a href="/notifications/">x</a>' in page  # no case: stays on the list
    assert 'href="/cases/41/#bans"' in client.get("/").text  # the bell
