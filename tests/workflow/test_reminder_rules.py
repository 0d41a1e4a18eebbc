"""The reminder rules are whole: every kind has one rule, with its words and its place on the
case page, and comes from a deadline the workflow knows."""

from workflow.reminders import POINT_RELATIONS, RULE_BY_KIND, RULES, ReminderKind, case_path


def test_every_kind_has_exactly_one_rule_from_a_known_deadline():
    assert sorted(rule.kind for rule in RULES) == sorted(ReminderKind.values)
    for rule in RULES:
        assert rule.point in POINT_RELATIONS, rule.kind
        assert rule.leads, rule.kind
        title = str(rule.title) % {"case": 12, "when": "1 December 2026, 13:33"}
        assert title.startswith("Case 12: ") and "1 December 2026" in title


def test_a_reminder_leads_to_the_part_of_its_case_that_needs_doing():
    assert case_path(ReminderKind.HEARING_UPCOMING, 7) == "/cases/7/#hearing"
    assert case_path(ReminderKind.RESPONSE_OVERDUE, 7) == "/cases/7/#summary"
    assert case_path(ReminderKind.SUPPLY_GAP, None) == "/notifications/"
    assert RULE_BY_KIND[ReminderKind.ACKNOWLEDGEMENT_OVERDUE].overdue
