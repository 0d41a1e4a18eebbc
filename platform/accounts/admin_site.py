"""The Django admin's site, for platform staff only (set as the default site by
accounts.apps.OperatorsAdminConfig, in INSTALLED_APPS in place of django.contrib.admin)."""

from functools import wraps

from django.contrib import admin
from django.http import Http404

from accounts.forms import AdminSignInForm


def _refuse_signed_in_non_staff(view):
    """Anyone signed in but not staff gets the site's 404 from every admin page, the sign-in
    page included, never Django's "you are signed in as ..., but not allowed" page, which would
    name them. Signed-out visitors get the admin's own sign-in page."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_staff:
            raise Http404
        return view(request, *args, **kwargs)

    return guarded


class OperatorsAdminSite(admin.AdminSite):
    login_form = AdminSignInForm

    def has_permission(self, request):
        # Staff reach the admin only past two-factor sign-in (accounts.two_factor requires it of
        # every staff account; this holds even where that middleware is not in the way).
        return super().has_permission(request) and request.user.is_verified()

    def admin_view(self, view, cacheable=False):
        return _refuse_signed_in_non_staff(super().admin_view(view, cacheable))

    def login(self, request, extra_context=None):
        return _refuse_signed_in_non_staff(super().login)(request, extra_context)
