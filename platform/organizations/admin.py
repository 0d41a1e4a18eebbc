from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from organizations.errors import OnboardingError
from organizations.models import Domain, HealthDepartment, Invitation, Program, TAProvider
from organizations.retirement import request_retirement


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
    readonly_fields = [
        "schema_name",
        "failure_reason",
        "provisioning_attempts",
        "ready_at",
        "retiring_since",
        "retired_at",
        "archive_path",
    ]
    inlines = [DomainInline]
    actions = ["retire"]

    @admin.action(description=_("Retire: export to an archive, then drop the program's data"))
    def retire(self, request, queryset):
        for program in queryset:
            try:
                request_retirement(actor=request.user, program=program)
            except OnboardingError as exc:
                self.message_user(request, f"{program}: {exc.message}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _(
                        "%(program)s is being retired: a worker exports it to an archive, then "
                        "drops its data. Its status shows when it is done (or why it failed)."
                    )
                    % {"program": program},
                    messages.SUCCESS,
                )

    def get_readonly_fields(self, request, obj=None):
        # The address names the schema: it cannot change once the program exists.
        return [*self.readonly_fields, "slug"] if obj else self.readonly_fields


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "program", "role", "created_at", "expires_at", "accepted_at"]
    readonly_fields = ["token_hash"]
    list_filter = ["program"]
