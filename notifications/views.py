"""Program-site pages: the notification list (the bell's target) and reminder preferences.
Members only (ProgramAccessMiddleware); each person sees only their own notifications."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications.forms import PreferencesForm
from notifications.services import inbox
from workflow.reminders import OVERDUE_KINDS, ReminderKind


def notification_list(request):
    items = inbox.mine(request.user, request.program)[:100]
    return render(
        request,
        "notifications/list.html",
        {"items": items, "unread_count": inbox.unread(request.user, request.program).count()},
    )


@require_POST
def mark_read(request, notification_id=None):
    if notification_id is not None:
        # Only the person's own notification in this program exists here.
        get_object_or_404(inbox.mine(request.user, request.program), pk=notification_id)
    inbox.mark_read(user=request.user, program=request.program, notification_id=notification_id)
    return redirect("notifications:list")


def preferences(request):
    form = PreferencesForm(request.POST or None, initial_choices=inbox.preferences_of(request.user))
    if request.method == "POST" and form.is_valid():
        inbox.set_preferences(user=request.user, choices=form.cleaned_data)
        messages.success(request, _("Your reminder preferences are saved."))
        return redirect("notifications:preferences")
    always = [ReminderKind(kind).label for kind in sorted(OVERDUE_KINDS)]
    return render(request, "notifications/preferences.html", {"form": form, "always": always})
