"""What a TA provider or a health-department admin sees first: the demo data of `make run`
publishes department figures, response shares included, and most programs' years; the home of a
health-department admin leads with a period that shows figures, not the latest one withheld."""

from datetime import date, timedelta

from django.utils import timezone


def demo_release(year):
    """The Summary rows (unsaved) the demo's own draws publish for one whole year."""
    from summaries.models import ProgramMonth
    from summaries.publish import release_for_year
    from workflow.summary_demo import made_up_months

    months = [date(year, m, 1) for m in range(1, 13)]
    ids, atoms = {}, []
    for slug, dept, ptype, month, data in made_up_months(months):
        atoms.append(
            ProgramMonth(
                program_id=ids.setdefault(slug, len(ids) + 1),
                month=month,
                computed_at=timezone.now(),
                department_id=dept + 1,
                program_type=str(ptype),
                provider_ids=[1],
                **data,
            )
        )
    return release_for_year(atoms, {}, limit=11, min_programs=5, now=timezone.now())


def test_the_demo_publishes_department_response_shares_and_program_years(db):
    rows = demo_release(timezone.localdate().year - 1)
    departments = [r for r in rows if r.scope == "department"]
    years = [r for r in departments if r.period_kind == "year"]
    assert len(years) == 2
    for row in years:
        assert row.metrics["cases"] > 100
        assert 0 < row.metrics["cases.response.within_window_share"] < 1
        assert row.metrics["cases.acknowledgement.within_window_share"] is not None
    quarters = [r for r in departments if r.period_kind == "quarter"]
    assert all(r.metrics["cases.response.within_window_share"] is not None for r in quarters)
    program_years = [r for r in rows if r.scope == "program" and r.period_kind == "year"]
    assert len(program_years) == 10
    assert all(r.metrics["cases"] is not None for r in program_years)
    shown = [r for r in program_years if r.metrics["follow_ups.status.completion_share"]]
    assert len(shown) >= 8, "most programs' yearly figures publish"
    # The monthly trend of all programs has every point.
    every = [r for r in rows if r.scope == "all" and r.period_kind == "month"]
    assert len(every) == 12
    assert all(r.metrics["cases.response.within_window_share"] is not None for r in every)


def test_the_department_home_leads_with_a_period_that_has_figures(db, world, client_for):
    from summaries.models import Scope, Summary

    d1 = world.departments["d1"]
    latest = (timezone.localdate().replace(day=1) - timedelta(days=100)).replace(day=1)
    latest = latest.replace(month=(latest.month - 1) // 3 * 3 + 1)
    before = (latest - timedelta(days=1)).replace(day=1)
    before = before.replace(month=(before.month - 1) // 3 * 3 + 1)

    def quarter(first):
        return f"{first.year}-Q{(first.month - 1) // 3 + 1}"

    figures = {
        "cases": 140,
        "cases.acknowledgement.within_window_share": 0.95,
        "cases.response.within_window_share": 0.91,
        "cases.harmed_heard.share": 0.85,
        "follow_ups.status.completion_share": 0.8,
    }
    shares = [k for k in figures if k != "cases"]
    for first, metrics, reasons in [
        # The latest quarter: the case count shows, every share is withheld.
        (latest, {"cases": 150, **dict.fromkeys(shares)}, dict.fromkeys(shares, "protects")),
        (before, figures, {}),
    ]:
        Summary.objects.create(
            key=f"department-{d1.pk}.{quarter(first)}",
            scope=Scope.DEPARTMENT,
            period=quarter(first),
            period_kind="quarter",
            month=first,
            department=d1,
            program_count=6,
            metrics=metrics,
            reasons=reasons,
            published_at=timezone.now(),
        )
    home = client_for(None, world.users["hd1"]).get("/").content.decode()
    assert f"Your programs' figures, {quarter(before)}" in home
    assert "91%" in home and ">140<" in home and ">150<" not in home
