"""Background jobs run in the right schema: a real Dramatiq worker, in this process, on the real
Redis broker. A job stamped with program A's schema reads A's data; a program-scoped job without
a program schema is refused into the dead-letter queue and its body never runs."""

import uuid

import dramatiq
import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from config.broker import broker
from organizations.jobs import (
    SCHEMA_OPTION,
    program_actor,
    run_in_each_program,
    send_for_program,
    send_for_programs,
)
from tests.platform.conftest import running_worker

QUEUE = f"test-jobs-{uuid.uuid4().hex[:10]}"
RAN = []


@program_actor(queue_name=QUEUE, max_retries=0)
def count_participants(tag):
    from tenants.models import Participant

    RAN.append((tag, connection.schema_name, Participant.objects.count()))


@dramatiq.actor(queue_name=QUEUE, max_retries=0)
def where_am_i(tag):
    RAN.append((tag, connection.schema_name, None))


@dramatiq.actor(queue_name=QUEUE, max_retries=0)
def count_participants_of_each(work):
    from tenants.models import Participant

    def count(program, tag):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            role = cursor.fetchone()[0]
        RAN.append((tag, connection.schema_name, Participant.objects.count(), role))

    run_in_each_program(work, count)


@pytest.fixture
def jobs(committed, program_a, program_b):
    from tenants.models import Participant

    RAN.clear()
    broker.flush(QUEUE)
    for program, codes in ((program_a, ["A-1", "A-2", "A-3"]), (program_b, ["B-1"])):
        with tenant_context(program):
            Participant.objects.bulk_create([Participant(code=code) for code in codes])
    try:
        yield
    finally:
        for program in (program_a, program_b):
            with tenant_context(program):
                Participant.objects.all().delete()
        broker.flush(QUEUE)  # also drops the queue's dead letters


def _dead_letters():
    """Message ids in the queue's dead-letter set (Redis: <namespace>:<queue>.XQ)."""
    key = f"{broker.namespace}:{QUEUE}.XQ.msgs"
    return {dramatiq.Message.decode(raw).message_id for raw in broker.client.hvals(key)}


def test_job_stamped_with_a_program_schema_reads_that_programs_data(jobs, program_a, program_b):
    with tenant_context(program_a):
        sent_a = count_participants.send("a")
    sent_b = send_for_program(count_participants, program_b.schema_name, "b")
    sent_public = where_am_i.send("plain")
    assert sent_a.options[SCHEMA_OPTION] == program_a.schema_name
    assert sent_b.options[SCHEMA_OPTION] == program_b.schema_name
    assert sent_public.options[SCHEMA_OPTION] == "public"

    with running_worker(QUEUE):
        broker.join(QUEUE, timeout=20_000)

    assert sorted(RAN, key=lambda r: r[0]) == [
        ("a", program_a.schema_name, 3),
        ("b", program_b.schema_name, 1),
        ("plain", "public", None),
    ]
    assert _dead_letters() == set()


def test_program_job_without_a_program_schema_is_refused(jobs, program_a):
    on_public = count_participants.send("public")  # stamped "public" by the middleware
    unknown = send_for_program(count_participants, "no_such_program", "unknown")
    # A producer without the middleware: the message carries no schema at all.
    bare = dramatiq.Message(
        queue_name=QUEUE,
        actor_name=count_participants.actor_name,
        args=("bare",),
        kwargs={},
        options={"redis_message_id": str(uuid.uuid4())},
    )
    broker.do_enqueue(QUEUE, bare.options["redis_message_id"], bare.encode())
    # The worker keeps going after refusing: a valid job afterwards still runs.
    send_for_program(count_participants, program_a.schema_name, "after")

    with running_worker(QUEUE):
        broker.join(QUEUE, timeout=20_000)

    assert [("after", program_a.schema_name, 3)] == RAN
    assert _dead_letters() == {on_public.message_id, unknown.message_id, bare.message_id}


def test_one_message_for_several_programs_runs_each_part_in_its_own_schema(
    jobs, program_a, program_b
):
    from config.dbroles import role_for_schema

    both = send_for_programs(
        count_participants_of_each, {program_a.schema_name: "a", program_b.schema_name: "b"}
    )
    # A part naming no program is never entered (nor is public); the others still run, and the
    # message goes to the dead letters for an operator to see.
    partly_bad = send_for_programs(
        count_participants_of_each,
        {"no_such_program": "unknown", "public": "public", program_b.schema_name: "b again"},
    )

    with running_worker(QUEUE):
        broker.join(QUEUE, timeout=20_000)

    database = connection.settings_dict["NAME"]
    role_a, role_b = (role_for_schema(database, p.schema_name) for p in (program_a, program_b))
    assert sorted(RAN) == [
        ("a", program_a.schema_name, 3, role_a),
        ("b", program_b.schema_name, 1, role_b),
        ("b again", program_b.schema_name, 1, role_b),
    ]
    assert _dead_letters() == {partly_bad.message_id}
    assert both.message_id not in _dead_letters()
    # Operators see which programs the dead message was for.
    from notifications.deadletters import dead_letters

    (letter,) = [d for d in dead_letters(broker) if d["id"] == partly_bad.message_id]
    assert letter["schema"] == ", ".join(
        sorted([program_b.schema_name, "no_such_program", "public"])
    )


def test_an_idle_worker_looks_for_new_messages_at_the_configured_interval(settings):
    """Dramatiq's own default lets an idle worker sleep up to a second before it notices new
    messages; reminders falling due together would wait that long in every worker process."""
    assert settings.DRAMATIQ_IDLE_POLL_MS < 1000
    worker = dramatiq.Worker(broker, queues={QUEUE}, worker_threads=2)  # Dramatiq's default
    worker.start()
    try:
        # The queue's consumer and its delayed messages' consumer.
        assert {consumer.worker_timeout for consumer in worker.consumers.values()} == {
            settings.DRAMATIQ_IDLE_POLL_MS
        }
        assert {thread.timeout for thread in worker.workers} == {
            settings.DRAMATIQ_IDLE_POLL_MS / 1000
        }
    finally:
        worker.stop()
