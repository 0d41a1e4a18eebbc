from django import template

from notifications.services import inbox

register = template.Library()


@register.simple_tag(takes_context=True)
def bell(context, latest=5):
    """{"unread": n, "latest": [...]} for the signed-in member on a program site, else None."""
    request = context.get("request")
    user = getattr(request, "user", None)
    program = getattr(request, "program", None)
    if program is None or not getattr(request, "program_role", None) or not user:
        return None
    items = inbox.unread(user, program)
    return {"unread": items.count(), "latest": list(items[:latest])}
