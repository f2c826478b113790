"""Ideas from the tools facilitators already use: Mentimeter and Miro exports (CSV), QiqoChat and Zoom chat logs.

:func:`parse_workshop_file` reads a file's bytes into :class:`FileIdea` rows (the format found by
itself, or named); :func:`match_people` matches each idea's author to a person of the cluster, by
e-mail, else by the exact name written without regard to case and diacritics (``Kari Nergård`` is
``KARI NERGARD``), else leaves it unattributed with the name as written. The store adds them to a
round (:meth:`klynge.store.Store.import_workshop_ideas`). Every format, with examples and what is
skipped, is described in ``docs/workshop-imports.md``; a sample of each is in
``data/samples/workshop/``.

Reading: the encoding follows the byte-order mark (UTF-16 as Windows tools write, or UTF-8), else
UTF-8, else Windows-1252; a CSV's separator is a tab, a comma or a semicolon, whichever gives a
table; the table starts at the first line with a known text column (so a header block before it
is skipped); headers are matched without regard to case or order. Text is kept exactly as written:
markup stays text, and the board escapes it.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from .attendance import decode
from .errors import DataError
from .i18n import t

__all__ = ["FORMATS", "TOOLS", "FileIdea", "Member", "WorkshopFile", "detect_format", "fold_name", "match_people",
           "parse_workshop_file", "summary"]

#: The formats read, by the name ``--format`` takes, with the tool's own name.
TOOLS = {"mentimeter": "Mentimeter", "miro": "Miro", "qiqochat": "QiqoChat", "zoom": "Zoom"}
FORMATS = tuple(TOOLS)
#: Why a row or message was not made an idea; :attr:`WorkshopFile.skipped` counts each.
SKIPS = ("empty", "system", "reactions", "private", "duplicates")
#: The longest idea the board takes (as :data:`klynge.store.workshops.MAX_TEXT`); longer text is cut.
MAX_TEXT = 1000

#: The text column of each CSV format (lower case): what tells the formats apart.
TEXT_COLUMNS: dict[str, frozenset[str]] = {
    "mentimeter": frozenset({"response", "responses", "answer", "answers", "svar", "open ended", "open-ended",
                             "free text", "fritekst"}),
    "miro": frozenset({"content", "sticky note", "sticky notes", "sticky", "sticky note text", "note", "text",
                       "innhold", "innehåll"}),
    "qiqochat": frozenset({"message", "chat message", "messages", "melding", "meddelande", "chat"}),
}
#: The other columns read, in any of the CSV formats.
COLUMNS: dict[str, frozenset[str]] = {
    "author": frozenset({"name", "author", "creator", "created by", "author name", "creator name", "participant",
                         "participant name", "user", "user name", "username", "display name", "from", "sender",
                         "navn", "namn", "deltaker", "deltagare"}),
    "email": frozenset({"email", "e-mail", "email address", "e-mail address", "e-post", "epost", "author email",
                        "creator email", "user email", "participant email"}),
    "votes": frozenset({"votes", "upvotes", "up votes", "likes", "stemmer", "röster", "vote count", "upvote count"}),
    "theme": frozenset({"frame", "frame title", "frame name", "column", "column name", "group", "cluster", "theme",
                        "ramme", "kolonne", "kolumn", "tema"}),
    "kind": frozenset({"type", "message type", "kind"}),
}
_SYSTEM_NAMES = frozenset({"qiqochat", "qiqo", "system", "qiqochat bot", "bot"})
_SYSTEM_KINDS = frozenset({"system", "event", "notification", "join", "leave"})
_SYSTEM_TEXT = re.compile(r"^.{1,120}\s(?:has\s+)?(?:joined|left|entered|moved to)\s+(?:the\s+)?"
                          r"(?:main\s+|breakout\s+)?(?:room|chat|meeting|session|breakout|table|circle)\b.*$|"
                          r"^.{1,120}\s(?:ble med i|forlot|gikk inn i|gick med i|gick in i|lämnade)\s+"
                          r"(?:rommet|møtet|chatten|rummet|mötet)\b.*$", re.I)
_REACTION = re.compile(r'^(?:Reacted to\s+".*"\s+with\s+\S+|Removed an?\s+\S+\s+reaction from\s+".*")$', re.I | re.S)
_REPLY = re.compile(r'^Replying to\s+".*?"\s*:?\s*(?:\n|$)', re.I | re.S)

_TIME = r"(\d{1,2}:\d{2}:\d{2})"
_FROM, _TO = r"(?:From|Fra|Från)", r"(?:to|til|till)"
#: Zoom's saved chat: ``00:12:31 From Kari Nordmann to Everyone:`` with the message after it or on the next line.
_ZOOM = re.compile(rf"^{_TIME}[ ]+{_FROM}\s+(.+?)\s+{_TO}\s+(.+?)\s*:(?:\s+|$)(.*)$")
#: Zoom's older saved chat: ``00:12:31\t From  Kari Nordmann : message`` (``to Ola(Privately)`` for a private one).
_ZOOM_OLD = re.compile(rf"^{_TIME}\t\s*{_FROM}\s+(.+?)\s+:\s?(.*)$")
#: The chat of a Zoom cloud recording: ``00:58:04\tKari Nordmann:\tmessage``.
_ZOOM_CLOUD = re.compile(rf"^{_TIME}\t([^\t:]+):\t(.*)$")
_EVERYONE = frozenset({"everyone", "alle", "alla", "everyone (in waiting room)"})
_EMOJI_ONLY = re.compile(r"^(?:\+1|-1|[^\w]|_)+$")


@dataclass(frozen=True)
class FileIdea:
    """One idea as the file has it: its text, who wrote it (as written), and what the tool adds."""

    text: str
    author: str = ""
    email: str = ""
    votes: int | None = None
    theme: str = ""
    line: int = 0

    @property
    def anonymous(self) -> bool:
        return not (self.author or self.email)


@dataclass(frozen=True)
class WorkshopFile:
    """A file read: its format, its ideas in the file's order, and how many rows were skipped and why."""

    format: str
    ideas: tuple[FileIdea, ...]
    skipped: dict[str, int] = field(default_factory=dict)
    shortened: int = 0

    @property
    def tool(self) -> str:
        return TOOLS[self.format]


@dataclass(frozen=True)
class Member:
    """A person of the cluster an idea can be matched to."""

    person_id: int
    name: str
    email: str
    organisation_id: int | None = None


def _key(header: str) -> str:
    return " ".join(header.replace("\ufeff", "").strip().strip('"').lower().split())


def fold_name(name: str) -> str:
    """A name without case, diacritics or extra spaces: ``"  Kari  NERGÅRD"`` and ``"kari nergard"`` are one."""
    text = unicodedata.normalize("NFKD", (name or "").translate(_FOLD))
    return " ".join("".join(ch for ch in text if not unicodedata.combining(ch)).casefold().split())


_FOLD = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "đ": "d", "Đ": "D", "ð": "d", "ł": "l", "Ł": "L",
                       "ß": "ss", "œ": "oe", "Œ": "Oe"})


# -- finding the format -----------------------------------------------------------------------
def _zoom_head(line: str):
    return _ZOOM.match(line) or _ZOOM_OLD.match(line) or _ZOOM_CLOUD.match(line)


def _header(cells: list[str], formats: Iterable[str]) -> tuple[str, dict[str, int]] | None:
    """The CSV format whose text column this row names, and where each column is; None if it names none."""
    keys = [_key(c) for c in cells]
    for fmt in formats:
        if fmt not in TEXT_COLUMNS:
            continue
        text = next((k for k, key in enumerate(keys) if key in TEXT_COLUMNS[fmt]), None)
        if text is None:
            continue
        found = {"text": text}
        for k, key in enumerate(keys):
            for role, names in COLUMNS.items():
                if key in names and role not in found and k != text:
                    found[role] = k
        return fmt, found
    return None


def _only_headers(cells: list[str]) -> bool:
    """Whether every filled cell is a column name Klynge knows: a header row, not a row of data."""
    known = set().union(*TEXT_COLUMNS.values(), *COLUMNS.values())
    return all(_key(c) in known for c in cells if c.strip())


def _csv_rows(text: str, formats: Iterable[str]):
    """The delimiter and rows of the first way of reading ``text`` as CSV that finds a table header."""
    formats = tuple(formats)
    for delimiter in ("\t", ",", ";"):
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        if any(_header(cells, formats) for cells in rows):
            return rows
    return None


def detect_format(text: str) -> str | None:
    """The format of a decoded file, or None when it is none of :data:`FORMATS`."""
    lines = [line for line in text.splitlines() if line.strip()]
    if any(_zoom_head(line) for line in lines[:50]):
        return "zoom"
    rows = _csv_rows(text, TEXT_COLUMNS)
    if rows is None:
        return None
    # the first header found names the format, on whichever line it stands
    return next(found[0] for cells in rows if (found := _header(cells, TEXT_COLUMNS)))


# -- reading ----------------------------------------------------------------------------------
def _is_reaction(text: str) -> bool:
    return bool(_REACTION.match(text) or _EMOJI_ONLY.match(text))


def _read_csv(rows: list[list[str]], fmt: str) -> tuple[list[FileIdea], dict[str, int]]:
    ideas, skipped = [], dict.fromkeys(SKIPS, 0)
    columns = None
    for line, cells in enumerate(rows, 1):
        if not any(c.strip() for c in cells):
            continue
        found = _header(cells, (fmt,))
        if found is not None and (columns is None or _only_headers(cells)):
            columns = found[1]  # the table starts (again: a file may hold one table per question)
            continue
        if columns is None:
            continue  # a header block before the table

        def cell(role: str, cells=cells, columns=columns) -> str:
            index = columns.get(role)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        body, author, kind = cell("text"), cell("author"), cell("kind").lower()
        if not body:
            skipped["empty"] += 1
        elif fmt == "qiqochat" and (kind in _SYSTEM_KINDS or author.lower() in _SYSTEM_NAMES
                                    or (not author and not cell("email"))
                                    or (_SYSTEM_TEXT.match(body) and fold_name(body).startswith(fold_name(author)))):
            skipped["system"] += 1
        elif fmt == "qiqochat" and _is_reaction(body):
            skipped["reactions"] += 1
        else:
            votes = cell("votes")
            ideas.append(FileIdea(body, author, cell("email"), int(votes) if votes.isdigit() else None,
                                  cell("theme"), line))
    return ideas, skipped


def _read_zoom(text: str) -> tuple[list[FileIdea], dict[str, int]]:
    messages: list[list] = []  # [line, sender, recipient, lines of text]
    for line, raw in enumerate(text.splitlines(), 1):
        found = _ZOOM.match(raw)
        if found:
            messages.append([line, found[2].strip(), found[3].strip(), [found[4]] if found[4].strip() else []])
            continue
        found = _ZOOM_OLD.match(raw)
        if found:
            sender, _, recipient = found[2].strip().partition(" to ")
            messages.append([line, sender.strip(), recipient.strip() or "Everyone", [found[3]]])
        elif found := _ZOOM_CLOUD.match(raw):
            messages.append([line, found[2].strip(), "Everyone", [found[3]]])
        elif messages:
            messages[-1][3].append(raw[1:] if raw.startswith("\t") else raw)
    ideas, skipped = [], dict.fromkeys(SKIPS, 0)
    for line, sender, recipient, parts in messages:
        body = "\n".join(parts).strip()
        body = _REPLY.sub("", body, count=1).strip()
        if not body:
            skipped["empty"] += 1
        elif _key(recipient) not in _EVERYONE:
            skipped["private"] += 1  # a direct message was never meant for the board
        elif _is_reaction(body):
            skipped["reactions"] += 1
        else:
            ideas.append(FileIdea(body, sender, line=line))
    return ideas, skipped


def _expected(lang: str) -> str:
    return "; ".join(f"{TOOLS[f]}: {t(f'workshop.import.expect.{f}', lang)}" for f in FORMATS)


def parse_workshop_file(data: bytes, name: str = "the file", format: str | None = None,
                        lang: str = "en") -> WorkshopFile:
    """The ideas of a Mentimeter, Miro, QiqoChat or Zoom file (its bytes), in the file's order.

    ``format`` names the format (one of :data:`FORMATS`); None finds it. Rows repeated (the same
    text by the same author, or anonymously, under the same theme) are kept once; text longer than
    the board takes is cut (and counted in ``shortened``).

    Raises
    ------
    DataError
        In ``lang``: the file is empty, zipped (Excel), of no known format or not of the format
        named (the message says what was expected and quotes the file's first line), or holds no idea.
    """
    if format is not None and format not in TOOLS:
        raise DataError(t("workshop.import.error.format", lang, format=format, formats=", ".join(FORMATS)))
    if data.startswith(b"PK\x03\x04"):
        raise DataError(t("workshop.import.error.zipped", lang, name=name))
    text = decode(data).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DataError(t("workshop.import.error.empty", lang, name=name))
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")[:80]
    found = detect_format(text) if format is None else format
    rows = None
    if found is not None and found != "zoom":
        rows = _csv_rows(text, (found,))
    if found is None or (found == "zoom" and not any(_zoom_head(x) for x in text.splitlines())) or \
            (found != "zoom" and rows is None):
        if format is None:
            raise DataError(t("workshop.import.error.unknown", lang, name=name, expected=_expected(lang), first=first))
        raise DataError(t("workshop.import.error.not_format", lang, name=name, tool=TOOLS[format],
                          expected=t(f"workshop.import.expect.{format}", lang), first=first))
    ideas, skipped = _read_zoom(text) if found == "zoom" else _read_csv(rows, found)
    unique: dict[tuple, FileIdea] = {}
    shortened = 0
    for idea in ideas:
        key = (fold_name(idea.author), idea.email.lower(), " ".join(idea.text.casefold().split()),
               idea.theme.casefold())
        if key in unique:
            skipped["duplicates"] += 1
            continue
        if len(idea.text) > MAX_TEXT:
            idea = FileIdea(idea.text[:MAX_TEXT - 1].rstrip() + "…", idea.author, idea.email, idea.votes, idea.theme,
                            idea.line)
            shortened += 1
        unique[key] = idea
    if not unique:
        raise DataError(t("workshop.import.error.no_ideas", lang, name=name, tool=TOOLS[found]))
    return WorkshopFile(found, tuple(unique.values()), skipped, shortened)


# -- matching ---------------------------------------------------------------------------------
def match_people(ideas: Iterable[FileIdea], people: Iterable[Member]) -> list[tuple[FileIdea, Member | None]]:
    """Each idea with the person who wrote it, or None.

    By e-mail first (without regard to case); else by the name, when exactly one person of
    ``people`` has it (:func:`fold_name`); a name two people share matches nobody.
    """
    people = list(people)
    by_email = {p.email.strip().lower(): p for p in people if p.email}
    by_name: dict[str, list[Member]] = {}
    for p in people:
        if p.name:
            by_name.setdefault(fold_name(p.name), []).append(p)
    matched = []
    for idea in ideas:
        person = by_email.get(idea.email.strip().lower()) if idea.email else None
        if person is None and idea.author:
            same = by_name.get(fold_name(idea.author), [])
            person = same[0] if len(same) == 1 else None
        matched.append((idea, person))
    return matched


# -- saying what happened ---------------------------------------------------------------------
def summary(result, name: str, lang: str) -> list[str]:
    """What an import did (a :class:`klynge.store.WorkshopImport`), in plain sentences in ``lang``."""
    if not result.imported:
        lines = [t("workshop.import.nothing_new", lang, name=name)]
    else:
        lines = [t("workshop.import.done", lang, n=result.imported, tool=TOOLS[result.format]),
                 t("workshop.import.who", lang, matched=result.matched, unmatched=result.unmatched,
                   anonymous=result.anonymous)]
    if result.unmatched_authors:
        lines.append(t("workshop.import.unmatched_names", lang, names=", ".join(result.unmatched_authors)))
    left = [t(f"workshop.import.skip.{kind}", lang, n=n) for kind, n in
            (*result.skipped.items(), ("already", result.already)) if n]
    if left:
        lines.append(t("workshop.import.left_out", lang, what=", ".join(left)))
    if result.themes:
        lines.append(t("workshop.import.themes", lang, n=result.themes))
    if result.shortened:
        lines.append(t("workshop.import.shortened", lang, n=result.shortened))
    return lines
