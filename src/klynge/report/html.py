"""Self-contained HTML pages: escaped text, embedded PNG figures, no external resources.

Every page works offline and from a file: styles are inline, figures are ``data:`` URLs, and
a Content-Security-Policy forbids scripts and any other source. The markup lives in the
templates ``report/page.html.j2`` (the document), ``report/parts.html.j2`` (sections, tables,
figures) and ``report/index.html.j2``, which escape every value, so a member's note that holds
markup shows as the text it is. The pieces are :class:`markupsafe.Markup`, so one can be placed
in another without being escaped twice. Each page prints the fingerprint of the data it was
built from.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping, Sequence

from markupsafe import Markup, escape

from ..formatting import number
from ..i18n import t
from ..templating import render, snippet

__all__ = ["bullet_notes", "details", "esc", "figure", "index_page", "page", "paragraph", "section", "table"]

_PARTS = "report/parts.html.j2"


def esc(value) -> str:
    """``value`` as HTML text, escaped as the templates escape it (``<``, ``>``, ``&``, both quotes). None is empty."""
    return "" if value is None else str(escape(str(value)))


def _markup(parts: str | Iterable[str]) -> list[Markup]:
    """One piece or several of escaped HTML as a list of Markup, the empty ones left out."""
    return [Markup(p) for p in ([parts] if isinstance(parts, str) else parts) if p]


def page(title: str, lang: str, body: str | Iterable[str], fingerprint: str | None = None,
         subtitle: str = "") -> str:
    """A whole HTML document in ``lang`` with ``body`` (escaped HTML, or a list of such parts) and the fingerprint."""
    return render("report/page.html.j2", title=title, lang=lang, parts=_markup(body), fingerprint=fingerprint,
                  subtitle=subtitle)


def section(title: str, *parts: str, level: int = 2) -> Markup:
    """A heading and its (already escaped) parts."""
    return snippet(_PARTS, "section", title, _markup(parts), level)


def paragraph(text: str) -> Markup:
    """One paragraph of text."""
    return snippet(_PARTS, "paragraph", text)


def _cell(value, lang: str) -> tuple[str, bool]:
    """A value as a cell's text, and whether it is a number (set to the right)."""
    if isinstance(value, bool):
        return ("✓" if value else ""), False
    if isinstance(value, (int, float)):
        return number(value, lang, digits=3), True
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value), False
    return ("" if value is None else str(value)), False


def table(rows: Sequence[Mapping], columns: Sequence[str] | None = None,
          labels: Mapping[str, str] | None = None, limit: int | None = None, lang: str = "en",
          header: bool = True) -> Markup:
    """An HTML table of ``rows`` (dicts); ``labels`` names the columns; ``limit`` cuts long tables.

    Without ``header`` the first column is a row heading (a two-column list of facts, which
    stacks on a phone; a wide table scrolls sideways in its own box). Numbers are written the
    way ``lang`` writes them.
    """
    if not rows:
        return Markup("")
    columns = list(columns or rows[0].keys())
    labels = labels or {}
    shown = rows if limit is None else rows[:limit]
    cells = [[_cell(r.get(c), lang) for c in columns] for r in shown]
    if not header:  # the row heading is the value as it is, never a number set right
        for row, r in zip(cells, shown):
            row[0] = ("" if r.get(columns[0]) is None else str(r.get(columns[0])), False)
    more = t("batch.more_rows", lang, n=len(rows) - len(shown)) if len(shown) < len(rows) else ""
    return snippet(_PARTS, "table", [labels.get(c, c) for c in columns], cells, header, more)


def details(summary: str, content: str | Iterable[str]) -> Markup:
    """A folded block: ``summary`` (text) shows, ``content`` (escaped HTML, or a list of it) opens on a click."""
    parts = _markup(content)
    return snippet(_PARTS, "details", summary, parts) if parts else Markup("")


def figure(png: bytes, alt: str, caption: str = "", rows: Sequence[Mapping] | None = None,
           columns: Sequence[str] | None = None, lang: str = "en", limit: int | None = 500) -> Markup:
    """A PNG embedded as a ``data:`` URL, its caption, and the rows it came from (folded, at most ``limit``)."""
    source = Markup("")
    if rows is not None:
        source = details(t("batch.rows", lang, n=len(rows)),
                         table(rows, columns, lang=lang, limit=limit) or paragraph(t("batch.no_data", lang)))
    return snippet(_PARTS, "figure", base64.b64encode(png).decode("ascii"), alt, caption, source)


def bullet_notes(notes: Iterable[tuple[str, bool]], lang: str) -> Markup:
    """A list of note texts; private ones are marked."""
    items = list(notes)
    return snippet(_PARTS, "notes", items, lang) if items else Markup("")


def index_page(cluster_name: str, lang: str, members: Sequence[Mapping], cluster: Mapping | None,
               failures: Sequence[Mapping], fingerprint: str | None) -> str:
    """The batch's front page: the cluster summary and every member's report, with their status.

    Parameters
    ----------
    members
        Rows with ``name``, ``href`` (None without a report), ``status`` and ``fingerprint``.
    cluster
        ``{"href": ..., "status": ...}`` of the cluster summary, or None.
    failures
        Rows with ``step``, ``name``, ``error`` and ``notebook`` (a relative link).
    """
    return render("report/index.html.j2", title=t("batch.index_title", lang, name=cluster_name), lang=lang,
                  subtitle="", fingerprint=fingerprint, parts=[], members=members, cluster=cluster,
                  failures=failures)
