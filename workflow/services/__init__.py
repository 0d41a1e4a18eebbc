"""Every workflow step, one function each: keyword-only arguments, one transaction, the case
row locked, the state machine checked (workflow/states.py) and a timeline event written."""

from workflow.services.appeals import appeal_window_closes_at, decide_appeal, file_appeal
from workflow.services.closing import (
    close_case,
    complete_follow_up,
    finish_follow_ups,
    resolve_early,
    waive_follow_up,
    withdraw_case,
)
from workflow.services.complaints import file_complaint
from workflow.services.decision import (
    begin_restoration,
    decide_case,
    follow_up_schedule,
    update_action_status,
)
from workflow.services.hearing import (
    cancel_hearing,
    record_consent,
    record_hearing_outcome,
    reschedule_hearing,
    schedule_hearing,
    withdraw_consent,
)
from workflow.services.intake import report_case_with_ban
from workflow.services.investigation import (
    add_statement,
    attach_evidence,
    record_contributing_factors,
    start_investigation,
)
from workflow.services.notices import (
    acknowledge_case,
    record_notice_deliveries,
    record_notice_delivery,
)
from workflow.services.own_page import (
    add_own_statement,
    file_own_appeal,
    give_own_consent,
    give_party_code,
    name_own_supporter,
    read_own_notices,
    withdraw_own_consent,
)
from workflow.services.reporting import (
    add_party,
    assess_severity,
    assign_owner,
    record_low_level_response,
    report_case,
)
from workflow.services.safety import end_ban_early, impose_ban, log_supply_contact

__all__ = [
    "acknowledge_case",
    "add_own_statement",
    "add_party",
    "add_statement",
    "appeal_window_closes_at",
    "assess_severity",
    "assign_owner",
    "attach_evidence",
    "begin_restoration",
    "close_case",
    "complete_follow_up",
    "decide_appeal",
    "decide_case",
    "end_ban_early",
    "file_appeal",
    "file_own_appeal",
    "give_own_consent",
    "give_party_code",
    "name_own_supporter",
    "read_own_notices",
    "withdraw_own_consent",
    "file_complaint",
    "follow_up_schedule",
    "impose_ban",
    "log_supply_contact",
    "record_consent",
    "record_contributing_factors",
    "record_hearing_outcome",
    "reschedule_hearing",
    "cancel_hearing",
    "record_low_level_response",
    "record_notice_delivery",
    "record_notice_deliveries",
    "finish_follow_ups",
    "report_case",
    "report_case_with_ban",
    "resolve_early",
    "schedule_hearing",
    "start_investigation",
    "update_action_status",
    "waive_follow_up",
    "withdraw_case",
    "withdraw_consent",
]
