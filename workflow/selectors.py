"""Read paths that need care. The whole case record lives in workflow.case_record and the
reminder points in workflow.reminders (the one module of reminder rules)."""

# why: workflow/archive.py reads the case record from here; the retirement work, which is
# changing that module, moves the import to workflow.case_record, and this module goes then.
from workflow.case_record import export_case_record

__all__ = ["export_case_record"]
