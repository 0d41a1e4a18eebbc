"""Dramatiq's dead-letter queues, read from Redis for the admin.

A message lands there after its last retry (or when refused, e.g. a program job without a
program schema). Dead letters are kept for DEAD_MESSAGE_TTL_MS (config/broker.py)."""

from datetime import UTC, datetime

import dramatiq


def _dead_keys(broker):
    prefix = f"{broker.namespace}:"
    for key in broker.client.scan_iter(match=f"{prefix}*.XQ.msgs", count=500):
        key = key.decode()
        yield key, key[len(prefix) : -len(".XQ.msgs")]


def dead_letters(broker=None, *, limit=200):
    """Newest first: [{id, queue, actor, schema, args, failed_at, error}]."""
    # why: importing the broker sets Dramatiq's global one; the web process does it only
    # when an operator opens the dead letters.
    from config.broker import broker as default_broker

    broker = broker or default_broker
    letters = []
    for key, queue in _dead_keys(broker):
        times = dict(broker.client.zrange(key[: -len(".msgs")], 0, -1, withscores=True))
        for message_id, raw in broker.client.hgetall(key).items():
            message = dramatiq.Message.decode(raw)
            error = message.options.get("traceback") or ""
            letters.append(
                {
                    "id": message.message_id,
                    "queue": queue,
                    "actor": message.actor_name,
                    "schema": message.options.get("schema_name")
                    or ", ".join(message.options.get("schema_names", [])),
                    "args": repr(message.args)[:200],
                    "retries": message.options.get("retries", 0),
                    "failed_at": datetime.fromtimestamp(times.get(message_id, 0) / 1000, UTC),
                    "error": error.strip().splitlines()[-1] if error else "",
                }
            )
    letters.sort(key=lambda letter: letter["failed_at"], reverse=True)
    return letters[:limit]


def requeue(message_id, queue, broker=None):
    """Send a dead letter again (fresh retries) and remove it from the dead-letter queue."""
    # why: importing the broker sets Dramatiq's global one; the web process does it only
    # when an operator opens the dead letters.
    from config.broker import broker as default_broker

    broker = broker or default_broker
    key = f"{broker.namespace}:{queue}.XQ"
    raw = broker.client.hget(f"{key}.msgs", message_id)
    if raw is None:
        return False
    message = dramatiq.Message.decode(raw)
    message.options.pop("retries", None)
    message.options.pop("traceback", None)
    broker.client.hdel(f"{key}.msgs", message_id)
    broker.client.zrem(key, message_id)
    broker.enqueue(message.copy(queue_name=queue.removesuffix(".DQ")))
    return True
