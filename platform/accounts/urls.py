"""Sign-in, sign-out and password reset: the same on the platform site and every program site."""

from django.urls import path

from accounts import two_factor, views

urlpatterns = [
    path("accounts/two-factor/setup/", two_factor.setup_two_factor, name="otp_setup"),
    path("accounts/two-factor/verify/", two_factor.verify_two_factor, name="otp_verify"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/name/", views.your_name, name="your_name"),
    path("accounts/language/", views.choose_language, name="set_language"),
    path("accounts/logout/", views.SignOutView.as_view(), name="logout"),
    path("accounts/password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
