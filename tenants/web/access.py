"""Pages only a program admin may use. Non-members never get here (ProgramAccessMiddleware sends
them to sign in, or answers 404); members with another role get a 403 that says why."""

from functools import wraps

from django.shortcuts import render

from accounts.models import Role


def program_admin_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if getattr(request, "program", None) is None:
            return render(request, "404.html", status=404)
        if getattr(request, "program_role", None) != Role.PROGRAM_ADMIN:
            return render(request, "tenants/admins_only.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped
