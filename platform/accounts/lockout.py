"""What django-axes counts sign-in failures against: the email as typed on the sign-in form
(field "username"), folded to lower case so that changing the case of an address does not
start a fresh count. Without this, axes looks for a field named after USERNAME_FIELD ("email"),
finds none, and every failure is recorded without an account."""


def sign_in_username(request, credentials=None):
    source = credentials if credentials else getattr(request, "POST", {})
    return (source.get("username") or "").strip().lower() or None
