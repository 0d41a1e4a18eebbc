"""The public complaint pages of a program's site (no sign-in): file a complaint, check on it,
a party's own page, and how complaints work here."""

from django.urls import path

from workflow.web import public, public_own_page

urlpatterns = [
    path("complaints/new/", public.file_complaint_page, name="public_file_complaint"),
    path("complaints/filed/", public.complaint_filed, name="public_complaint_filed"),
    path("complaints/status/", public.complaint_status, name="public_complaint_status"),
    path("complaints/mine/", public_own_page.own_page_view, name="public_own_page"),
    path("how-complaints-work/", public.how_it_works, name="public_how_it_works"),
    path("how-complaints-work/poster/", public.poster, name="public_poster"),
]
