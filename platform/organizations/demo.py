"""Demo data for `make run`: loaded only into an empty database."""

from django.db import transaction

from accounts.models import Membership, Role, User
from organizations.models import Domain, HealthDepartment, Program, ProgramType, TAProvider
from organizations.services import program_host, provision_program

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105  (printed for newcomers; demo data only)
DEMO_USERS = [
    ("operator@demo.test", Role.PLATFORM_OPERATOR, "platform", "Olu"),
    ("hd-admin@demo.test", Role.HEALTH_DEPARTMENT_ADMIN, "department", "Hana"),
    ("ta@demo.test", Role.TA_STAFF, "provider", "Tomas"),
    ("admin@eastside.demo.test", Role.PROGRAM_ADMIN, "program", "Alex"),
    ("lead@eastside.demo.test", Role.PROGRAM_LEAD, "program", "Lee"),
    ("staff@eastside.demo.test", Role.PROGRAM_STAFF, "program", "Sam"),
]
DEMO_PROGRAM_SLUG = "eastside"


def database_is_empty():
    return not User.objects.exists() and not Program.objects.exists()


def load_demo_data():
    with transaction.atomic():
        provider = TAProvider.objects.create(name="Demo Technical Assistance Collaborative")
        department = HealthDepartment.objects.create(
            name="Demo County Health Department", jurisdiction="Demo County"
        )
        department.providers.add(provider)
        program = Program.objects.create(
            name="Eastside Drop-in",
            slug=DEMO_PROGRAM_SLUG,
            program_type=ProgramType.DROP_IN,
            health_department=department,
        )
        Domain.objects.create(domain=program_host(DEMO_PROGRAM_SLUG), tenant=program)
        scope = {
            "platform": {},
            "department": {"health_department": department},
            "provider": {"provider": provider},
            "program": {"program": program},
        }
        for email, role, kind, name in DEMO_USERS:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                first_name=name,
                is_staff=role == Role.PLATFORM_OPERATOR,
                is_superuser=role == Role.PLATFORM_OPERATOR,
            )
            Membership.objects.create(user=user, role=role, **scope[kind])
    return provision_program(program_id=program.pk)


def demo_program_staff():
    """{"admin", "lead", "staff"}: the demo program's users."""
    return {
        email.split("@")[0]: User.objects.get(email=email)
        for email, _role, kind, _name in DEMO_USERS
        if kind == "program"
    }
