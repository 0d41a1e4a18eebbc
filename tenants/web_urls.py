"""Program pages besides cases: the program admin's policy settings, staff pages and a
member's own API tokens. (The public complaint pages file cases, so they live with the
workflow: workflow/public_urls.py.)"""

from django.urls import path

from tenants.web import admin_views, token_views

urlpatterns = [
    path("accounts/api-tokens/", token_views.member_tokens, name="member_tokens"),
    path(
        "accounts/api-tokens/<int:token_id>/revoke/",
        token_views.revoke_token,
        name="member_token_revoke",
    ),
    path("settings/policy/", admin_views.policy_settings, name="policy_settings"),
    path("settings/languages/", admin_views.program_languages, name="program_languages"),
    path("settings/staff/", admin_views.staff_list, name="staff_list"),
    path("settings/staff/invite/", admin_views.staff_invite, name="staff_invite"),
    path(
        "settings/staff/<int:membership_id>/role/",
        admin_views.staff_change_role,
        name="staff_change_role",
    ),
    path(
        "settings/staff/<int:membership_id>/remove/",
        admin_views.staff_remove,
        name="staff_remove",
    ),
]
