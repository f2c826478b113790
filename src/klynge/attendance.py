"""Attendance reports as Zoom and Microsoft Teams export them (CSV), read and matched to people by e-mail.

Two formats are read, and any CSV with the same columns in another order (samples and notes in
``tests/fixtures/attendance/``):

**Zoom** (Reports → Usage → Participants → Export): UTF-8, often with a BOM, commas. With "Export
with meeting data" a one-row meeting summary and a blank line come first::

    Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants
    812 3456 7890,Workshop 2,12/03/2026 09:55:02 AM,12/03/2026 12:05:40 PM,host@x.no,131,6

    Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,Recording Consent
    Kari Nordmann,kari@fjord.no,12/03/2026 09:58:12 AM,12/03/2026 11:02:40 AM,65,No,Y

One row per join: a person who dropped out and came back has several rows. Guests may have no e-mail.

**Teams** (Meeting → Attendance → Download): UTF-16 LE with a BOM, tab-separated, in three sections.
The summary comes first, then one row per person (first join, last leave), then one row per join::

    1. Summary
    Meeting title	Workshop 2
    ...
    2. Participants
    Name	First Join	Last Leave	In-Meeting Duration	Email	Participant ID (UPN)	Role
    3. In-Meeting Activities
    Name	Join Time	Leave Time	Duration	Email	Role

The per-join table is read when present, else the per-person one; an address missing from the
per-join table is taken from the per-person one (its UPN column), by name. Teams writes durations as
``1h 4m 28s`` and times in the exporter's locale (``12/3/26, 9:58:12 AM``).

Reading: the encoding follows the byte-order mark (UTF-16 or UTF-8), else UTF-8, else Windows-1252;
the separator is a tab, comma or semicolon, whichever yields a table; the table is the first line that
has a name, a join and a leave column (headers are matched without regard to case or order), so summary
lines before it are skipped. Times with slashes are month first (as Zoom and Teams in English write
them) unless a first number above 12 in the file shows they are day first (or the caller says so);
``3.12.2026`` is day first and ``2026-12-03`` is ISO. Rows repeated exactly are dropped and counted.
A person's joins are merged where they overlap (two devices at once count once) and summed.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from .errors import DataError

__all__ = ["Attendance", "AttendanceReport", "COLUMNS", "decode", "parse_attendance", "read_attendance"]

#: Each column Klynge reads, with the headers Zoom, Teams and hand-made files give it (lower case).
COLUMNS: dict[str, frozenset[str]] = {
    "name": frozenset({"name", "name (original name)", "full name", "participant", "participant name",
                       "display name", "user name"}),
    "email": frozenset({"email", "e-mail", "user email", "email address", "e-mail address", "attendee email"}),
    "upn": frozenset({"participant id (upn)", "upn"}),
    "join": frozenset({"join time", "first join", "first join time", "joined", "join", "join time (utc)"}),
    "leave": frozenset({"leave time", "last leave", "last leave time", "left", "leave", "leave time (utc)"}),
    "duration": frozenset({"duration (minutes)", "duration", "in-meeting duration", "attendance duration",
                           "time in meeting"}),
}

_NEEDED = ("name", "join", "leave")
_EXPECTED = ("a table with the columns Name, Join Time and Leave Time (and Email), as Zoom writes "
             "(Name (Original Name), User Email, Join Time, Leave Time, Duration (Minutes)) or Teams writes "
             "(Name, Join Time or First Join, Leave Time or Last Leave, Email)")
_TIME = re.compile(r"^(\d{1,4})([./-])(\d{1,2})\2(\d{2,4}),?[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?"
                   r"\s*([AaPp]\.?[Mm]\.?)?\s*(?:Z|UTC)?$")
_SPAN = re.compile(r"^(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?$")
_TITLES = {"meeting title", "topic"}


@dataclass(frozen=True)
class Attendance:
    """One person in a report: their joins as (join, leave) pairs and the minutes they were there in all.

    ``person_id`` is the matched person's id, None when their e-mail is not among the people known.
    ``reported_minutes`` is the sum of the file's own duration column, None when it has none.
    """

    name: str
    email: str
    joins: tuple[tuple[datetime, datetime], ...]
    minutes: float
    reported_minutes: float | None = None
    person_id: int | None = None

    @property
    def first_join(self) -> datetime:
        return self.joins[0][0]

    @property
    def last_leave(self) -> datetime:
        return max(leave for _, leave in self.joins)


@dataclass(frozen=True)
class AttendanceReport:
    """A report read and matched: who was found among the people, who was not, and what the file was."""

    source: str
    title: str
    matched: list[Attendance] = field(default_factory=list)
    unmatched: list[Attendance] = field(default_factory=list)
    rows: int = 0
    duplicates: int = 0


@dataclass(frozen=True)
class _Row:
    line: int
    name: str
    email: str
    join: str
    leave: str
    duration: str


def decode(data: bytes) -> str:
    """The text of an uploaded file, whichever encoding the tool that wrote it chose.

    UTF-16 with a byte-order mark (Teams), UTF-8 with or without one (Zoom, Mentimeter, Miro),
    UTF-16 LE without a mark (recognised by the zero bytes of its ASCII), and else Windows-1252,
    which Excel on Windows writes for "CSV"; a byte UTF-8 with a BOM cannot read becomes U+FFFD
    rather than an error. The workshop imports (:mod:`klynge.workshop_import`) read their files
    the same way.

    Parameters
    ----------
    data
        The file's bytes, as uploaded.

    Returns
    -------
    str
        The text, without a byte-order mark.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace")
    if len(data) > 3 and data[1:4:2] == b"\0\0" and data[0] and data[2]:
        return data.decode("utf-16-le")  # UTF-16 LE without its BOM: every second byte of ASCII is zero
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")  # Excel on Windows saves "CSV" in the ANSI code page


def _key(header: str) -> str:
    return " ".join(header.replace("\ufeff", "").strip().strip('"').lower().split())


def _columns(cells: list[str]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = _key(cell)
        for column, names in COLUMNS.items():
            if key in names and column not in found:
                found[column] = index
    return found if all(c in found for c in _NEEDED) else None


def _tables(text: str, delimiter: str) -> tuple[list[tuple[dict[str, int], list[_Row], bool]], str]:
    """Every table in the text: (columns, rows, per join) and the meeting's title if a summary names it."""
    tables, title, current = [], "", None
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    for cells in reader:
        filled = [c for c in cells if c.strip()]
        if current is not None and len(filled) < 2:
            current = None  # a blank line or a section title ends a table
        if current is None:
            columns = _columns(cells)
            if columns:
                per_join = not _key(cells[columns["join"]]).startswith("first")
                current = (columns, [], per_join)
                tables.append(current)
            elif len(filled) == 2 and _key(filled[0]) in _TITLES:
                title = title or filled[1].strip()
            continue
        columns, rows = current[0], current[1]

        def cell(name: str, cells=cells, columns=columns) -> str:
            index = columns.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        email = cell("email") or (cell("upn") if "@" in cell("upn") else "")
        rows.append(_Row(reader.line_num, cell("name"), email, cell("join"), cell("leave"), cell("duration")))
    if not title:
        title = _zoom_topic(text, delimiter)
    return tables, title


def _zoom_topic(text: str, delimiter: str) -> str:
    lines = list(csv.reader(io.StringIO("\n".join(text.splitlines()[:2])), delimiter=delimiter))
    if len(lines) == 2 and "topic" in (keys := [_key(c) for c in lines[0]]) and len(lines[1]) == len(keys):
        return lines[1][keys.index("topic")].strip()
    return ""


def _day_first(rows: Iterable[_Row]) -> bool:
    """Whether the file's slashed dates are day first: some first number above 12 (and no second one)."""
    firsts, seconds = set(), set()
    for row in rows:
        for value in (row.join, row.leave):
            found = _TIME.match(value)
            if found and found[2] == "/" and len(found[1]) <= 2:
                firsts.add(int(found[1]))
                seconds.add(int(found[3]))
    return max(firsts, default=0) > 12 >= max(seconds, default=0)


def _time(value: str, day_first: bool, line: int, column: str) -> datetime:
    found = _TIME.match(value)
    if not found:
        raise DataError(f"line {line}: the {column} time {value!r} is not a date and time "
                        f"(such as 12/03/2026 09:58:12 AM or 2026-12-03 09:58)")
    a, sep, b, c, hour, minute, second, half = found.groups()
    if len(a) == 4:
        year, month, day = int(a), int(b), int(c)
    elif sep == "/" and not day_first:
        month, day, year = int(a), int(b), int(c)
    else:
        day, month, year = int(a), int(b), int(c)
    year += 2000 if year < 100 else 0
    hour = int(hour)
    if half:
        if hour > 12:
            raise DataError(f"line {line}: the {column} time {value!r} has an hour above 12 with AM or PM")
        hour = hour % 12 + (12 if half[0] in "pP" else 0)
    try:
        return datetime(year, month, day, hour, int(minute), int(second or 0))
    except ValueError as exc:
        raise DataError(f"line {line}: the {column} time {value!r} is not a real date and time ({exc})") from None


def _minutes(value: str, line: int) -> float | None:
    text = value.strip().lower()
    if not text:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        pass
    found = _SPAN.match(text)
    if not found or not any(found.groups()):
        raise DataError(f"line {line}: the duration {value!r} is neither minutes nor a span like 1h 4m 28s")
    hours, minutes, seconds = (int(g or 0) for g in found.groups())
    return hours * 60 + minutes + seconds / 60


def _merged_minutes(joins: list[tuple[datetime, datetime]]) -> float:
    total, end = 0.0, None
    for start, stop in joins:
        if end is None or start > end:
            total += (stop - start).total_seconds()
            end = stop
        elif stop > end:
            total += (stop - end).total_seconds()
            end = stop
    return total / 60


def _source(text: str, delimiter: str) -> str:
    head = text[:4000].lower()
    if "name (original name)" in head or "duration (minutes)" in head:
        return "zoom"
    if delimiter == "\t" and ("in-meeting" in head or "first join" in head or "participant id (upn)" in head):
        return "teams"
    return "csv"


def parse_attendance(data: bytes, name: str = "the file", *, day_first: bool | None = None) -> AttendanceReport:
    """Every person of an attendance report (bytes of a Zoom or Teams CSV), not yet matched: all unmatched.

    ``day_first`` says how to read dates like ``03/12/2026``; None guesses from the file (see the module).

    Raises
    ------
    DataError
        When the file is not such a report (the message names ``name`` and the columns expected), or a
        row's times or duration cannot be read (the message names the line).
    """
    if data.startswith(b"PK\x03\x04"):
        raise DataError(f"{name} is an Excel (or other zipped) file, not CSV; export the attendance report as CSV "
                        f"(Zoom) or download it as CSV (Teams)")
    text = decode(data)
    if not text.strip():
        raise DataError(f"{name} is empty; expected {_EXPECTED}")
    for delimiter in ("\t", ",", ";"):
        tables, title = _tables(text, delimiter)
        if tables:
            break
    else:
        first = next((line.strip() for line in text.splitlines() if line.strip()), "")[:80]
        raise DataError(f"{name} is not an attendance report: expected {_EXPECTED}; its first line reads {first!r}")
    _, rows, _ = max(tables, key=lambda table: table[2])  # max() keeps the first of equals
    # Teams' per-join table has no UPN column: a guest's address comes from the per-person table
    known = {row.name: row.email for table in tables for row in table[1] if row.email}
    rows = [row if row.email else replace(row, email=known.get(row.name, "")) for row in rows]
    unique: dict[tuple, _Row] = {}
    for row in rows:
        unique.setdefault((row.name, row.email.lower(), row.join, row.leave, row.duration), row)
    day_first = _day_first(rows) if day_first is None else day_first
    people: dict[str, tuple[str, str, list, list]] = {}
    for row in unique.values():
        if not row.name and not row.email:
            continue
        join, leave = _time(row.join, day_first, row.line, "join"), _time(row.leave, day_first, row.line, "leave")
        if leave < join:
            raise DataError(f"line {row.line}: {row.name or row.email} leaves ({row.leave}) before joining "
                            f"({row.join})")
        who = row.email.lower() or f"name:{row.name.casefold()}"
        entry = people.setdefault(who, (row.name, row.email, [], []))
        entry[2].append((join, leave))
        entry[3].append(_minutes(row.duration, row.line))
    attendees = []
    for name_, email, joins, reported in people.values():
        joins.sort()
        given = [m for m in reported if m is not None]
        attendees.append(Attendance(name_, email, tuple(joins), _merged_minutes(joins),
                                    sum(given) if given else None))
    return AttendanceReport(_source(text, delimiter), title, [],
                            sorted(attendees, key=lambda a: (a.name.casefold(), a.email)), len(rows),
                            len(rows) - len(unique))


def read_attendance(source: str | Path | bytes, people: Mapping[str, int], name: str | None = None, *,
                    day_first: bool | None = None) -> AttendanceReport:
    """An attendance report (a path or its bytes) with each person matched by e-mail to ``people``.

    ``people`` maps e-mail addresses to person ids; addresses are compared without regard to case.
    ``day_first`` is as in :func:`parse_attendance`.
    Whoever is not found (no e-mail, or one not among ``people``) is in ``unmatched``, for the
    facilitator to resolve.

    Raises
    ------
    DataError
        As :func:`parse_attendance`; a path that cannot be read is named.
    """
    if isinstance(source, bytes):
        data, name = source, name or "the file"
    else:
        path = Path(source)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise DataError(f"cannot read the attendance report {path}: {exc.strerror or exc}") from None
        name = name or str(path)
    report = parse_attendance(data, name, day_first=day_first)
    known = {email.strip().lower(): person for email, person in people.items()}
    matched, unmatched = [], []
    for attendee in report.unmatched:
        person = known.get(attendee.email.lower()) if attendee.email else None
        if person is None:
            unmatched.append(attendee)
        else:
            matched.append(Attendance(attendee.name, attendee.email, attendee.joins, attendee.minutes,
                                      attendee.reported_minutes, person))
    return AttendanceReport(report.source, report.title, matched, unmatched, report.rows, report.duplicates)
