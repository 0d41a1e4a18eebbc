"""The TA API's answers to odd input: a month that is no date is a 400 saying what to give, and
CSV cells that a spreadsheet would run as a formula are written as text (issue 13)."""

import csv
import io

import pytest

from tests.summaries.conftest import last_month


@pytest.fixture
def client(extra_programs, publish_now, token_for, token_client):
    publish_now()
    return token_client(token_for("ta_x"))


@pytest.mark.parametrize("name", ["from", "to"])
@pytest.mark.parametrize("value", ["0000-01", "2025-13", "2025-00", "99999-01", "2025-1"])
def test_a_month_that_is_no_date_is_a_400_that_says_what_to_give(client, name, value):
    response = client.get("/api/ta/summaries/", {name: value})
    assert response.status_code == 400
    assert response.json() == {name: ["Give a month as YYYY-MM, e.g. 2025-03."]}


@pytest.mark.parametrize("value", ["0000-01", "2025-13", "2025-Q5", "2025-Q0", "25", "2025-1"])
def test_a_period_that_is_no_period_is_a_400_that_says_what_to_give(client, value):
    response = client.get("/api/ta/summaries/", {"period": value})
    assert response.status_code == 400
    assert response.json() == {
        "period": [
            "Give a month as YYYY-MM, a quarter as YYYY-QN or a year as YYYY, "
            "e.g. 2025-03, 2025-Q1 or 2025."
        ]
    }


def test_csv_cells_that_start_a_formula_are_escaped(
    extra_programs, publish_now, token_for, token_client
):
    from organizations.models import Program

    names = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)"]
    for program, name in zip(extra_programs["d1"], names, strict=False):
        Program.objects.filter(pk=program.pk).update(name=name)
    publish_now()
    client = token_client(token_for("ta_x"))
    response = client.get("/api/ta/programs/", {"format": "csv", "page_size": 500})
    assert response.status_code == 200, response.content
    cells = {cell for row in csv.reader(io.StringIO(response.content.decode())) for cell in row}
    for name in names:
        assert name not in cells
        assert "'" + name in cells
    month = last_month().strftime("%Y-%m")
    summaries = client.get(
        "/api/ta/summaries/", {"format": "csv", "period": month, "page_size": 500}
    ).content.decode()
    for row in csv.reader(io.StringIO(summaries)):
        assert not any(cell[:1] in ("=", "+", "@") for cell in row), row
