"""The facilitator's meeting planner without a browser: a real SQLite store, the real estimate and CBC."""

from __future__ import annotations

import pytest

from klynge.errors import MeetingError
from klynge.widgets.meetings_page import MeetingsPage
from klynge.widgets.meetings_service import MeetingsService

from .test_partners import _place


@pytest.fixture
def db_url(tmp_path):
    """SQLite only: the service reads through the store's API, which the store suite runs on PostgreSQL too."""
    return f"sqlite:///{tmp_path / 'klynge.db'}"


@pytest.fixture
def placed(store, system, cluster):
    """Fjellguidene in Oppdal, Gardsbutikken without coordinates (Frøya), Stugbyn far south of Åre."""
    _place(store, system, cluster["orgs"]["fjell"], 62.5946, 9.6911)
    _place(store, system, cluster["orgs"]["stuga"], 62.05, 12.75)  # hours from every centre and venue
    return cluster


def test_the_plan_names_the_venues_who_goes_where_and_who_is_outside_the_hour(store, placed):
    service = MeetingsService(store, placed["who"]["facilitator"])
    plan = service.plan(lang="en")
    assert plan.outside == ("Stugbyn i Åre",)
    assert plan.placed == ("Gardsbutikken",)  # no coordinates: the centre of Frøya stands in
    assert set(plan.chosen) == {"Oppdal", "Sistranda (Frøya)"}
    rows = {r.member: r for r in plan.assignment.itertuples(index=False)}
    assert rows["Fjellguidene"].venue == "Oppdal" and rows["Fjellguidene"].minutes < 1
    assert rows["Stugbyn i Åre"].venue is None and not rows["Stugbyn i Åre"].within
    assert plan.venues.iloc[0]["reached"] <= 2
    data = plan.as_dict()
    assert data["outside"] == ["Stugbyn i Åre"] and len(data["members"]) == 3
    assert plan.png("en").startswith(b"\x89PNG")


def test_a_meeting_of_one_member_is_refused_in_words(store, placed):
    service = MeetingsService(store, placed["who"]["facilitator"])
    with pytest.raises(MeetingError, match="at least two members"):
        service.plan([placed["orgs"]["fjell"]], lang="en")


def test_the_page_plans_and_shows_who_is_outside_the_hour_and_says_why_it_cannot_plan(store, placed):
    page = MeetingsPage(MeetingsService(store, placed["who"]["facilitator"]))
    page.lang = "en"
    assert len(page._members.value) == 3 and page._result.value == ""
    page._plan.click()
    html = page._result.value
    assert "More than 60 minutes from every venue (1)" in html and "Stugbyn i Åre" in html
    assert "data:image/png;base64," in html and "Who goes where" in html
    page.lang = "nb"
    assert "Hvem drar hvor" in page._result.value
    page.choose([placed["orgs"]["fjell"]])
    page._plan.click()
    assert "minst to medlemmer" in page._result.value and "Traceback" not in page._result.value
    assert not page._plan.disabled


def test_a_meeting_no_venue_serves_in_time_is_refused_in_words(store, system, placed):
    orgs = placed["orgs"]
    _place(store, system, orgs["gard"], 62.06, 12.76)  # beside Stugbyn, far from every centre and venue
    page = MeetingsPage(MeetingsService(store, placed["who"]["facilitator"]))
    page.lang = "en"
    page.choose([orgs["gard"], orgs["stuga"]])
    page._limit.value = 10
    page._plan.click()
    assert "no member reaches any venue within 10 minutes" in page._result.value and page.plan_made is None
