from django.shortcuts import render

from tenants.models import Participant


def home(request):
    """The program's start page for its members."""
    return render(
        request,
        "tenants/home.html",
        {"participant_count": Participant.objects.count()},
    )
