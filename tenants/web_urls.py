"""Program pages besides cases: the public complaint pages (no sign-in), and the program admin's
policy settings and staff pages."""

from django.urls import path

from tenants.web import admin_views, public, public_own_page

urlpatterns = [
    path("complaints/new/", public.file_complaint_page, name="public_file_complaint"),
    path("complaints/filed/", public.complaint_filed, name="public_complaint_filed"),
    path("complaints/status/", public.complaint_status, name="public_complaint_status"),
    path("complaints/mine/", public_own_page.own_page_view, name="public_own_page"),
    path("how-complaints-work/", public.how_it_works, name="public_how_it_works"),
    path("how-complaints-work/poster/", public.poster, name="public_poster"),
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
