from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from notifications import deadletters
from notifications.models import DeadLetter, Digest, Notification
from workflow.outbox.models import Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["kind", "program", "case_id", "due_at", "state", "attempts", "delivered_at"]
    list_filter = ["state", "kind", "program"]
    date_hierarchy = "due_at"
    readonly_fields = [f.name for f in Reminder._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "program", "created_at", "emailed", "in_digest", "read_at"]
    list_filter = ["program", "kind", "emailed", "in_digest"]
    raw_id_fields = ["user", "reminder", "digest"]
    readonly_fields = ["idempotency_key", "emailed"]


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ["user", "day", "sent_at"]


@admin.register(DeadLetter)
class DeadLetterAdmin(admin.ModelAdmin):
    """Not a table: the list reads Dramatiq's dead-letter queues in Redis."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_urls(self):
        return [
            path(
                "<str:queue>/<str:message_id>/requeue/",
                self.admin_site.admin_view(self.requeue_view),
                name="notifications_deadletter_requeue",
            )
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Dead-lettered jobs"),
            "opts": self.model._meta,
            "letters": deadletters.dead_letters(),
        }
        return TemplateResponse(request, "admin/notifications/deadletter/list.html", context)

    def requeue_view(self, request, queue, message_id):
        if request.method == "POST" and self.has_change_permission(request):
            if deadletters.requeue(message_id, queue):
                messages.success(request, _("Sent again."))
            else:
                messages.warning(request, _("That job is no longer in the dead-letter queue."))
        return redirect("admin:notifications_deadletter_changelist")
