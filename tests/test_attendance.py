"""Attendance reports from Zoom and Teams: the recorded samples, and every kind of file that is not quite that."""

from __future__ import annotations

import codecs
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from klynge.attendance import decode, parse_attendance, read_attendance
from klynge.errors import DataError

SAMPLES = Path(__file__).parent / "fixtures" / "attendance"
PEOPLE = {"ingrid@klynge.example": 1, "KARI@fjordhotellet.no": 2, "ola.hansen@lofotenrib.no": 3,
          "ase@bjorkas-gard.no": 4}
HEADER = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest"


def _by_id(report):
    return {a.person_id: a for a in report.matched}


def _zoom(*rows: str, header: str = HEADER) -> bytes:
    return "\r\n".join([header, *rows, ""]).encode("utf-8")


def test_the_zoom_sample_is_matched_by_email_in_any_case():
    report = read_attendance(SAMPLES / "zoom_participants.csv", PEOPLE)
    assert (report.source, report.title, report.rows, report.duplicates) == ("zoom", "Workshop 2: Vinterpakker", 8, 1)
    people = _by_id(report)
    assert sorted(people) == [1, 2, 3, 4]
    kari = people[2]
    assert len(kari.joins) == 2 and kari.first_join == datetime(2026, 12, 3, 9, 58, 12)
    assert kari.last_leave == datetime(2026, 12, 3, 12, 5, 38)
    assert kari.minutes == pytest.approx(43 + 18 / 60 + 78 + 35 / 60)  # two joins, summed
    assert kari.reported_minutes == 44 + 79
    assert people[3].email == "Ola.Hansen@LofotenRIB.no" and len(people[3].joins) == 1  # the repeated row dropped
    assert people[4].name == "Åse Bjørkås (Åse – Bjørkås gård)"
    assert [(a.name, a.email) for a in report.unmatched] == [("iPhone (Per)", ""),
                                                             ("Sven Lindqvist", "sven@fjallbyn.se")]


def test_the_teams_sample_in_utf16_with_its_summary_reads_the_per_join_table():
    data = (SAMPLES / "teams_attendance.csv").read_bytes()
    assert data.startswith(codecs.BOM_UTF16_LE)
    report = read_attendance(data, PEOPLE)
    assert (report.source, report.title, report.rows, report.duplicates) == ("teams", "Workshop 2: Vinterpakker", 8, 0)
    people = _by_id(report)
    assert sorted(people) == [1, 2, 3, 4]
    assert len(people[2].joins) == 2 and people[2].minutes == pytest.approx(121 + 53 / 60)
    assert people[2].reported_minutes == pytest.approx(43 + 18 / 60 + 78 + 35 / 60)
    # Åse joined twice at once (two devices) for ten minutes: they count once
    assert people[4].minutes == pytest.approx(90) and people[4].reported_minutes == pytest.approx(100)
    assert people[1].first_join == datetime(2026, 12, 3, 9, 55, 2)
    unmatched = {a.name: a.email for a in report.unmatched}
    assert unmatched == {"Per Olsen (Guest)": "", "Sven Lindqvist": "sven@fjallbyn.se"}  # his UPN, from table 2


def test_both_samples_agree_on_who_was_there_and_how_long():
    zoom = _by_id(read_attendance(SAMPLES / "zoom_participants.csv", PEOPLE))
    teams = _by_id(read_attendance(SAMPLES / "teams_attendance.csv", PEOPLE))
    assert {i: round(a.minutes, 2) for i, a in zoom.items()} == {i: round(a.minutes, 2) for i, a in teams.items()}


def test_teams_per_person_table_alone_is_read():
    text = ("Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole\r\n"
            "Kari Nordmann\t12/3/26, 9:58:12 AM\t12/3/26, 12:05:38 PM\t2h 7m 26s\t\tkari@fjordhotellet.no"
            "\tAttendee\r\n")
    report = read_attendance(text.encode("utf-16"), PEOPLE)
    [kari] = report.matched
    assert kari.person_id == 2 and kari.reported_minutes == pytest.approx(127 + 26 / 60)


def test_columns_in_another_order_keep_their_meaning():
    data = codecs.BOM_UTF8 + _zoom("12/03/2026 02:30:00 PM,kari@fjordhotellet.no,Kari Nordmann,12/03/2026 01:00:00 PM",
                                   header="Leave Time,Email,Name,Join Time")
    [kari] = read_attendance(data, PEOPLE).matched
    assert kari.first_join == datetime(2026, 12, 3, 13, 0) and kari.last_leave == datetime(2026, 12, 3, 14, 30)
    assert kari.minutes == 90 and kari.reported_minutes is None


def test_utf16_without_a_bom_semicolons_and_day_first_dates():
    text = ("Navn;x\r\nName;E-mail;Join time;Leave time\r\n"
            "Kari;kari@fjordhotellet.no;25/11/2026 09:00;25/11/2026 10:15\r\n")
    report = read_attendance(text.encode("utf-16-le"), PEOPLE)
    [kari] = report.matched
    assert kari.first_join == datetime(2026, 11, 25, 9, 0) and kari.minutes == 75


@pytest.mark.parametrize("day_first,expected", [(None, datetime(2026, 3, 12, 9)), (True, datetime(2026, 12, 3, 9))])
def test_dates_that_read_both_ways_are_month_first_unless_told(day_first, expected):
    data = _zoom("Kari,kari@fjordhotellet.no,03/12/2026 09:00,03/12/2026 10:00,60,No")
    [kari] = read_attendance(data, PEOPLE, day_first=day_first).matched
    assert kari.first_join == expected


@pytest.mark.parametrize("join,leave,expected", [
    ("2026-12-03 09:00:00", "2026-12-03T10:30:00Z", datetime(2026, 12, 3, 9)),
    ("03.12.2026 09:00", "03.12.2026 10:30", datetime(2026, 12, 3, 9)),
    ("12/3/26, 12:00:00 AM", "12/3/26, 1:30:00 AM", datetime(2026, 12, 3, 0)),
    ("12/3/26, 12:15:00 PM", "12/3/26, 1:45:00 PM", datetime(2026, 12, 3, 12, 15)),
])
def test_the_time_formats_zoom_teams_and_spreadsheets_write(join, leave, expected):
    [kari] = read_attendance(_zoom(f'Kari,kari@fjordhotellet.no,"{join}","{leave}",90,No'), PEOPLE).matched
    assert kari.first_join == expected and kari.minutes == 90


def test_windows_1252_is_read_when_the_file_is_not_utf8():
    data = "Name,Email,Join Time,Leave Time\r\nÅse Bjørkås,ase@bjorkas-gard.no,2026-12-03 10:00,2026-12-03 11:00\r\n"
    [ase] = read_attendance(data.encode("cp1252"), PEOPLE).matched
    assert ase.name == "Åse Bjørkås"


@pytest.mark.parametrize("data", [codecs.BOM_UTF16_LE + "Åse Bjørkås;☃".encode("utf-16-le"),
                                  codecs.BOM_UTF16_BE + "Åse Bjørkås;☃".encode("utf-16-be"),
                                  codecs.BOM_UTF8 + "Åse Bjørkås;☃".encode(), "Åse Bjørkås;☃".encode(),
                                  "Åse Bjørkås;☃".encode("utf-16-le")])
def test_decode_reads_each_encoding_the_tools_write_without_its_byte_order_mark(data):
    assert decode(data) == "Åse Bjørkås;☃"


def test_decode_falls_back_to_windows_1252_and_never_fails():
    assert decode("Åse Bjørkås – 5 €".encode("cp1252")) == "Åse Bjørkås – 5 €"
    assert decode(codecs.BOM_UTF8 + b"Kari \xe5") == "Kari \ufffd"  # after a UTF-8 mark, a stray byte is replaced
    assert decode(b"") == ""


def test_repeated_rows_count_once_and_are_reported():
    row = "Kari,kari@fjordhotellet.no,12/03/2026 09:00:00 AM,12/03/2026 10:00:00 AM,60,No"
    report = read_attendance(_zoom(row, row, row.replace("KARI", "kari"), row.replace("kari@", "KARI@")), PEOPLE)
    [kari] = report.matched
    assert (report.rows, report.duplicates, len(kari.joins), kari.minutes) == (4, 3, 1, 60)


def test_people_who_are_not_members_are_listed_unmatched_with_what_the_file_says():
    report = read_attendance(_zoom("Guest,guest@elsewhere.example,12/03/2026 09:00:00 AM,12/03/2026 09:30:00 AM,30,Yes",
                                   "Phone,,12/03/2026 09:00:00 AM,12/03/2026 09:10:00 AM,10,Yes"), PEOPLE)
    assert report.matched == []
    assert [(a.name, a.email, a.minutes, a.person_id) for a in report.unmatched] == [
        ("Guest", "guest@elsewhere.example", 30, None), ("Phone", "", 10, None)]


def test_no_people_known_leaves_everyone_unmatched():
    report = read_attendance(SAMPLES / "zoom_participants.csv", {})
    assert report.matched == [] and len(report.unmatched) == 6


@pytest.mark.parametrize("data,names", [
    (b"", "is empty"),
    (b"   \r\n\r\n", "is empty"),
    (b"PK\x03\x04\x14\x00rest of a zip", "Excel"),
    (b"Organisation,Number,Municipality\r\nFjordhotellet,912345678,Lofoten\r\n", "'Organisation,Number,Municipality'"),
    (b"Name,Email,Join Time\r\nKari,kari@x.no,2026-12-03 09:00\r\n", "Leave Time"),
    (b"\x00\x01\x02\x03binary\xff\xfe", "not an attendance report"),
])
def test_a_file_of_another_kind_says_what_was_expected(data, names, tmp_path):
    path = tmp_path / "report.csv"
    path.write_bytes(data)
    with pytest.raises(DataError) as caught:
        read_attendance(path, PEOPLE)
    assert names in str(caught.value)
    assert "report.csv" in str(caught.value)
    if "empty" not in names and "Excel" not in names:
        assert "Join Time" in str(caught.value) and "Teams" in str(caught.value)


@pytest.mark.parametrize("join,leave,names", [
    ("yesterday", "12/03/2026 10:00:00 AM", "line 2: the join time 'yesterday'"),
    ("12/03/2026 10:00:00 AM", "31/02/2026 10:00", "line 2: the leave time '31/02/2026 10:00' is not a real date"),
    ("12/03/2026 13:00:00 PM", "12/03/2026 02:00:00 PM", "hour above 12"),
    ("12/03/2026 11:00:00 AM", "12/03/2026 10:00:00 AM", "line 2: Kari leaves (12/03/2026 10:00:00 AM) before"),
])
def test_a_row_that_cannot_be_read_names_its_line(join, leave, names):
    with pytest.raises(DataError, match=names.replace("(", r"\(").replace(")", r"\)")):
        parse_attendance(_zoom(f"Kari,kari@fjordhotellet.no,{join},{leave},60,No"))


def test_a_duration_that_is_no_duration_names_its_line():
    with pytest.raises(DataError, match="line 3: the duration 'a while'"):
        parse_attendance(_zoom("Kari,kari@x.no,12/03/2026 09:00:00 AM,12/03/2026 10:00:00 AM,60,No",
                               "Ola,ola@x.no,12/03/2026 09:00:00 AM,12/03/2026 10:00:00 AM,a while,No"))


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(DataError, match="cannot read the attendance report .*nowhere.csv"):
        read_attendance(tmp_path / "nowhere.csv", PEOPLE)


def test_two_thousand_rows_are_read():
    start = datetime(2026, 12, 3, 9, 0)
    rows = [f"Person {i},person{i % 400}@cluster.example,{(start + timedelta(minutes=i % 50)):%m/%d/%Y %I:%M:%S %p},"
            f"{(start + timedelta(minutes=60 + i % 50)):%m/%d/%Y %I:%M:%S %p},60,No" for i in range(2000)]
    people = {f"person{i}@cluster.example": i for i in range(0, 400, 2)}
    report = read_attendance(codecs.BOM_UTF8 + _zoom(*rows), people)
    assert report.rows == 2000 and report.duplicates == 0
    assert len(report.matched) == 200 and len(report.unmatched) == 200  # one per address, five joins each
    assert all(len(a.joins) == 5 for a in report.matched)
