"""The library's files: what a shared file really is, whether it may be kept, and the text inside it.

A file's type is read from its bytes, never from its name: a PDF starts with ``%PDF-``, DOCX
and XLSX are ZIP packages holding ``word/document.xml`` or ``xl/workbook.xml``, a CSV file is
text. A file whose name claims another of these types is refused with what it really is; so is
any other kind of file (a program, an image, a web page, an old Office file), an empty one, one
larger than the limit (``KLYNGE_LIBRARY_MAX_MB``), and one protected with a password (an
encrypted PDF that opens without a password is read as usual). A PDF with no text layer (a scan)
is kept, said to be unsearchable, and found by its title, description and tags only.

Text is taken out with maintained libraries: pypdf, python-docx, openpyxl and :mod:`csv`. The
bytes are never run or shown as a page: the apps offer them only as downloads.

:class:`LibraryEntry` is what a person types about an item (title, kind, language, licence,
tags, visibility), validated as every typed value is.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import urlparse

from markupsafe import Markup, escape
from pydantic import BaseModel, Field, field_validator

from .errors import ValidationError
from .i18n import t

__all__ = ["KINDS", "LANGUAGES", "MEDIA_TYPES", "START", "STOP", "VISIBILITIES", "Checked", "LibraryEntry",
           "check_file", "check_url", "highlight_html", "highlight_text", "parse_tag", "sniff"]

log = logging.getLogger(__name__)

KINDS = ("report", "statistics", "research", "video", "course", "other")
LANGUAGES = ("nb", "sv", "en", "xx")  # xx: another language (its words are not stemmed)
VISIBILITIES = ("cluster", "public")
TAG_KEYS = {"sdg": "sdg", "theme": "themes", "themes": "themes", "month": "months", "months": "months",
            "region": "region"}

#: The types the library keeps, and the media type a download is sent with.
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}
#: What a search snippet marks a match with: control characters that indexed text never holds.
START, STOP = "\x02", "\x03"
MAX_TEXT = 2_000_000  # characters of a file's text that are indexed
_MAX_UNPACKED = 300 * 1024 * 1024  # what a DOCX or XLSX may unpack to (a ZIP bomb is refused)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_OLE = "EncryptionInfo".encode("utf-16-le")
_SIGNATURES = (
    (b"%PDF-", "pdf"), (b"\x89PNG\r\n\x1a\n", "image"), (b"\xff\xd8\xff", "image"), (b"GIF8", "image"),
    (b"RIFF", "media"), (b"MZ", "program"), (b"\x7fELF", "program"), (b"#!", "program"), (b"\x1f\x8b", "archive"),
    (b"7z\xbc\xaf\x27\x1c", "archive"), (b"Rar!", "archive"), (b"%!PS", "postscript"), (b"{\\rtf", "rtf"),
)


@dataclass(frozen=True)
class Checked:
    """A file the library may keep: its type, media type, text, and whether that text can be searched."""

    type: str
    media_type: str
    filename: str
    text: str
    searchable: bool
    reason: str | None = None  # why not searchable: no_text_layer


def _problem(key: str, lang: str, **values) -> ValidationError:
    return ValidationError([(t("library.file", lang), t(key, lang, **values))])


def _what(kind: str, lang: str) -> str:
    return t(f"library.type.{kind}", lang)


# -- what a file is -------------------------------------------------------------------------
def sniff(data: bytes) -> str:
    """The type of ``data`` read from its bytes: pdf, docx, xlsx, csv, or what else it is.

    Other answers: ``encrypted_office`` (a DOCX or XLSX with a password), ``office_old`` (DOC,
    XLS, PPT), ``pptx``, ``odf``, ``zip``, ``image``, ``media``, ``program``, ``archive``,
    ``postscript``, ``rtf``, ``html``, ``binary``.
    """
    head = data[:2048]
    if b"%PDF-" in head[:1024]:
        return "pdf"
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            return kind
    if head.startswith(_OLE):
        return "encrypted_office" if _ENCRYPTED_OLE in data[:1 << 20] else "office_old"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    return _text_kind(head)


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "zip"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    if "mimetype" in names and "content.xml" in names:
        return "odf"
    return "zip"


def _text_kind(head: bytes) -> str:
    if b"\x00" in head:
        return "binary"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith(b"<") and any(tag in lowered for tag in (b"<html", b"<!doctype", b"<script", b"<svg",
                                                                     b"<?xml", b"<body", b"<iframe")):
        return "html"
    try:
        decoded = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not only a character cut at the end of the sample
            decoded = head.decode("cp1252", errors="replace")
        else:
            decoded = head[:exc.start].decode("utf-8")
    odd = sum(1 for ch in decoded if ord(ch) < 32 and ch not in "\t\r\n\f")
    return "binary" if odd > max(4, len(decoded) // 50) else "csv"


# -- checking a file ------------------------------------------------------------------------
def check_file(filename: str, data: bytes, *, max_bytes: int, lang: str = "en") -> Checked:
    """Check a file for the library and take its text out.

    Raises
    ------
    ValidationError
        With one message the person can act on: empty, too large, not a type the library
        takes, renamed to hide its type, protected with a password, or damaged.
    """
    if not data:
        raise _problem("library.empty", lang)
    if len(data) > max_bytes:
        raise _problem("library.too_large", lang, size=_mb(len(data), lang), limit=_mb(max_bytes, lang))
    real = sniff(data)
    name = PurePath(filename.replace("\\", "/")).name or "file"
    claimed = PurePath(name).suffix.lower().lstrip(".")
    if real == "encrypted_office":
        raise _problem("library.encrypted", lang)
    if real not in MEDIA_TYPES:
        raise _problem("library.unsupported", lang, what=_what(real, lang))
    if claimed in MEDIA_TYPES and claimed != real:
        raise _problem("library.renamed", lang, name=name, what=_what(real, lang), ext=real)
    if claimed != real:  # no ending, or one we do not know (.txt): the file gets its true one
        name = f"{PurePath(name).stem or 'file'}.{real}"
    try:
        text, reason = _EXTRACT[real](data)
    except _Encrypted:
        raise _problem("library.encrypted", lang) from None
    except Exception as exc:  # a damaged file: the libraries raise many kinds of errors
        log.info("%s could not be read as %s: %s", name, real, exc)
        raise _problem("library.damaged", lang, what=_what(real, lang)) from None
    text = text[:MAX_TEXT]
    return Checked(type=real, media_type=MEDIA_TYPES[real], filename=name[:200], text=text,
                   searchable=reason is None, reason=reason)


def _mb(size: int, lang: str) -> str:
    from .formatting import number

    return number(round(size / 1_000_000, 1), lang)


class _Encrypted(Exception):
    pass


def _pdf(data: bytes) -> tuple[str, str | None]:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a slightly odd PDF is common and harmless
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # only a restriction on printing or copying: readable
        except Exception:
            opened = 0
        if not opened:
            raise _Encrypted()
    parts, size = [], 0
    for page in reader.pages:
        part = page.extract_text() or ""
        parts.append(part)
        size += len(part)
        if size > MAX_TEXT:
            break
    text = "\n".join(parts)
    if not re.search(r"\w{2}", text):
        return "", "no_text_layer"
    return text, None


def _unpacked_size_ok(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        if sum(i.file_size for i in z.infolist()) > _MAX_UNPACKED or len(z.infolist()) > 20000:
            raise ValueError("unpacks to too much")


def _docx(data: bytes) -> tuple[str, str | None]:
    import docx

    _unpacked_size_ok(data)
    doc = docx.Document(io.BytesIO(data))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(lines), None


def _xlsx(data: bytes) -> tuple[str, str | None]:
    import openpyxl

    _unpacked_size_ok(data)
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    lines, size = [], 0
    try:
        for sheet in book.worksheets:
            lines.append(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                line = " ".join(str(v) for v in row if v is not None)
                lines.append(line)
                size += len(line)
                if size > MAX_TEXT:
                    return "\n".join(lines), None
    finally:
        book.close()
    return "\n".join(lines), None


def _csv(data: bytes) -> tuple[str, str | None]:
    try:
        decoded = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        decoded = data.decode("cp1252", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(decoded[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = csv.reader(io.StringIO(decoded[:MAX_TEXT]), dialect)
        return "\n".join(" ".join(cell for cell in row) for row in rows), None
    except csv.Error:  # a cell past csv's size limit, or quotes that never close: the text is still text
        return decoded[:MAX_TEXT], None


_EXTRACT = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "csv": _csv}


# -- snippets ------------------------------------------------------------------------------
def highlight_html(snippet: str) -> Markup:
    """A search snippet as safe HTML: all of its text escaped, then only the matches put in ``<mark>``.

    Whatever a file holds (``<img onerror=...>``, ``<script>``) arrives as text; the marks are
    control characters the index never holds, so a file cannot forge one.
    """
    return Markup(_marks(str(escape(snippet)), "<mark>", "</mark>"))  # escaping leaves the marks as they are


def highlight_text(snippet: str, start: str = "**", stop: str = "**") -> str:
    """A search snippet as plain text, each match between ``start`` and ``stop``."""
    return _marks(snippet, start, stop)


def _marks(snippet: str, start: str, stop: str) -> str:
    """Turn the marks into ``start``/``stop``, pairing them so an unclosed mark is closed and a stray one dropped."""
    out, open_ = [], False
    for ch in snippet:
        if ch == START and not open_:
            out.append(start)
            open_ = True
        elif ch == STOP and open_:
            out.append(stop)
            open_ = False
        elif ch not in (START, STOP):
            out.append(ch)
    if open_:
        out.append(stop)
    return " ".join("".join(out).split())


# -- links and what a person types ----------------------------------------------------------
def check_url(url: str, lang: str = "en") -> str:
    """A link the library may keep: http or https with a host (never ``javascript:`` or ``data:``)."""
    url = (url or "").strip()
    parts = urlparse(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 1000 or any(c.isspace() for c in url):
        raise ValidationError([(t("library.link", lang), t("library.bad_link", lang))])
    return url


def parse_tag(tag: str) -> tuple[str, str]:
    """A tag as typed (``sdg:8``, ``theme:food``, ``month:3``, ``region:Oppdal``; a bare word is a theme)."""
    key, sep, value = tag.partition(":")
    if not sep:
        key, value = "theme", tag
    key = TAG_KEYS.get(key.strip().lower())
    value = value.strip()
    if key is None or not value:
        raise ValidationError([("tag", f"{tag!r} is not a tag: write sdg:8, theme:food, month:3 or region:Oppdal")])
    if key in ("sdg", "months"):
        top = 17 if key == "sdg" else 12
        if not value.isdigit() or not 1 <= int(value) <= top:
            raise ValidationError([("tag", f"{tag!r}: {key} takes a number from 1 to {top}")])
        return key, str(int(value))
    return key, value


class LibraryEntry(BaseModel):
    """What a person says about a file or link they share."""

    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    kind: str = "other"
    language: str = "nb"
    licence: str = Field(default="", max_length=64)
    tags: dict[str, list] = Field(default_factory=dict)
    visibility: str = "cluster"

    @field_validator("title", "description", "licence")
    @classmethod
    def _strip(cls, v: str) -> str:
        return v.strip()

    @field_validator("kind", "language", "visibility")
    @classmethod
    def _choice(cls, v: str, info) -> str:
        choices = {"kind": KINDS, "language": LANGUAGES, "visibility": VISIBILITIES}[info.field_name]
        if v not in choices:
            raise ValueError(f"{info.field_name} must be one of {', '.join(choices)}")
        return v

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: dict) -> dict:
        out: dict[str, list] = {}
        for key, values in v.items():
            for value in values:
                k, val = parse_tag(f"{key}:{value}")
                out.setdefault(k, [])
                typed = int(val) if k in ("sdg", "months") else val
                if typed not in out[k]:
                    out[k].append(typed)
        return {k: sorted(vals) if k in ("sdg", "months") else vals for k, vals in sorted(out.items())}

    @classmethod
    def with_tags(cls, tags: list[str], **fields) -> LibraryEntry:
        """An entry with tags as typed (``["sdg:8", "theme:food"]``)."""
        grouped: dict[str, list] = {}
        for tag in tags:
            key, value = parse_tag(tag)
            grouped.setdefault(key, []).append(value)
        return cls(tags=grouped, **fields)


# -- the demo's library ---------------------------------------------------------------------
def load_demo_library(store, cluster_id: int, folder) -> int:
    """Share the demo's library (``<folder>/library/items.yaml`` and its files), each item by its participant.

    Returns how many items were added; a demo folder without a library adds none.

    Raises
    ------
    DataError
        The list or one of its files is not what it should be (naming the item).
    """
    from pathlib import Path

    import yaml

    from .errors import DataError, KlyngeError
    from .store import Identity

    listing = Path(folder) / "library" / "items.yaml"
    if not listing.exists():
        return 0
    system = Identity.system()
    items = yaml.safe_load(listing.read_text(encoding="utf-8")) or []
    for n, raw in enumerate(items, 1):
        raw = dict(raw)
        where = f"{listing}, item {n}"
        try:
            person = store.person_by_email(system, raw.pop("shared_by"))
            who = Identity(person_id=person.id, role="participant", organisation_id=person.organisation_id,
                           cluster_id=cluster_id, name=person.name)
            source, url = raw.pop("file", None), raw.pop("url", None)
            entry = LibraryEntry.with_tags(raw.pop("tags", []), **raw)
            if url:
                store.add_library_link(who, url, entry)
            else:
                data = (listing.parent / source).read_bytes()
                store.add_library_file(who, source, data, entry, max_bytes=len(data))
        except (KlyngeError, KeyError, TypeError, OSError, ValueError) as exc:
            raise DataError(f"{where}: {exc}") from None
    return len(items)
