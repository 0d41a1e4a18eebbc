"""What platform staff manage in the admin (its site: accounts.admin_site)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, User


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
    list_display = ["user", "role", "provider", "health_department", "program"]
    list_filter = ["role"]
    autocomplete_fields = ["user", "provider", "health_department", "program"]
