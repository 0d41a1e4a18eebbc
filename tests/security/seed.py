"""Fill a program with one of everything, every free-text field carrying a unique marker, so a
test can tell whether any byte of that program's data shows up where it must not.

Rows are made through the workflow services (the way the product makes them), then every tenant
model is introspected: a model left without a row, or a text field left without a marker, is
reported (and text fields are topped up with a marker where the table allows updates), so a
model added later is covered without anyone remembering.

The program's id sequences are moved to distinctive numbers first (e.g. 7300001), so its ids are
recognisable in a response body and never collide with the other program's small ids.
"""

import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

SUPPLIES = {"supply_access_plan": "offsite_bags"}


@dataclass
class Seed:
    program: object
    tag: str
    markers: set = field(default_factory=set)
    # model label ("workflow.case") -> list of primary keys (as strings)
    ids: dict = field(default_factory=dict)
    # Other secrets that open something: invitation and password-reset tokens.
    tokens: dict = field(default_factory=dict)
    # path -> markers that path legitimately shows to whoever holds the token in it
    opened_by: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    missing_models: list = field(default_factory=list)
    unmarked_fields: list = field(default_factory=list)
    file_bytes: bytes = b""

    def mark(self, what=""):
        marker = f"mk{self.tag}{secrets.token_hex(5)}{what}"
        self.markers.add(marker)
        return marker

    def first(self, label):
        return self.ids[label][0]

    def needles(self):
        """Strings that must never appear in another program's (or an outsider's) responses.
        Integer ids are matched as whole numbers (see leaks_in)."""
        plain = set(self.markers)
        for pks in self.ids.values():
            plain.update(pk for pk in pks if not pk.isdigit())
        numbers = {pk for pks in self.ids.values() for pk in pks if pk.isdigit()}
        return plain, numbers


def tenant_models():
    tenant_apps = {name.rsplit(".", 1)[-1] for name in settings.TENANT_APPS}
    return [
        m
        for m in apps.get_models()
        if m._meta.app_label in tenant_apps and not m._meta.proxy and m._meta.managed
    ]


def _move_sequences(base):
    """Start every id sequence of the current schema at base + n * 10000 (distinct per table)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() "
            "ORDER BY sequencename"
        )
        names = [row[0] for row in cursor.fetchall()]
        for n, name in enumerate(names):
            cursor.execute(
                "SELECT setval(%s, GREATEST(%s, (SELECT COALESCE(last_value, 0) FROM "
                "pg_sequences WHERE schemaname = current_schema() AND sequencename = %s)))",
                [name, base + n * 10000, name],
            )
        # Case numbers come from the program's counter, not the sequence: move it the same way.
        cursor.execute(
            "UPDATE workflow_casenumber SET last = GREATEST(last, (SELECT last_value FROM "
            "pg_sequences WHERE schemaname = current_schema() AND sequencename = %s))",
            ["workflow_case_id_seq"],
        )


def _extra_members(program, tag):
    from accounts.models import Membership, Role, User

    made = {}
    for key, role in (("lead", Role.PROGRAM_LEAD), ("staff2", Role.PROGRAM_STAFF)):
        user = User.objects.create_user(email=f"{tag}-{key}-{secrets.token_hex(3)}@example.test")
        Membership.objects.create(user=user, role=role, program=program)
        made[key] = user
    return made


def _lifecycle(seed, staff, lead, admin, staff2):
    """One case through every step (with an appeal), another withdrawn, one low-level response,
    a policy change: every tenant table gets rows."""
    from tenants.policy import change_policy
    from tenants.services import register_participant
    from workflow import services
    from workflow.models import Case, PartyRole

    m = seed.mark
    change_policy(actor=admin, change_note=m("policy"), response_window_days=9)
    people = {key: register_participant(actor=staff, code=m(key), alias=m(key)) for key in "rsw"}
    now = timezone.now()
    case = services.report_case(
        actor=staff,
        kind="complaint",
        occurred_at=now - timedelta(hours=3),
        narrative=m("narrative"),
        categories=["theft"],
        severity="moderate",
        location=m("loc"),
        community_agreement=m("agreement"),
        police_called=True,
        emergency_services_reason=m("ems"),
        issue_tracking_code=True,
        parties=[
            {"role": PartyRole.HARMED_PERSON, "participant": people["r"]},
            {"role": PartyRole.COMPLAINANT, "participant": people["r"]},
            {"role": PartyRole.PERSON_WHO_DID_HARM, "participant": people["s"]},
        ],
    )
    harmed = case.parties.get(role=PartyRole.HARMED_PERSON)
    did_harm = case.parties.get(role=PartyRole.PERSON_WHO_DID_HARM)
    services.add_party(
        actor=staff, case=case, role="representative", participant=people["w"], represents=did_harm
    )
    services.assign_owner(actor=lead, case=case, owner=staff)
    ban = services.impose_ban(
        actor=staff,
        case=case,
        participant=people["s"],
        reason=m("ban"),
        days=3,
        supply_access_details=m("supplies"),
        **SUPPLIES,
    )
    services.log_supply_contact(
        actor=staff, ban=ban, reached_on=timezone.localdate(), method="other", note=m("supplied")
    )
    services.end_ban_early(actor=lead, ban=ban, reason=m("early"))
    services.acknowledge_case(actor=staff, case=case)
    notice = case.notices.first()
    services.record_notice_delivery(actor=staff, notice=notice, method="read_aloud")
    services.start_investigation(actor=lead, case=case, investigator=staff2)
    services.add_statement(actor=staff, case=case, content=m("statement"), party=harmed)
    # A photo (a GIF by its first bytes, so it has a preview) whose bytes are still a marker.
    seed.file_bytes = b"GIF89a" + m("file").encode()
    services.attach_evidence(
        actor=staff,
        case=case,
        uploaded_file=SimpleUploadedFile("photo.gif", seed.file_bytes, "image/gif"),
        description=m("evidence"),
    )
    services.record_contributing_factors(
        actor=staff,
        case=case,
        factors=["crowding"],
        other_factor=m("factor"),
        context_notes=m("context"),
    )
    hearing = services.schedule_hearing(
        actor=staff,
        case=case,
        scheduled_for=now - timedelta(hours=1),
        location=m("room"),
        facilitator=staff2,
    )
    consent = services.record_consent(actor=staff, case=case, party=harmed)
    services.record_consent(actor=staff, case=case, party=did_harm)
    services.withdraw_consent(actor=staff, consent=consent, note=m("withdrawn"))
    services.record_hearing_outcome(
        actor=staff, hearing=hearing, harmed_person_heard=True, outcome_notes=m("outcome")
    )
    due = timezone.localdate() + timedelta(days=10)
    services.decide_case(
        actor=lead,
        case=case,
        reasons=m("reasons"),
        summary=m("summary"),
        community_impact=m("impact"),
        actions=[
            {
                "kind": "restitution",
                "owner": staff,
                "due_date": due,
                "for_party": did_harm,
                "restitution_goods": m("goods"),
                "restitution_tracking": m("tracking"),
            },
            {
                "kind": "temporary_ban",
                "owner": staff,
                "due_date": due,
                "for_party": did_harm,
                "ban": {"days": 5, "supply_access_details": m("supplies2"), **SUPPLIES},
            },
        ],
    )
    appeal = services.file_appeal(actor=staff, case=case, party=did_harm, grounds=m("grounds"))
    appeal = case.appeals.first() if not hasattr(appeal, "outcome") else appeal
    services.decide_appeal(
        actor=admin,
        appeal=appeal,
        outcome="upheld",
        reasons=m("appeal"),
        reasons_for_parties="The decision was looked at again.",
    )
    case = Case.objects.get(pk=case.pk)
    if case.state == "decided":
        services.begin_restoration(actor=staff, case=case)
    action = case.plans.order_by("-version").first().actions.first()
    services.update_action_status(actor=staff, action=action, status="done", note=m("note"))
    follow_ups = list(case.follow_ups.order_by("pk"))
    services.waive_follow_up(actor=lead, follow_up=follow_ups[0], reason=m("waive"))
    services.complete_follow_up(actor=staff, follow_up=follow_ups[1], notes=m("done"))

    other = services.report_case(
        actor=staff,
        kind="incident",
        occurred_at=now - timedelta(hours=1),
        narrative=m("narrative2"),
        categories=["threat"],
        severity="low",
        parties=[{"role": PartyRole.HARMED_PERSON, "participant": people["w"]}],
    )
    services.withdraw_case(actor=lead, case=other, reason=m("withdraw"))
    services.record_low_level_response(
        actor=staff,
        what_happened=m("llr"),
        response=m("llr-response"),
        participant=people["s"],
        location=m("door"),
    )
    # The read log and the retention job's record exist in every program.
    from workflow.audit import record_case_read
    from workflow.models import PurgeRecord

    record_case_read(case=other, user=staff)
    PurgeRecord.objects.create(
        retention_days=30, closed_before=now - timedelta(days=30), cases_purged=0, files_purged=0
    )


def _is_text(f):
    return (
        isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and not f.primary_key
        and not isinstance(f, models.FileField)
    )


# Kept as the service wrote them: the type of an evidence file is read from its bytes (no
# one's words), and only a picture's type gives it a preview on the case page.
KEPT_AS_MADE = {"workflow.EvidenceFile.content_type"}


def _top_up_text_fields(seed):
    """Every free-text column of every row must carry a marker: set one where the service left
    the field empty (tables that refuse updates, like the timeline, are left as made)."""
    for model in tenant_models():
        texts = [
            f
            for f in model._meta.concrete_fields
            if _is_text(f) and f"{model._meta.label}.{f.name}" not in KEPT_AS_MADE
        ]
        for row in model.objects.all():
            missing = [f for f in texts if seed.tag not in (getattr(row, f.attname) or "")]
            if not missing:
                continue
            for f in missing:
                value = seed.mark()
                value = value[: f.max_length] if f.max_length else value
                try:
                    with transaction.atomic():
                        model.objects.filter(pk=row.pk).update(**{f.attname: value})
                except DatabaseError:  # append-only tables, fields with a fixed format
                    seed.unmarked_fields.append(f"{model._meta.label}.{f.name}")


def _collect(seed):
    for model in tenant_models():
        pks = [str(pk) for pk in model.objects.values_list("pk", flat=True)]
        if not pks:
            seed.missing_models.append(model._meta.label)
        seed.ids[model._meta.label_lower] = pks
        for f in model._meta.concrete_fields:
            if _is_text(f) or isinstance(f, models.UUIDField):
                for value in model.objects.values_list(f.attname, flat=True):
                    if value and (seed.tag in str(value) or isinstance(f, models.UUIDField)):
                        seed.markers.add(str(value))
    # Hash chains and codes the program made itself are that program's data too.
    from workflow.models import Case, CaseEvent

    codes = [c for c in Case.objects.values_list("tracking_code", flat=True) if c]
    seed.markers.update(codes)
    if codes:  # a public status page by tracking code may be added: fill its parameter
        seed.tokens["tracking_code"] = codes[0]
    seed.markers.update(CaseEvent.objects.values_list("hash", flat=True))


def seed_program(program, users, *, tag, sequence_base=None):
    """users: {"admin": ..., "staff": ...} members of `program`. Returns a Seed."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    seed = Seed(program=program, tag=tag)
    extra = _extra_members(program, tag)
    seed.users = {**users, **extra}
    with tenant_context(program):
        if sequence_base:
            _move_sequences(sequence_base)
        _lifecycle(seed, users["staff"], extra["lead"], users["admin"], extra["staff2"])
        from tenants.models import SetupStep

        SetupStep.objects.get_or_create(name="poster")  # a row of every model, to walk
        from tenants.api_tokens import create_member_token

        _token, seed.tokens["member_token"] = create_member_token(
            actor=users["staff"], name=f"script {tag}", verified=False
        )
        seed.markers.add(seed.tokens["member_token"])
        _top_up_text_fields(seed)
        _collect(seed)
    invitation = _invitation(program, seed)
    seed.tokens["invitation"] = invitation.token
    seed.opened_by[f"/invitations/{invitation.token}/"] = invitation.email
    seed.ids["organizations.program"] = [str(program.pk)]
    seed.ids["organizations.invitation"] = [str(invitation.pk)]
    admin = users["admin"]
    seed.tokens["uidb64"] = urlsafe_base64_encode(force_bytes(admin.pk))
    seed.tokens["reset"] = default_token_generator.make_token(admin)
    seed.markers.add(invitation.token)
    seed.markers.update(u.email for u in seed.users.values())
    return seed


def _invitation(program, seed):
    from organizations.services import invite_program_member

    invitation = invite_program_member(
        actor=seed.users["admin"],
        program=program,
        email=f"{seed.mark('invitee')}@example.test",
        role="program_staff",
    )
    invitation.token = invitation.link.rstrip("/").rsplit("/", 1)[-1]
    return invitation


def leaks_in(text, needles, numbers, *, echoed=""):
    """The needles (and whole-number ids) found in text, leaving out what the request itself
    carried (an echo of the attacker's own input is not a leak)."""
    found = {n for n in needles if n in text and n not in echoed}
    if numbers:
        for match in re.finditer(r"(?<![\w.-])(\d{7,})(?![\w.-])", text):
            if match.group(1) in numbers and match.group(1) not in echoed:
                found.add(match.group(1))
    return found
