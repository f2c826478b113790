"""The "Fees & hours" page and the participant's "Hours" step without a browser: a real SQLite store."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import insert

from klynge.errors import FormProblems
from klynge.model.contribution import today
from klynge.store import schema as s
from klynge.store.records import now
from klynge.widgets.contributions_page import ContributionsPage
from klynge.widgets.contributions_service import ContributionsService, form_values, parse_settings
from klynge.widgets.hours_page import HoursPage
from klynge.widgets.hours_service import HoursService


@pytest.fixture
def db_url(tmp_path):
    """SQLite only: the pages read through the store's API, which the store suite runs on PostgreSQL too."""
    return f"sqlite:///{tmp_path / 'klynge.db'}"


class Sent:
    """Stands in for the browser end of the download widget: keeps what the page sent."""

    def __init__(self):
        self.files = []

    def __call__(self, filename, data, mime="application/octet-stream"):
        self.files.append((filename, data, mime))


def test_the_settings_form_round_trips_and_explains_each_problem():
    values = form_values(parse_settings({"currency": "SEK", "reminder_days": "3", "stopped_weeks": "8",
                                         "fee_bank": "15 000", "rate_workshop": "750,50"}))
    assert values["fee_bank"] == "15000" and values["rate_workshop"] == "750.5" and values["fee_company"] == ""
    with pytest.raises(FormProblems) as caught:
        parse_settings({"reminder_days": "0", "stopped_weeks": "", "fee_bank": "mye", "rate_course": "-5"}, "nb")
    by = caught.value.by_field
    assert by["fee_bank"] == "må være et tall" and by["stopped_weeks"] == "må fylles ut"
    with pytest.raises(FormProblems) as caught:
        parse_settings({"reminder_days": "0", "stopped_weeks": "6", "rate_course": "-5"}, "en")
    assert set(caught.value.by_field) == {"reminder_days", "rate_course"}
    assert caught.value.by_field["reminder_days"] == "must be at least 1"


def test_the_facilitator_marks_fees_sees_a_second_payment_refused_and_downloads(store, cluster):
    who, orgs = cluster["who"], cluster["orgs"]
    page = ContributionsPage(ContributionsService(store, who["facilitator"]))
    page.lang = "en"
    year = today().year
    assert "Fjellguidene" in page._fees.value and "not invoiced" in page._fees.value
    assert "9,900\xa0NOK" in page._fees.value
    page._year.value = year
    page.mark(orgs["fjell"], "paid", date(year, 1, 2))
    assert "marked paid" in page._mark_status.value
    assert store.fee(who["facilitator"], orgs["fjell"], year).status == "paid"
    assert "1 paid (9,900\xa0NOK)" in page._fees.value
    page.mark(orgs["fjell"], "paid", date(year, 1, 3))
    assert f"Fjellguidene: The fee for {year} is already paid, on Jan 2, {year}" in page._mark_status.value
    page.lang = "sv"
    page.mark(orgs["fjell"], "waived", date(year, 1, 3))
    assert "redan betald" in page._mark_status.value
    page.mark(orgs["gard"], "invoiced", today() + timedelta(days=3))
    assert "i framtiden" in page._mark_status.value
    store.log_hours(who["fjell"], _entry(date(2026, 10, 5), "4"))
    page.refresh()
    assert "Fjellguidene" in page._hours.value and "oktober 2026" in page._hours.value
    page._download.send_file = sent = Sent()
    page.lang = "en"
    page.download("xlsx")
    name, data, mime = sent.files[-1]
    assert name.endswith(".xlsx") and mime.endswith("spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames[0] == "Fees" and book["Fees"]["A2"].value == "Fjellguidene"
    assert [r[2] for r in book["Per organisation"].iter_rows(min_row=2, values_only=True)] == [4]
    page.download("fees_csv")
    assert sent.files[-1][1].decode("utf-8-sig").startswith("Organisation,Organisation number,Year")
    assert "is made" in page._files_status.value


def test_settings_saved_on_the_page_change_the_fees_shown(store, cluster):
    page = ContributionsPage(ContributionsService(store, cluster["who"]["facilitator"]))
    page.lang = "nb"
    page.set_values(currency="SEK", fee_company="5000", reminder_days="abc")
    page.save()
    assert "må være et tall" in page._problems["reminder_days"].value
    page.set_values(reminder_days="5")
    page.save()
    assert "Lagret" in page._status.value
    assert store.mobilisation_settings(cluster["who"]["facilitator"]).reminder_days == 5
    assert "5\xa0000\xa0SEK" in page._fees.value  # the fjell, gard and stuga profiles are of kind company


def _entry(day: date, hours: str, activity: str = "workshop"):
    from klynge.model import HoursEntry

    return HoursEntry(day=day, activity=activity, hours=Decimal(hours))


def test_a_participant_logs_hours_sees_the_total_and_problems_beside_the_fields(store, cluster):
    fjell = cluster["who"]["fjell"]
    page = HoursPage(HoursService(store, fjell))
    page.lang = "en"
    assert "not logged any hours" in page._list_status.value
    page.set_values(day=date(2026, 10, 5), activity="course", hours="2,5", note="Vertskapskurs")
    page.log()
    assert "logged" in page._status.value and page._fields["hours"].value == ""
    assert "In all: 2.5 hours" in page._total.value
    page.set_values(day=today() + timedelta(days=1), hours="-3")
    page.log()
    assert "cannot be negative" in page._problems["hours"].value
    assert "in the future" in page._problems["day"].value
    page.set_values(day=date(2026, 10, 5), hours="22")
    page.lang = "nb"
    page.log()
    assert "har allerede 2,5 timer ført; høyst 21,5 til" in page._problems["hours"].value
    page.set_values(hours="mange", day=None)
    page.log()
    assert "skriv timene som et tall" in page._problems["hours"].value
    assert "velg dagen" in page._problems["day"].value
    with store.engine.begin() as c:
        c.execute(insert(s.hours).values(person_id=fjell.person_id, organisation_id=cluster["orgs"]["fjell"],
                                         activity="meeting", day=date(2026, 11, 3), hours=Decimal(3), note="",
                                         source="attendance", created_at=now()))
    page.refresh()
    texts = [row.children[0].value for row in page._list.children]
    assert "fra et arrangement du deltok på" in texts[0] and len(page._list.children[0].children) == 1
    assert "Til sammen: 5,5 timer" in page._total.value
    remove = page._list.children[1].children[1]
    remove.click()
    assert "fjernet" in page._status.value and "Til sammen: 3 timer" in page._total.value
    assert len(store.hours(fjell, removed=True)) == 2
