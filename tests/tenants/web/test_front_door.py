"""The program's front door: a visitor who is not signed in is led to the complaint pages, how
complaints work here and the poster, with the staff sign-in below (issue 15)."""


def test_a_visitor_sees_the_front_door(program_a, public_client):
    page = public_client(program_a).get("/")
    assert page.status_code == 200
    html = page.text
    links = [
        "/complaints/new/",
        "/complaints/status/",
        "/how-complaints-work/",
        "/how-complaints-work/poster/",
        "/accounts/login/",
    ]
    positions = [html.index(f'href="{link}"', html.index("<main")) for link in links]
    assert positions[:2] == sorted(positions[:2]) and positions[-1] == max(positions)
    for words in ("File a complaint", "Check on a complaint", "How complaints work here"):
        assert words in html
    assert "Staff sign-in" in html


def test_staff_still_land_on_today_and_outsiders_get_404(db, program_a, client_for, world):
    member = client_for(program_a, world.users["a_staff"]).get("/")
    assert member.status_code == 200 and "File a complaint" not in member.text
    assert "Today" in member.text
    assert client_for(program_a, world.users["b_admin"]).get("/").status_code == 404
