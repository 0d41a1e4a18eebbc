"""What platform staff manage in the admin (its site: accounts.admin_site)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, User
from summaries.services import revoke_tokens_of_ended_ta_memberships, ta_memberships


def tell_revoked(model_admin, request, revoked):
    if revoked:
        model_admin.message_user(
            request,
            f"Revoked {revoked} TA API token(s): a TA staff membership ended or moved, and "
            "tokens made for it stop working. The person can make new ones.",
        )


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["provider", "health_department", "program"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Name", {"fields": ("first_name", "last_name")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = [MembershipInline]
    actions = ["reset_two_factor"]

    def save_related(self, request, form, formsets, change):
        # A TA staff membership removed or moved here revokes the person's TA tokens.
        before = ta_memberships([form.instance.pk])
        super().save_related(request, form, formsets, change)
        tell_revoked(self, request, revoke_tokens_of_ended_ta_memberships(before))

    @admin.action(description="Reset two-factor sign-in (lost phone)")
    def reset_two_factor(self, request, queryset):
        """The only way back in without a code from the old device: an operator's deliberate,
        logged act. The person sets up a new app at their next sign-in."""
        for user in queryset:
            removed, _ = TOTPDevice.objects.filter(user=user).delete()
            self.log_change(
                request, user, f"Reset two-factor sign-in ({removed} device(s) removed)."
            )
        self.message_user(
            request,
            f"Two-factor sign-in reset for {queryset.count()} account(s). "
            "Each sets up a new app at their next sign-in.",
        )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Removing a TA staff membership, or moving it to another provider or role, revokes the
    person's TA tokens (summaries.services). A membership never moves to another person: its
    age is what tokens are measured against (summaries.auth, tenants.api_tokens)."""

    list_display = ["user", "role", "provider", "health_department", "program"]
    list_filter = ["role"]
    autocomplete_fields = ["user", "provider", "health_department", "program"]

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        before = ta_memberships([obj.user_id])
        super().save_model(request, obj, form, change)
        tell_revoked(self, request, revoke_tokens_of_ended_ta_memberships(before))

    def delete_model(self, request, obj):
        before = ta_memberships([obj.user_id])
        super().delete_model(request, obj)
        tell_revoked(self, request, revoke_tokens_of_ended_ta_memberships(before))

    def delete_queryset(self, request, queryset):
        before = ta_memberships(set(queryset.values_list("user_id", flat=True)))
        super().delete_queryset(request, queryset)
        tell_revoked(self, request, revoke_tokens_of_ended_ta_memberships(before))
