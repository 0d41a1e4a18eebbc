from accounts.models import Role
from organizations.languages import offered_languages


def current_program(request):
    """The program whose site this is (None on the platform site) and the viewer's role in it."""
    role = getattr(request, "program_role", None)
    return {
        "site_program": getattr(request, "program", None),
        "site_role": role,
        "site_role_label": Role(role).label if role else "",
        # The language switcher's choices (organizations.languages).
        "site_languages": offered_languages(getattr(request, "program", None)),
    }
