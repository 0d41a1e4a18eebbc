from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts.forms import ProgramPasswordResetForm, SignInForm
from accounts.models import User
from accounts.session_timeout import ENDED
from organizations.languages import offered_languages
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
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # Photos the case page showed may be in this browser's cache (config.no_store): a
        # shared computer keeps none of them after sign-out.
        response["Clear-Site-Data"] = '"cache"'
        return response


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


@program_public
@require_POST
def choose_language(request):
    """The language switcher (Django's set_language: a cookie, then back to the page). A
    signed-in person's choice is also kept as their own setting, for their emails too."""
    response = set_language(request)
    code = request.POST.get("language", "")
    offered = [c for c, _name in offered_languages(getattr(request, "program", None))]
    if request.user.is_authenticated and code in offered:
        User.objects.filter(pk=request.user.pk).update(language=code)
    return response


class NameForm(forms.ModelForm):
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        help_text=gettext_lazy("Your pages and emails are written in it."),
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "language"]
        labels = {
            "first_name": gettext_lazy("Name you go by"),
            "last_name": gettext_lazy("Family name (optional)"),
        }
        help_texts = {
            "first_name": gettext_lazy("Colleagues see your name on cases instead of your email.")
        }

    def __init__(self, *args, program=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["language"].choices = offered_languages(program)
        self.fields["language"].required = False
        if not self.instance.language:
            self.initial["language"] = translation.get_language()

    def clean(self):
        data = super().clean()
        for name in ("first_name", "last_name"):
            value = (data.get(name) or "").strip()
            if any(ch in value for ch in "\r\n\t"):
                self.add_error(name, _("Write the name on one line."))
            data[name] = value
        return data


@program_public
@login_required
def your_name(request):
    """Each person sets the name colleagues see in pick-lists, on the timeline and in notices;
    works on the platform site and on every program site."""
    form = NameForm(
        request.POST or None, instance=request.user, program=getattr(request, "program", None)
    )
    if request.method == "POST":
        if form.is_valid():
            form.save()
            translation.activate(request.user.language or translation.get_language())
            messages.success(
                request,
                _("Saved. Colleagues now see you as %(name)s.")
                % {"name": request.user.get_full_name()},
            )
            return redirect("your_name")
        return render(request, "accounts/your_name.html", {"form": form}, status=400)
    return render(request, "accounts/your_name.html", {"form": form})
