from django.conf import settings
from django.contrib.auth import views as auth_views

from accounts.forms import ProgramPasswordResetForm, SignInForm
from accounts.session_timeout import ENDED
from organizations.middleware import program_public
from organizations.services import program_host


@program_public
class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        timed_out = self.request.session.pop(ENDED, False)
        return {**super().get_context_data(**kwargs), "timed_out": timed_out}

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.slowed_down:
            response.status_code = 429
        return response


@program_public
class SignOutView(auth_views.LogoutView):
    pass


@program_public
class PasswordResetView(auth_views.PasswordResetView):
    form_class = ProgramPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "program": getattr(self.request, "program", None)}

    def form_valid(self, form):
        # The link's address comes from settings, never from the request's Host header (which
        # the client writes, port included).
        program = getattr(self.request, "program", None)
        self.extra_email_context = {
            "domain": site_host(program),
            "site_name": site_host(program),
            "protocol": settings.SITE_SCHEME,
        }
        return super().form_valid(form)


def site_host(program):
    """host[:port] of a program's site, or of the platform site, as links in emails give it."""
    host = program_host(program.slug) if program is not None else settings.BASE_DOMAIN
    return f"{host}:{settings.PUBLIC_PORT}" if settings.PUBLIC_PORT else host


@program_public
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


@program_public
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"


@program_public
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
