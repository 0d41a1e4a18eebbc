"""The program's start page is Today (workflow/web/today.py): cases needing action, bans ending
soon, follow-ups and restorative actions due, and the signed-in person's own cases."""

from workflow.web.today import today as home

__all__ = ["home"]
