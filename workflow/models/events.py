"""The case timeline: append-only and hash-linked per case. The database refuses UPDATE and
DELETE on it (trigger in the initial migration); `verify_case_records` re-checks every chain."""

import hashlib
import json
from datetime import UTC

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from workflow.models.fields import user_field

GENESIS_HASH = "0" * 64


def as_json_value(value):
    """What jsonb will give back: plain JSON types only (dates become ISO strings)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def event_hash(*, case_id, seq, at, actor_id, action, before, after, prev_hash):
    content = json.dumps(
        {
            "case": case_id,
            "seq": seq,
            "at": at.astimezone(UTC).isoformat(),
            "actor": actor_id,
            "action": action,
            "before": before,
            "after": after,
            "prev": prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        cls=DjangoJSONEncoder,
    )
    return hashlib.sha256(content.encode()).hexdigest()


class CaseEvent(models.Model):
    case = models.ForeignKey("workflow.Case", on_delete=models.CASCADE, related_name="events")
    seq = models.IntegerField(_("sequence"))
    at = models.DateTimeField(_("when"))
    actor = user_field(_("who"))
    action = models.CharField(_("what"), max_length=40)
    before = models.JSONField(_("before"), default=dict)
    after = models.JSONField(_("after"), default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["case", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="case_event_seq_unique"),
            models.CheckConstraint(condition=Q(seq__gte=0), name="case_event_seq_not_negative"),
        ]

    def __str__(self):
        return f"{self.case_id}#{self.seq} {self.action}"

    def computed_hash(self):
        return event_hash(
            case_id=self.case_id,
            seq=self.seq,
            at=self.at,
            actor_id=self.actor_id,
            action=self.action,
            before=self.before,
            after=self.after,
            prev_hash=self.prev_hash,
        )


def broken_links(events):
    """Given one case's events in order, return [(seq, problem)] for every broken link."""
    problems = []
    expected_prev, expected_seq = GENESIS_HASH, 1
    for event in events:
        if event.seq != expected_seq:
            problems.append((event.seq, f"expected event #{expected_seq}"))
        if event.prev_hash != expected_prev:
            problems.append((event.seq, "does not link to the previous event"))
        if event.computed_hash() != event.hash:
            problems.append((event.seq, "content does not match its hash"))
        expected_prev, expected_seq = event.hash, event.seq + 1
    return problems
