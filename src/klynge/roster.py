"""Import the members of a cluster from a facilitator's spreadsheet (CSV or XLSX).

The sheet has one header row and one row per contact person; headers are accepted in bokmål,
Swedish or English, in any case and order (see :data:`COLUMNS`). A municipality may be given by
code or by name. Every bad cell of every row is reported at once, by row number as the
spreadsheet shows it (header = row 1) and column header, in the language asked for; nothing is
imported while any row is bad. Keys are issued afterwards with :meth:`Store.issue_key`.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pydantic

from .errors import DataError, ValidationError
from .i18n import catalogue, t
from .model import ORGANISATION_KINDS, SECTORS, Organisation, Person, normalise_code
from .settings import LANGUAGES
from .store import Identity, Store
from .store.access import require
from .store.bulk import Existing, NewMember, add_members
from .validation import explain

__all__ = ["COLUMNS", "RosterResult", "RosterRow", "import_roster", "read_roster"]

#: Accepted headers per field: the bokmål, Swedish and English names first, then other spellings.
COLUMNS: dict[str, tuple[str, ...]] = {
    "organisation": ("Organisasjon", "Organisation", "Organisation", "organization", "organisasjonsnavn",
                     "organisationsnamn", "organisation name", "virksomhet", "företag", "company"),
    "orgnr": ("Organisasjonsnummer", "Organisationsnummer", "Organisation number", "organization number",
              "orgnr", "org nr", "organisasjonsnr", "organisationsnr"),
    "country": ("Land", "Land", "Country"),
    "municipality": ("Kommune", "Kommun", "Municipality", "kommunenummer", "kommunnummer", "kommunenr"),
    "kind": ("Type", "Typ", "Kind"),
    "sector": ("Bransje", "Bransch", "Sector"),
    "name": ("Navn", "Namn", "Name", "kontaktperson", "contact person", "contact"),
    "email": ("E-post", "E-post", "Email", "e-mail", "e-postadresse", "e-postadress", "mail"),
    "role": ("Rolle", "Roll", "Role"),
}
_ORG = ("organisation", "orgnr", "country", "municipality", "kind", "sector")
_PERSON = ("name", "email")
_LANG_INDEX = {"nb": 0, "sv": 1, "en": 2}
_COUNTRIES = {"no": "NO", "nor": "NO", "norge": "NO", "noreg": "NO", "norway": "NO", "norwegen": "NO",
              "se": "SE", "swe": "SE", "sverige": "SE", "sweden": "SE", "schweden": "SE"}
_ROLES = {"deltaker": "participant", "deltakar": "participant", "deltagare": "participant",
          "fasilitator": "facilitator", "prosessleder": "facilitator", "processledare": "facilitator",
          "forsker": "researcher", "forskar": "researcher", "forskare": "researcher"}
#: The most an XLSX file may unpack to: a workbook of thousands of members is a few megabytes.
MAX_UNPACKED_BYTES = 100 << 20
# Model fields that sit in a column of another name.
_ORG_FIELD_COLUMN = {"name": "organisation"}


def _key(header: str) -> str:
    return re.sub(r"[\W_]+", "", header.casefold())


_HEADERS = {_key(h): f for f, names in COLUMNS.items() for h in names}


@dataclass(frozen=True)
class RosterRow:
    """One good row: the organisation and/or person it adds.

    ``row`` is the row number as the spreadsheet shows it; ``columns`` maps each field to its
    header in the file. ``person.organisation_id`` is filled in on import.
    """

    row: int
    organisation: Organisation | None
    person: Person | None
    columns: Mapping[str, str] = field(repr=False)


@dataclass(frozen=True)
class RosterResult:
    """What an import added: new and reused organisation ids, new person ids, and per row both."""

    organisations_added: list[int]
    organisations_reused: list[int]
    people_added: list[int]
    rows: list[tuple[int, int | None, int | None]]


# -- reading the file ---------------------------------------------------------------------
def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _csv_rows(path: Path, lang: str) -> list[list[str]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:  # Excel's "CSV (semicolon separated)" on a Nordic Windows
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise DataError(t("roster.encoding", lang, file=path.name)) from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(";,\t", key=first.count) if first.count(";") or first.count("\t") else ","
    return [[_text(c) for c in row] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _check_unpacked(path: Path, lang: str) -> None:
    """Refuse a workbook that would unpack to more than a member list ever needs, before opening it."""
    try:
        with zipfile.ZipFile(path) as book:
            size = sum(i.file_size for i in book.infolist())
    except (zipfile.BadZipFile, OSError):
        return  # openpyxl says what is wrong with it
    if size > MAX_UNPACKED_BYTES:
        raise DataError(t("roster.too_large", lang, file=path.name, limit=MAX_UNPACKED_BYTES >> 20))


def _xlsx_rows(path: Path, lang: str) -> list[list[str]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    _check_unpacked(path, lang)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise DataError(t("roster.unreadable", lang, file=path.name, reason=exc)) from None
    try:
        return [[_text(c) for c in row] for row in book.worksheets[0].iter_rows(min_row=1, values_only=True)]
    finally:
        book.close()


def _rows(path: Path, lang: str) -> list[list[str]]:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return _csv_rows(path, lang)
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path, lang)
    raise DataError(t("roster.file_type", lang, file=path.name))


def _columns(header: list[str], lang: str) -> tuple[dict[str, int], list[tuple[str, str]]]:
    where: dict[str, int] = {}
    problems = []
    for i, name in enumerate(header):
        f = _HEADERS.get(_key(name))
        if f is None:
            continue  # other columns (phone, notes) are the facilitator's own
        if f in where:
            problems.append(("", t("roster.duplicate_column", lang, first=header[where[f]], second=name)))
        where[f] = i
    wanted = []
    if "organisation" in where or not where.keys() & set(_PERSON):
        wanted += ["organisation", "orgnr", "municipality"]
    if where.keys() & set(_PERSON) or "organisation" not in where:
        wanted += list(_PERSON)
    problems += [("", t("roster.missing_column", lang, column=COLUMNS[f][_LANG_INDEX[lang]]))
                 for f in wanted if f not in where]
    return where, problems


# -- checking rows ------------------------------------------------------------------------
def _municipality(value: str, country: str | None) -> tuple[str | None, str | None]:
    """The code and country of a municipality given by code or name; (None, None) when unknown.

    One in another country than the row's is returned too: the model then says it is in the
    wrong country, which helps more than "unknown".
    """
    value = normalise_code(value)
    match = re.fullmatch(r"([0-9]{1,4})(?:[^0-9].*)?", value)
    try:
        from .reference import municipalities
    except ImportError:  # the reference data is not installed: codes only
        return (match.group(1).zfill(4), country) if match else (None, None)
    if match:
        found = [m for m in municipalities() if m.code == match.group(1).zfill(4)]
    else:
        name = value.casefold()
        found = [m for m in municipalities() if name in {m.name.casefold(), *(n.casefold() for n in m.official_names)}]
    found.sort(key=lambda m: m.country != country)
    return (found[0].code, found[0].country) if found else (None, None)


def _vocabulary(prefix: str, codes: Sequence[str]) -> dict[str, str]:
    """Codes by their own spelling and by their labels (``kind.company`` ...) in every catalogue."""
    out = {_key(code): code for code in codes}
    for lang in LANGUAGES:
        for code in codes:
            label = catalogue(lang).get(f"{prefix}.{code}")
            if label:
                out.setdefault(_key(label), code)
    return out


def _country_of(orgnr: str) -> str | None:
    """The country an organisation number's length points to: 9 digits Norway, 10 (or 12) Sweden."""
    return {9: "NO", 10: "SE", 12: "SE"}.get(len(re.sub(r"\D", "", orgnr)))


class _Row:
    """The problems of one row, by field, turned into (row, column) messages."""

    def __init__(self, number: int, where: dict[str, int], header: list[str], lang: str):
        self.number, self.where, self.header, self.lang = number, where, header, lang
        self.problems: dict[str, str] = {}

    def add(self, f: str, message: str) -> None:
        self.problems.setdefault(f, message)

    def add_pydantic(self, exc: pydantic.ValidationError, columns: Mapping[str, str], row_level: str) -> None:
        for error, (_, message) in zip(exc.errors(), explain(exc, self.lang).problems):
            loc = error["loc"]
            f = columns.get(loc[0], loc[0]) if loc else row_level
            self.add(f, message)

    def messages(self) -> list[tuple[int, int, str, str]]:
        out = []
        for f, message in self.problems.items():
            if f in self.where:
                label = t("roster.cell", self.lang, row=self.number, column=self.header[self.where[f]])
            else:
                label = t("roster.row", self.lang, row=self.number)
            out.append((self.number, self.where.get(f, -1), label, message))
        return out


def _check(number: int, cells: dict[str, str], where: dict[str, int], header: list[str],
           lang: str) -> tuple[_Row, Organisation | None, Person | None]:
    row = _Row(number, where, header, lang)
    org = person = None
    if any(cells.get(f) for f in _ORG):
        country = cells.get("country", "")
        if country:
            country = _COUNTRIES.get(country.casefold(), country)
            if country not in ("NO", "SE"):
                row.add("country", t("roster.country_unknown", lang, value=cells["country"]))
        data = {"name": cells.get("organisation", ""), "orgnr": cells.get("orgnr", ""),
                "municipality": cells.get("municipality", "")}
        for f, value in (("organisation", data["name"]), ("orgnr", data["orgnr"]),
                         ("municipality", data["municipality"])):
            if not value:
                row.add(f, t("error.missing", lang))
        if data["municipality"]:
            code, found = _municipality(data["municipality"], country if country in ("NO", "SE") else None)
            if code is None:
                row.add("municipality", t("error.klynge_municipality_unknown", lang, code=data["municipality"]))
            else:
                data["municipality"], country = code, country or found
        country = country or _country_of(data["orgnr"])
        if country:
            data["country"] = country
        for f, codes in (("kind", ORGANISATION_KINDS), ("sector", SECTORS)):
            if cells.get(f):
                data[f] = _vocabulary(f, codes).get(_key(cells[f]), cells[f])
        try:
            org = Organisation.model_validate(data)
        except pydantic.ValidationError as exc:
            row.add_pydantic(exc, _ORG_FIELD_COLUMN, "organisation")
        if "municipality" in row.problems and "country" not in data:
            row.problems.pop("country", None)  # the municipality's problem says enough
    if any(cells.get(f) for f in _PERSON):
        role = cells.get("role", "").casefold() or "participant"
        data = {"name": cells.get("name", ""), "email": cells.get("email", ""), "role": _ROLES.get(role, role),
                # A stand-in id, so that a participant's organisation is checked; set on import.
                "organisation_id": 1 if any(cells.get(f) for f in _ORG) else None}
        try:
            person = Person.model_validate(data).model_copy(update={"organisation_id": None})
        except pydantic.ValidationError as exc:
            row.add_pydantic(exc, {}, "organisation")
    return row, org, person


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def read_roster(path: str | Path, lang: str = "nb") -> list[RosterRow]:
    """Read and check a roster file; returns its good rows (an empty sheet gives none).

    Raises
    ------
    ValidationError
        Naming every bad cell (row number and column header) and every duplicate e-mail or
        organisation number within the file, in ``lang``.
    DataError
        When the file cannot be read as CSV or XLSX.
    """
    catalogue(lang)  # an unknown language fails here, naming the ones there are
    path = Path(path)
    if not path.is_file():
        raise DataError(t("roster.no_file", lang, file=str(path)))
    table = _rows(path, lang)
    start = next((i for i, r in enumerate(table) if any(r)), None)
    if start is None:
        raise DataError(t("roster.empty", lang, file=path.name))
    header = table[start]
    where, problems = _columns(header, lang)
    if problems:
        raise ValidationError(problems)
    columns = {f: header[i] for f, i in where.items()}
    found: list[tuple[int, int, str, str]] = []
    rows: list[RosterRow] = []
    emails: dict[str, int] = {}
    numbers: dict[tuple[str, str], tuple[int, str]] = {}
    for number, values in enumerate(table[start + 1:], start=start + 2):
        cells = {f: values[i] if i < len(values) else "" for f, i in where.items()}
        if not any(cells.values()):
            continue
        row, org, person = _check(number, cells, where, header, lang)
        if person is not None:
            first = emails.setdefault(person.email, number)
            if first != number:
                row.add("email", t("roster.duplicate_email", lang, row=first))
        if org is not None:
            first, name = numbers.setdefault((org.country, org.orgnr), (number, org.name))
            if not _same_name(name, org.name):
                row.add("orgnr", t("roster.duplicate_orgnr", lang, row=first, name=name))
        found += row.messages()
        if not row.problems and (org or person):
            rows.append(RosterRow(number, org, person, columns))
    if found:
        raise ValidationError([(label, message) for *_, label, message in sorted(found)])
    return rows


# -- importing ----------------------------------------------------------------------------
def import_roster(store: Store, who: Identity, rows: Sequence[RosterRow], cluster_id: int,
                  *, lang: str = "nb") -> RosterResult:
    """Add the organisations and people of ``rows`` to a cluster, in one transaction.

    An organisation whose number is registered already (under the same name) is reused. Nothing
    is added when any e-mail is registered already or a number belongs to another organisation.

    Raises
    ------
    ValidationError
        Naming each row and column that clashes with what the database holds, in ``lang``.
    AccessDenied
        Unless ``who`` may manage the cluster's register.
    """
    require(who, "manage", cluster_id=cluster_id)

    def vet(existing: Existing) -> None:
        found = []
        for r in rows:
            problems = {}
            if r.person is not None and r.person.email in existing.emails:
                problems["email"] = t("roster.email_registered", lang, email=r.person.email)
            org = r.organisation
            registered = org and existing.organisations.get((org.country, org.orgnr))
            if registered and registered[2] != cluster_id:
                problems["orgnr"] = t("roster.orgnr_other_cluster", lang, orgnr=org.orgnr)
            elif registered and not _same_name(registered[1], org.name):
                problems["orgnr"] = t("roster.orgnr_registered_as", lang, orgnr=org.orgnr, name=registered[1])
            order = list(r.columns)  # the file's column order
            for f, message in problems.items():
                label = t("roster.cell", lang, row=r.row, column=r.columns.get(f, f))
                found.append((r.row, order.index(f) if f in order else -1, label, message))
        if found:
            raise ValidationError([(label, message) for *_, label, message in sorted(found)])

    done = add_members(store, who, cluster_id, [NewMember(r.organisation, r.person) for r in rows], vet)
    added, reused = [], []
    for oid, _, was_there in done:
        if oid is not None and oid not in added and oid not in reused:
            (reused if was_there else added).append(oid)
    return RosterResult(organisations_added=added, organisations_reused=reused,
                        people_added=[pid for _, pid, _ in done if pid is not None],
                        rows=[(r.row, oid, pid) for r, (oid, pid, _) in zip(rows, done)])
