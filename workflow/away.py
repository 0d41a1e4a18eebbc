"""Who is away, and until when: one welcome-back date per person (the latest end of their
running bans), with the cases behind it and whether supplies are reaching them. Read by Today,
the participant page, the door list and the API; a fixed number of queries for any number of
people."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Case, F, Max, Prefetch, When
from django.db.models.functions import Collate, Greatest, Least
from django.utils import timezone

from workflow.access import hide_party_cases
from workflow.models import Ban, SupplyContact


@dataclass
class Away:
    participant: object
    bans: list = field(default_factory=list)  # running, latest end first

    @property
    def welcome_back(self):
        return max(ban.effective_end for ban in self.bans)

    @property
    def case_ids(self):
        return sorted({ban.case_id for ban in self.bans})

    @property
    def in_effect(self):
        return any(ban.in_effect() for ban in self.bans)

    @property
    def starts(self):
        return min(ban.starts_at for ban in self.bans)

    @property
    def paused(self):
        return all(ban.paused_since is not None for ban in self.bans)

    @property
    def ban(self):
        """The ban whose end is the welcome-back date: its supply plan is the one to follow."""
        return self.bans[0]

    @property
    def supplied_days(self):
        return [c.reached_on for ban in self.bans for c in ban.supply_contacts.all()]

    @property
    def days_without_supplies(self):
        """Since supplies last reached the person under any of their running bans (or since
        they were first kept away)."""
        return (timezone.localdate() - self.last_supplied).days

    @property
    def last_supplied(self):
        first = timezone.localdate(self.starts)
        return max((d for d in self.supplied_days if d >= first), default=first)

    @property
    def recorded(self):
        return self.last_supplied in self.supplied_days

    @property
    def next_supply_due(self):
        return self.last_supplied + timedelta(days=self.supply_every_days)

    @property
    def supply_every_days(self):
        return min(ban.case.policy_version.supply_contact_every_days for ban in self.bans)

    @property
    def supply_gap(self):
        """Days without supplies when that is longer than the policy allows, else 0."""
        if not self.in_effect:
            return 0
        days = self.days_without_supplies
        return days if days > self.supply_every_days else 0


def _with_details(bans):
    """What the pages show of each ban: the person, the policy's supply interval, the log."""
    contacts = SupplyContact.objects.order_by("-reached_on")
    return bans.select_related("participant", "case__policy_version").prefetch_related(
        Prefetch("supply_contacts", queryset=contacts)
    )


# Ban.effective_end in SQL: the end, or the replacement or early end when sooner (never before
# the start). Greatest skips NULLs in PostgreSQL, hence the When: no replacement, no cut.
EFFECTIVE_END = Least(
    F("ends_at"),
    Case(
        When(replaced_at__isnull=False, then=Greatest("replaced_at", "starts_at")),
        default=F("ends_at"),
    ),
    Case(
        When(ended_early_at__isnull=False, then=Greatest("ended_early_at", "starts_at")),
        default=F("ends_at"),
    ),
)


def _chosen(bans, now, in_effect_only, limit):
    """The ids of the people to show, soonest welcome back first, cut in the database: one
    grouped query over the running bans, whatever their number (only `limit` rows come back).
    Codes compare byte by byte ("C"), as Python orders them."""
    if in_effect_only:
        bans = bans.filter(participant__in=bans.in_effect(now).values("participant_id"))
    ranked = (
        bans.order_by()
        .values("participant_id", "participant__code")
        .annotate(welcome_back=Max(EFFECTIVE_END))
        .order_by("welcome_back", Collate("participant__code", "C"), "participant_id")
        .values_list("participant_id", flat=True)
    )
    return list(ranked[:limit] if limit is not None else ranked)


def away(*, participants=None, now=None, in_effect_only=False, user=None, limit=None):
    """[Away] for everyone with a running ban (or only these participants), soonest welcome
    back first. `in_effect_only`: only people kept away right now (the door list). `user`:
    leave out the bans of cases this person is a party to (they do not exist for them).
    `limit`: only the first so many people; they are chosen in the database, and only their
    bans and supply log are read (Today at 1,000 running bans reads 25 people's)."""
    now = now or timezone.now()
    visible = Ban.objects.running(now)
    if user is not None:
        visible = hide_party_cases(visible, user)
    if participants is not None:
        visible = visible.filter(participant__in=participants)
    bans = visible
    if limit is not None or in_effect_only:
        bans = bans.filter(participant__in=_chosen(visible, now, in_effect_only, limit))
    people = {}
    for ban in _with_details(bans):
        people.setdefault(ban.participant_id, Away(ban.participant)).bans.append(ban)
    result = []
    for person in people.values():
        person.bans.sort(key=lambda b: b.effective_end, reverse=True)
        if in_effect_only and not any(ban.in_effect(now) for ban in person.bans):
            continue
        result.append(person)
    return sorted(result, key=lambda p: (p.welcome_back, p.participant.code))


def count_away(*, now=None, user=None):
    """How many people have a running ban (one query), leaving out the bans of cases `user` is a
    party to, as `away` does: Today shows the soonest back and says how many there are."""
    visible = Ban.objects.running(now or timezone.now())
    if user is not None:
        visible = hide_party_cases(visible, user)
    return visible.values("participant").distinct().count()


def supplied_days(participant_ids):
    """{participant id: [days supplies reached them]} under any of their bans, in one query."""
    days = {}
    contacts = SupplyContact.objects.filter(ban__participant__in=participant_ids)
    for participant_id, day in contacts.values_list("ban__participant_id", "reached_on"):
        days.setdefault(participant_id, []).append(day)
    return days


def away_one(participant, now=None, user=None):
    found = away(participants=[participant], now=now, user=user)
    return found[0] if found else None
