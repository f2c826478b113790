"""Export the whole cluster to one portable zip archive, and import it again.

The archive holds::

    cluster.json           every table as JSON: the lossless part, every revision and row version
    organisations.csv      tidy tables for a spreadsheet (comma-separated, UTF-8, one header row)
    people.csv
    offers.csv
    canvas_notes.csv       the current revision of every canvas, one row per note
    sdg_entries.csv        the current revision of every SDG assessment, one row per target
    packages.csv           the current revision of every package
    decisions.csv          the current version of every decision on a finding's option
    maturity_scores.csv    the self-assessment's score per area in every round's snapshot
    package_settings.csv   the cluster's package settings (currency, exchange rates, limits)
    DATA_DICTIONARY.md     what every column means, made from :data:`DICTIONARY`
    data_dictionary.csv    the same as a table: table, column, type, meaning, allowed_values
    manifest.json          format and schema version, row counts, sha256 of every other file

An export is deterministic (sorted keys and members, fixed timestamps and permissions, ``\\n``
line endings), so export, import and export again give the same bytes. Sign-in keys are never
exported: after an import, issue new keys to everyone. The archive holds names and e-mail
addresses: keep it as safe as the database.

Text in the CSV files that a spreadsheet program would run as a formula (it begins with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) is written with a leading ``'``; ``cluster.json``
holds it as typed, and an import reads only that file, so the round trip is unchanged. An
import refuses, before unpacking anything, an archive that would unpack to more than
:data:`MAX_UNPACKED_BYTES` or holds more than :data:`MAX_MEMBERS` files.

The same archive is Klynge's backup (:func:`backup_archive`): one is written before a database
is replaced, and ``klynge db restore`` loads one back.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from . import __version__
from . import model as m
from .cells import spreadsheet_text
from .errors import DataError, NotEmpty
from .model.offer import CAPACITY_UNIT_OF, DEFAULT_PRICE_UNIT
from .store import Identity, Store, bulk

__all__ = ["ARCHIVE_UPGRADES", "DICTIONARY", "FORMAT_VERSION", "MAX_MEMBERS", "MAX_UNPACKED_BYTES", "Imported",
           "backup_archive", "check_archive", "export_archive", "import_archive"]

FORMAT = "klynge-archive"
FORMAT_VERSION = 1
SYSTEM = Identity.system()
_WHEN = (1980, 1, 1, 0, 0, 0)
_ID, _INT, _TEXT, _TIME = "integer", "integer", "text", "date-time (ISO 8601, UTC)"
_LIST = "list separated by ;"
#: The most an archive may unpack to. A real cluster's archive is a few megabytes; an import
#: holds cluster.json in memory, so this also bounds what an import can ask of the machine.
MAX_UNPACKED_BYTES = 1 << 30
#: The most files an archive may hold (an export writes 14).
MAX_MEMBERS = 64


def _one_of(values) -> str:
    return ", ".join(str(v) for v in values)


#: Every column of every CSV file: (column, type, meaning, allowed values). The CSV writers and
#: the data dictionary both read it, so the two cannot disagree.
DICTIONARY: dict[str, tuple[str, tuple[tuple[str, str, str, str], ...]]] = {
    "organisations": ("One row per member organisation.", (
        ("id", _ID, "Klynge's id of the organisation; other files refer to it", ""),
        ("cluster_id", _ID, "the cluster it belongs to", ""),
        ("name", _TEXT, "name of the organisation", "1 to 120 characters"),
        ("kind", _TEXT, "what kind of member it is", _one_of(m.ORGANISATION_KINDS)),
        ("sector", _TEXT, "its tourism sector", _one_of(m.SECTORS)),
        ("country", _TEXT, "country code", "NO, SE"),
        ("orgnr", _TEXT, "organisation number (Brønnøysund or Bolagsverket)",
         "NO: 9 digits; SE: 10 digits written NNNNNN-NNNN"),
        ("municipality", _TEXT, "municipality code (Kartverket / SCB)", "4 digits"),
        ("lat", "decimal number", "latitude (WGS 84), if given", "54 to 72, or empty"),
        ("lon", "decimal number", "longitude (WGS 84), if given", "3 to 32, or empty"),
        ("size", _TEXT, "size class", _one_of(m.SIZES)),
        ("employees", _INT, "number of employees, if given", "0 or more, or empty"),
        ("phase", _TEXT, "where its development work stands", _one_of(m.PHASES)),
        ("certifications", _LIST, "environmental certifications", _one_of(m.CERTIFICATIONS)),
        ("subclusters", _LIST, "short names of the sub-clusters (themes) it belongs to", ""),
        ("needs", _TEXT, "what it needs from the cluster", ""),
        ("description", _TEXT, "what it does", ""),
        ("website", _TEXT, "web address", "http(s) address, or empty"),
        ("version", _INT, "edit count; earlier versions are in cluster.json (row_history)", "1 or more"),
        ("updated_at", _TIME, "when it was last changed", ""),
    )),
    "people": ("One row per person who can sign in (keys are not exported); an erased person keeps "
               "only their id and dates.", (
        ("id", _ID, "Klynge's id of the person; documents refer to it as author", ""),
        ("cluster_id", _ID, "the cluster they belong to", ""),
        ("organisation_id", _ID, "the organisation they act for (see organisations.csv)", "empty for staff"),
        ("name", _TEXT, "full name", "empty when erased"),
        ("email", _TEXT, "e-mail address", "empty when erased"),
        ("role", _TEXT, "what they may do in Klynge", _one_of(m.ROLES)),
        ("created_at", _TIME, "when they were registered", ""),
        ("erased_at", _TIME, "when their name and e-mail were erased", "empty unless erased"),
    )),
    "offers": ("One row per offer, removed ones included (see removed_at).", (
        ("id", _ID, "Klynge's id of the offer; packages refer to it", ""),
        ("organisation_id", _ID, "the organisation that sells it", ""),
        ("title", _TEXT, "name of the offer", "1 to 120 characters"),
        ("description", _TEXT, "what the guest gets", ""),
        ("kind", _TEXT, "kind of offer", _one_of(m.OFFER_KINDS)),
        ("municipality", _TEXT, "municipality code where it takes place", "4 digits"),
        ("months", _LIST, "months it is available (1 = January)", "1 to 12"),
        ("capacity_per_day", _INT, "how many it takes a day, counted in capacity_unit", "1 to 100000"),
        ("capacity_unit", _TEXT, "what capacity_per_day counts: guests a day (activity, culture, venue), "
         "beds (accommodation) or seats (meal, transport); only like is added to like",
         _one_of(m.CAPACITY_UNITS)),
        ("price_amount", "decimal number", "the price, two decimals, for what price_unit says", "0 or more"),
        ("price_unit", _TEXT, "what the price is for: one guest (person), a group of price_guests (group), "
         "one night for price_guests (night), or a unit such as a cabin week or a room hire for price_guests "
         "guests and price_nights nights (unit)", _one_of(m.PRICE_UNITS)),
        ("price_guests", _INT, "guests the price covers", "1 to 1000; 1 when price_unit is person"),
        ("price_nights", _INT, "nights the price covers", "1 to 366"),
        ("currency", _TEXT, "currency of the price", _one_of(m.CURRENCIES)),
        ("vat_included", "boolean", "whether the price includes VAT", "true, false"),
        ("duration_hours", "decimal number", "how long it lasts, in hours", "more than 0"),
        ("languages", _LIST, "languages it is offered in", _one_of(m.LANGUAGE_CODES)),
        ("trend", _TEXT, "how demand develops", _one_of(m.TRENDS)),
        ("version", _INT, "edit count; earlier versions are in cluster.json (row_history)", "1 or more"),
        ("updated_at", _TIME, "when it was last changed", ""),
        ("removed_at", _TIME, "when it was taken off the list", "empty while offered"),
    )),
    "canvas_notes": ("The current revision of every canvas, one row per note; every earlier revision "
                     "is in cluster.json (revisions).", (
        ("organisation_id", _ID, "the organisation whose canvas it is", ""),
        ("template", _TEXT, "the canvas template", "e.g. business_model, value_proposition"),
        ("revision", _INT, "number of the current revision", "1 or more"),
        ("saved_at", _TIME, "when that revision was saved", ""),
        ("note_id", _TEXT, "stable id of the note across revisions", ""),
        ("block", _TEXT, "the block of the template the note sits in", ""),
        ("order", _INT, "position within the block", "0 to 10000"),
        ("text", _TEXT, "the note", "up to 2000 characters"),
        ("visibility", _TEXT, "who may read it", _one_of(m.VISIBILITIES)),
        ("sdg_targets", _LIST, "SDG targets the note is about", "codes such as 8.9 or 12.b"),
        ("months", _LIST, "months the note is about", "1 to 12"),
    )),
    "sdg_entries": ("The current revision of every SDG assessment, one row per target.", (
        ("organisation_id", _ID, "the organisation that assessed itself", ""),
        ("revision", _INT, "number of the current revision", "1 or more"),
        ("saved_at", _TIME, "when that revision was saved", ""),
        ("target", _TEXT, "SDG target", "codes such as 8.9 or 12.b"),
        ("relevance", _INT, "how relevant the target is to the organisation", "0 to 3"),
        ("impact", _INT, "negative or positive impact on the target", "from -2 to 2"),
        ("evidence", _TEXT, "what the judgement rests on", ""),
        ("action", _TEXT, "planned action", ""),
        ("visibility", _TEXT, "who may read it", _one_of(m.VISIBILITIES)),
        ("confirmed", "boolean", "whether the organisation confirmed a suggested entry", "true, false"),
    )),
    "packages": ("The current revision of every package.", (
        ("organisation_id", _ID, "the organisation that owns the package", ""),
        ("package", _TEXT, "stable id of the package", ""),
        ("revision", _INT, "number of the current revision", "1 or more"),
        ("saved_at", _TIME, "when that revision was saved", ""),
        ("title", _TEXT, "name of the package", "1 to 120 characters"),
        ("description", _TEXT, "what the guest gets", ""),
        ("status", _TEXT, "whether it is finished", "draft, ready"),
        ("visibility", _TEXT, "who may read it", _one_of(m.VISIBILITIES)),
        ("months", _LIST, "months it is sold for", "1 to 12"),
        ("target_segment", _TEXT, "the guests it is made for", ""),
        ("offer_ids", _LIST, "offers it combines, in order (see offers.csv)", ""),
        ("partner_ids", _LIST, "organisations whose offers it combines", ""),
    )),
    "decisions": ("The current version of every decision the members took on an option of a finding; earlier "
                  "versions are in cluster.json (row_history, entity decision).", (
        ("id", _ID, "Klynge's id of the decision", ""),
        ("finding_id", _TEXT, "the finding's stable id in the batch's findings", "kept when the finding is gone"),
        ("option_id", _TEXT, "the option's stable id", ""),
        ("outcome", _TEXT, "what the members did with the option", _one_of(m.OUTCOMES)),
        ("amendment", _TEXT, "how the option was amended", "empty unless amended"),
        ("reasoning", _TEXT, "why the members decided so", ""),
        ("decided_by", _LIST, "who decided: names or organisations, or people's ids (see people.csv)", ""),
        ("decided_on", "date (ISO 8601)", "the day of the decision", ""),
        ("version", _INT, "edit count", "1 or more"),
        ("updated_at", _TIME, "when this version was saved", ""),
    )),
    "maturity_scores": ("The maturity self-assessment's score per area in every snapshot of a programme round; "
                        "the answers and the members' figures are in cluster.json.", (
        ("round", _TEXT, "the programme round", ""),
        ("taken_at", _TIME, "when the snapshot was taken", ""),
        ("area", _TEXT, "the area of the self-assessment", "e.g. resource_base, services"),
        ("average", "decimal number", "weighted mean of the answered questions", "on the scale, or empty"),
        ("answered", _INT, "questions answered by someone", "0 or more"),
        ("unanswered", _INT, "questions nobody answered (left out of the average)", "0 or more"),
    )),
    "package_settings": ("The cluster's package settings, one row per cluster that has saved some.", (
        ("cluster_id", _ID, "the cluster they belong to", ""),
        ("currency", _TEXT, "the currency package prices are shown in", _one_of(m.CURRENCIES)),
        ("rates", _LIST, "value of one unit of another currency in that currency, as CODE=rate", "e.g. SEK=0.97"),
        ("max_leg_minutes", _INT, "the longest leg between two parts that suggestions allow", "5 to 600"),
        ("price_min", "decimal number", "the lowest price per guest suggestions keep to", "0 or more, or empty"),
        ("price_max", "decimal number", "the highest price per guest suggestions keep to", "0 or more, or empty"),
        ("version", _INT, "edit count", "1 or more"),
        ("updated_at", _TIME, "when they were last changed", ""),
    )),
}


@dataclass(frozen=True)
class Imported:
    """What an import did: rows loaded per table, and the backup of what was replaced."""

    counts: dict[str, int]
    backup: Path | None
    schema_version: str


# -- export -------------------------------------------------------------------------------
def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return str(value)  # a number stays a number: -2 is an impact, not a formula
    if isinstance(value, (list, tuple)):
        return spreadsheet_text(";".join(str(v) for v in value))
    return spreadsheet_text(str(value))


def _csv(table: str, rows: list[dict]) -> bytes:
    columns = [c[0] for c in DICTIONARY[table][1]]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue().encode("utf-8")


def _heads(tables: dict, kind: str) -> list[tuple[dict, dict]]:
    """The current revision of every document of a kind, as (document, revision) rows."""
    docs = {d["id"]: d for d in tables["documents"] if d["kind"] == kind}
    heads: dict[int, dict] = {}
    for rev in tables["revisions"]:
        if rev["document_id"] in docs and rev["number"] > heads.get(rev["document_id"], {"number": 0})["number"]:
            heads[rev["document_id"]] = rev
    return sorted(((docs[i], r) for i, r in heads.items()), key=lambda p: (p[0]["organisation_id"], p[0]["name"]))


def _target_key(code: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 100 + ord(p) for p in code.split("."))


def _tidy(tables: dict) -> dict[str, list[dict]]:
    slugs = {r["id"]: r["slug"] for r in tables["subclusters"]}
    member_of: dict[int, list[str]] = {}
    for row in tables["memberships"]:
        member_of.setdefault(row["organisation_id"], []).append(slugs[row["subcluster_id"]])
    organisations = [{**o, "subclusters": sorted(member_of.get(o["id"], []))} for o in tables["organisations"]]
    notes, entries, packages = [], [], []
    for doc, rev in _heads(tables, "canvas"):
        head = {"organisation_id": doc["organisation_id"], "template": doc["name"], "revision": rev["number"],
                "saved_at": rev["saved_at"]}
        items = sorted(rev["body"].items(), key=lambda kv: (kv[1].get("block", ""), kv[1].get("order", 0), kv[0]))
        notes += [{**head, **item, "note_id": key} for key, item in items]
    for doc, rev in _heads(tables, "sdg"):
        head = {"organisation_id": doc["organisation_id"], "revision": rev["number"], "saved_at": rev["saved_at"]}
        entries += [{**head, **rev["body"][t], "target": t} for t in sorted(rev["body"], key=_target_key)]
    for doc, rev in _heads(tables, "package"):
        body = rev["body"]
        parts = body.get("components", [])
        packages.append({**body, "organisation_id": doc["organisation_id"], "package": doc["name"],
                         "revision": rev["number"], "saved_at": rev["saved_at"],
                         "offer_ids": [c["offer_id"] for c in parts],
                         "partner_ids": list(dict.fromkeys(c["organisation_id"] for c in parts))})
    decisions = [{**d["body"], "id": d["id"], "version": d["version"], "updated_at": d["updated_at"]}
                 for d in tables.get("decisions", [])]
    scores = [{**a, "round": snap["round"], "taken_at": snap["taken_at"]}
              for snap in tables.get("maturity_snapshots", []) for a in snap["body"]["score"]["areas"]]
    settings = [{**r["body"], "cluster_id": r["cluster_id"], "version": r["version"], "updated_at": r["updated_at"],
                 "rates": [f"{k}={v}" for k, v in sorted(r["body"].get("rates", {}).items())]}
                for r in tables.get("package_settings", [])]
    return {"organisations": organisations, "people": tables["people"], "offers": tables["offers"],
            "canvas_notes": notes, "sdg_entries": entries, "packages": packages, "decisions": decisions,
            "maturity_scores": scores, "package_settings": settings}


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _dictionary_md() -> bytes:
    lines = ["# Klynge archive: data dictionary", "",
             "This archive holds a whole Klynge cluster. `cluster.json` is the complete, lossless copy "
             "(every table, every revision of every document, every earlier version of organisations and "
             "offers); `klynge import` reads only that file. The CSV files are tidy views of it for "
             "spreadsheets: comma-separated, UTF-8, one header row; lists inside a cell are separated by `;`, "
             "dates are ISO 8601 in UTC. Text that a spreadsheet program would run as a formula (it begins "
             "with =, +, -, @, a tab or a carriage return) is written with a leading ' so that it shows as "
             "text; `cluster.json` holds it as typed. `manifest.json` holds the format and schema version, "
             "the number of rows per table and the SHA-256 checksum of every other file.", "",
             "Sign-in keys are not exported: after an import, issue new keys to everyone. The archive holds "
             "names and e-mail addresses; keep it as safe as the database itself.", ""]
    for table, (about, columns) in DICTIONARY.items():
        lines += [f"## {table}.csv", "", about, "", "| column | type | meaning | allowed values |",
                  "|---|---|---|---|"]
        lines += [f"| {' | '.join(_escape(x) for x in col)} |" for col in columns]
        lines.append("")
    lines += ["## cluster.json", "", "An object with one key per database table, each a list of rows "
              "(objects keyed by column) in primary-key order.", "", "| table | columns |", "|---|---|"]
    lines += [f"| {t.name} | {', '.join(c.name for c in t.columns)} |" for t in bulk.TABLES]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _dictionary_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["table", "column", "type", "meaning", "allowed_values"])
    for table, (_, columns) in DICTIONARY.items():
        writer.writerows([spreadsheet_text(cell) for cell in (table, *col)] for col in columns)
    return out.getvalue().encode("utf-8")


def _json(value) -> bytes:
    return (json.dumps(value, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def export_archive(store: Store, path: str | os.PathLike) -> Path:
    """Write the whole database to one zip archive at ``path``; returns the path.

    The file appears complete or not at all (it is written beside the target and renamed).
    """
    path = Path(path)
    tables = bulk.dump(store, SYSTEM)
    files = {"cluster.json": _json(tables), "DATA_DICTIONARY.md": _dictionary_md(),
             "data_dictionary.csv": _dictionary_csv()}
    files.update({f"{name}.csv": _csv(name, rows) for name, rows in _tidy(tables).items()})
    files["manifest.json"] = _json({
        "format": FORMAT, "format_version": FORMAT_VERSION, "klynge_version": __version__,
        "schema_version": store.schema_version(), "counts": {name: len(rows) for name, rows in tables.items()},
        "files": {name: {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                  for name, data in sorted(files.items())},
    })
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w") as archive:
            for name in sorted(files):
                info = zipfile.ZipInfo(name, date_time=_WHEN)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3  # Unix, so the permissions below are read as such
                info.external_attr = 0o100644 << 16
                archive.writestr(info, files[name], compresslevel=9)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def backup_archive(store: Store, folder: str | os.PathLike) -> Path:
    """Write the whole database as an archive named by the moment (UTC) into ``folder``; returns its path.

    This is the backup taken before a database is replaced (``klynge import --replace``,
    ``klynge demo --replace``, ``klynge db restore``) and what ``klynge db backup`` writes:
    :func:`import_archive` reads it back, on SQLite and PostgreSQL alike.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    return export_archive(store, Path(folder) / f"klynge-backup-{stamp}Z.zip")


# -- import -------------------------------------------------------------------------------
def _read(archive: zipfile.ZipFile, name: str, where: Path) -> bytes:
    try:
        return archive.read(name)
    except KeyError:
        raise DataError(f"{where}: {name} is missing from the archive; export it again") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise DataError(f"{where}: {name} is damaged ({exc}); export it again") from None


def _mb(size: int) -> str:
    return f"{size / (1 << 20):,.1f} MB"


def _check_size(archive: zipfile.ZipFile, where: Path, max_bytes: int, max_members: int) -> None:
    """Refuse an archive that would unpack to too much, from its directory alone.

    The sizes are those the archive declares; zipfile stops decompressing a member at its
    declared size (and then fails on the checksum), so a member that lies about its size
    cannot unpack to more either.
    """
    infos = archive.infolist()
    if len(infos) > max_members:
        raise DataError(f"{where} holds {len(infos):,} files; an import takes at most {max_members:,}. "
                        "Nothing was unpacked: use an archive made by `klynge export`")
    size = sum(i.file_size for i in infos)
    if size > max_bytes:
        raise DataError(f"{where} would unpack to {_mb(size)}, over the import limit of {_mb(max_bytes)}. "
                        "Nothing was unpacked: use an archive made by `klynge export`")


def _contents(path: Path, max_bytes: int = MAX_UNPACKED_BYTES,
              max_members: int = MAX_MEMBERS) -> tuple[dict, dict[str, bytes]]:
    """The manifest and every file it lists, each checked against its checksum."""
    if not path.is_file():
        raise DataError(f"{path}: no such archive")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataError(f"{path} is not a readable Klynge archive (truncated, or not a zip file: {exc})") from None
    with archive:
        _check_size(archive, path, max_bytes, max_members)
        try:
            manifest = json.loads(_read(archive, "manifest.json", path))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DataError(f"{path}: manifest.json is not valid JSON ({exc})") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise DataError(f"{path}: manifest.json does not describe a Klynge archive")
        version = manifest.get("format_version")
        if version != FORMAT_VERSION:
            newer = isinstance(version, int) and version > FORMAT_VERSION
            raise DataError(f"{path} has archive format {version}; this Klynge reads format {FORMAT_VERSION}"
                            + ("; upgrade Klynge (pip install -U klynge) to import it" if newer else ""))
        listed = manifest.get("files")
        if not isinstance(listed, dict) or "cluster.json" not in listed:
            raise DataError(f"{path}: manifest.json lists no cluster.json")
        extra = sorted(set(archive.namelist()) - set(listed) - {"manifest.json"})
        if extra:
            raise DataError(f"{path}: {', '.join(extra)} is not listed in manifest.json; the archive was changed")
        contents = {}
        for name in sorted(listed):
            data = _read(archive, name, path)
            expected = listed[name].get("sha256") if isinstance(listed[name], dict) else None
            if hashlib.sha256(data).hexdigest() != expected:
                raise DataError(f"{path}: {name} does not match its checksum in manifest.json; the file was "
                                "changed or damaged after export. Export the cluster again")
            contents[name] = data
    return manifest, contents


def check_archive(path: str | os.PathLike, *, max_bytes: int = MAX_UNPACKED_BYTES,
                  max_members: int = MAX_MEMBERS) -> dict:
    """Check an archive's manifest and checksums without touching a database; returns the manifest.

    Raises
    ------
    DataError
        Naming the archive and the file in it that is missing, damaged or changed, or the limit
        an archive that would unpack to more than ``max_bytes`` or ``max_members`` files is over.
    """
    return _contents(Path(path), max_bytes, max_members)[0]


def _offer_units(tables: dict) -> None:
    """Schema 0003 to 0004: offers (and their earlier versions) get the units of their kind."""
    def fill(row):
        if isinstance(row, dict) and row.get("kind") in CAPACITY_UNIT_OF:
            row.setdefault("price_unit", DEFAULT_PRICE_UNIT[row["kind"]])
            row.setdefault("price_guests", 1)
            row.setdefault("price_nights", 1)
            row.setdefault("capacity_unit", CAPACITY_UNIT_OF[row["kind"]])

    for row in tables.get("offers", ()):
        fill(row)
    for row in tables.get("row_history", ()):
        if isinstance(row, dict) and row.get("entity") == "offer":
            fill(row.get("body"))


def _unchanged(tables: dict) -> None:
    """A schema change in tables an archive does not hold (sign-in keys, sessions)."""


#: How an archive of an older schema is brought to the next one before it is loaded: the
#: schema version it has, the version it reaches, and what changes in its tables. A migration
#: that changes a table the archive holds adds its step here.
ARCHIVE_UPGRADES: dict[str, tuple[str, Callable[[dict], None]]] = {
    "0001": ("0002", _unchanged),
    "0002": ("0003", _unchanged),
    "0003": ("0004", _offer_units),
    "0004": ("0005", _unchanged),
    "0005": ("0006", _unchanged),
    "0006": ("0007", _unchanged),
    "0007": ("0008", _unchanged),
    "0008": ("0009", _unchanged),
    "0009": ("0010", _unchanged),
    "0010": ("0011", _unchanged),
    "0011": ("0012", _unchanged),
    "0012": ("0013", _unchanged),
    "0013": ("0014", _unchanged),
    "0014": ("0015", _unchanged),
}


def _upgrade_steps(theirs, ours) -> list[Callable[[dict], None]] | None:
    """The steps that bring an archive of schema ``theirs`` to ``ours``, or None when none do."""
    steps = []
    while theirs != ours:
        if theirs not in ARCHIVE_UPGRADES:
            return None
        theirs, step = ARCHIVE_UPGRADES[theirs]
        steps.append(step)
    return steps


def import_archive(store: Store, path: str | os.PathLike, *, replace: bool = False,
                   backup_folder: str | os.PathLike | None = None, max_bytes: int = MAX_UNPACKED_BYTES,
                   max_members: int = MAX_MEMBERS) -> Imported:
    """Load an archive made by :func:`export_archive` into ``store``.

    Everything is checked before the database is touched: the size the archive would unpack to
    (at most ``max_bytes`` in at most ``max_members`` files, checked before anything is
    unpacked), the manifest, every checksum and the schema version. An archive of an older
    schema is brought up to date first (:data:`ARCHIVE_UPGRADES`): an offer from before offers
    had units gets the units of its kind. A database that holds data
    is replaced only with ``replace``, after a backup into ``backup_folder``; the old rows are
    deleted and the new ones loaded in one transaction, so a failed import leaves the database
    as it was. Sign-in keys are not in an archive: issue new ones afterwards.

    Raises
    ------
    DataError
        When the archive is damaged, changed, too large, from another schema version, or does not fit.
    NotEmpty
        When the database holds data and ``replace`` is false.
    """
    path = Path(path)
    manifest, contents = _contents(path, max_bytes, max_members)
    ours, theirs = store.schema_version(), manifest.get("schema_version")
    steps = _upgrade_steps(theirs, ours)
    if steps is None:
        hint = ("upgrade Klynge (pip install -U klynge), run `klynge db upgrade`, then import again"
                if isinstance(theirs, str) and theirs > str(ours) else
                "run `klynge db upgrade` on the database it came from, export it again and import that")
        raise DataError(f"{path} was exported with schema {theirs} (Klynge {manifest.get('klynge_version')}); "
                        f"this database has schema {ours}: {hint}")
    try:
        tables = json.loads(contents["cluster.json"])
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"{path}: cluster.json is not valid JSON ({exc})") from None
    if not isinstance(tables, dict) or {k: len(v) if isinstance(v, list) else -1
                                        for k, v in tables.items()} != manifest.get("counts"):
        raise DataError(f"{path}: cluster.json does not hold the rows manifest.json counts")
    for step in steps:
        step(tables)
    backup = None
    if not store.is_empty(SYSTEM):
        if not replace:
            raise NotEmpty("the database already holds a cluster; add --replace to overwrite it "
                           "(a backup is written first)")
        if backup_folder is None:
            raise ValueError("replacing a database needs a folder for its backup")
        backup = store.backup(SYSTEM, Path(backup_folder))
    counts = bulk.load(store, SYSTEM, tables, replace=replace)
    return Imported(counts=counts, backup=backup, schema_version=ours)
