from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from organizations.errors import OnboardingError
from organizations.lifecycle import restorer
from organizations.models import Domain, HealthDepartment, Invitation, Program, TAProvider
from organizations.retirement import request_retirement
from organizations.services import resume_program, suspend_program


@admin.register(TAProvider)
class TAProviderAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(HealthDepartment)
class HealthDepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "jurisdiction"]
    search_fields = ["name", "jurisdiction"]
    filter_horizontal = ["providers"]


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "program_type", "health_department", "status", "created_at"]
    list_filter = ["status", "program_type", "health_department"]
    search_fields = ["name", "slug"]
    # Status changes only through the actions below and the set-up and retirement jobs.
    readonly_fields = [
        "status",
        "schema_name",
        "failure_reason",
        "provisioning_attempts",
        "ready_at",
        "retiring_since",
        "job_sent_at",
        "retired_at",
        "archive_path",
    ]
    inlines = [DomainInline]
    actions = ["suspend", "resume", "retire", "restore"]

    def _switch(self, request, queryset, service, done):
        for program in queryset:
            try:
                service(actor=request.user, program=program)
            except OnboardingError as exc:
                self.message_user(request, f"{program}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, done % {"program": program}, messages.SUCCESS)

    @admin.action(description=_("Suspend: records stay readable, nothing can change"))
    def suspend(self, request, queryset):
        self._switch(request, queryset, suspend_program, _("%(program)s is suspended."))

    @admin.action(description=_("Resume a suspended program"))
    def resume(self, request, queryset):
        self._switch(request, queryset, resume_program, _("%(program)s accepts changes again."))

    @admin.action(description=_("Retire: export to an archive, then drop the program's data"))
    def retire(self, request, queryset):
        done = _(
            "%(program)s is being retired: a worker exports it to an archive, then drops its "
            "data. Its status shows when it is done (or why it failed)."
        )
        self._switch(request, queryset, request_retirement, done)

    @admin.action(
        description=_(
            "Restore a retired program from its archive, at its old address "
            "(for a new address: manage.py restore_program SLUG --address NEW)"
        )
    )
    def restore(self, request, queryset):
        done = _("%(program)s is back: its archive was verified and restored.")
        self._switch(request, queryset, restorer(), done)

    def get_readonly_fields(self, request, obj=None):
        # The address names the schema: it cannot change once the program exists.
        return [*self.readonly_fields, "slug"] if obj else self.readonly_fields


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "program", "role", "created_at", "expires_at", "accepted_at"]
    readonly_fields = ["token_hash"]
    list_filter = ["program"]
