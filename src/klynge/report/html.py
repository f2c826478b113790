"""Self-contained HTML pages: escaped text, embedded PNG figures, no external resources.

Every page works offline and from a file: styles are inline, figures are ``data:`` URLs, and
a Content-Security-Policy forbids scripts and any other source. Every value that reaches
the page goes through :func:`esc` (``html.escape`` with quotes), so a member's note that
holds markup shows as the text it is. Each page prints the fingerprint of the data it was
built from.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Mapping, Sequence

from ..formatting import number
from ..i18n import t

__all__ = ["bullet_notes", "details", "esc", "figure", "index_page", "page", "section", "table"]

_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2933;background:#fff}
main{max-width:62rem;margin:0 auto;padding:1.5rem}
h1{font-size:1.6rem;margin:.2rem 0 .4rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #d9e2ec}
h3{font-size:1.05rem}
.fingerprint{font-family:ui-monospace,monospace;font-size:.8rem;color:#52606d}
figure{margin:1rem 0}figure img{max-width:100%;height:auto;border:1px solid #e4e7eb}
figcaption{font-size:.9rem;color:#52606d}
table{border-collapse:collapse;margin:.5rem 0;font-size:.88rem}
th,td{border:1px solid #d9e2ec;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f4f8}td.num{text-align:right;font-variant-numeric:tabular-nums}
details{margin:.3rem 0 1rem}summary{cursor:pointer;color:#334e68}
.status-failed{color:#b91c1c;font-weight:600}.status-ok{color:#15803d}.status-skipped{color:#52606d}
.note{white-space:pre-wrap}.private{color:#7b8794;font-size:.8rem}
ul.notes{padding-left:1.2rem}
td{overflow-wrap:break-word}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}
@media (max-width:640px){
main{padding:.8rem}
h1{font-size:1.3rem}h2{font-size:1.1rem;margin-top:1.4rem}
table{font-size:.82rem}th,td{padding:.2rem .35rem}
table.facts,table.facts tbody,table.facts tr,table.facts th,table.facts td{display:block;border:0}
table.facts tr{border-bottom:1px solid #d9e2ec;padding:.3rem 0}
table.facts th{background:none;padding:0;font-size:.78rem;color:#52606d}
table.facts td{padding:0}
.fingerprint{overflow-wrap:anywhere}
}
"""


def esc(value) -> str:
    """``value`` as HTML text: ``<``, ``>``, ``&`` and both quotes escaped. None is empty."""
    return "" if value is None else html.escape(str(value), quote=True)


def page(title: str, lang: str, body: str, fingerprint: str | None = None, subtitle: str = "") -> str:
    """A whole HTML document in ``lang`` with ``body`` (already escaped) and the fingerprint line."""
    stamp = (f'<p class="fingerprint">{esc(t("batch.fingerprint", lang, fingerprint=fingerprint))}</p>'
             if fingerprint else "")
    sub = f"<p>{esc(subtitle)}</p>" if subtitle else ""
    return (f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="referrer" content="no-referrer">\n'
            f"<title>{esc(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n<main>\n"
            f"<h1>{esc(title)}</h1>\n{sub}{stamp}\n{body}\n</main>\n</body>\n</html>\n")


def section(title: str, *parts: str, level: int = 2) -> str:
    """A heading and its (already escaped) parts."""
    return f"<section>\n<h{level}>{esc(title)}</h{level}>\n" + "\n".join(p for p in parts if p) + "\n</section>"


def _cell(value, lang: str) -> str:
    if isinstance(value, bool):
        return f"<td>{'✓' if value else ''}</td>"
    if isinstance(value, (int, float)):
        return f'<td class="num">{esc(number(value, lang, digits=3))}</td>'
    if isinstance(value, (list, tuple)):
        return f"<td>{esc(', '.join(str(v) for v in value))}</td>"
    return f"<td>{esc(value)}</td>"


def table(rows: Sequence[Mapping], columns: Sequence[str] | None = None,
          labels: Mapping[str, str] | None = None, limit: int | None = None, lang: str = "en",
          header: bool = True) -> str:
    """An HTML table of ``rows`` (dicts); ``labels`` names the columns; ``limit`` cuts long tables.

    Without ``header`` the first column is a row heading (a two-column list of facts, which
    stacks on a phone). Numbers are written the way ``lang`` writes them.
    """
    if not rows:
        return ""
    columns = list(columns or rows[0].keys())
    labels = labels or {}
    head = "".join(f"<th>{esc(labels.get(c, c))}</th>" for c in columns)
    shown = rows if limit is None else rows[:limit]
    if header:
        body = "\n".join("<tr>" + "".join(_cell(r.get(c), lang) for c in columns) + "</tr>" for r in shown)
    else:
        body = "\n".join(f'<tr><th scope="row">{esc(r.get(columns[0]))}</th>'
                         + "".join(_cell(r.get(c), lang) for c in columns[1:]) + "</tr>" for r in shown)
    more = (f'<p class="private">{esc(t("batch.more_rows", lang, n=len(rows) - len(shown)))}</p>'
            if len(shown) < len(rows) else "")
    thead = f"<thead><tr>{head}</tr></thead>\n" if header else ""
    # A wide table scrolls sideways in its own box on a phone; a list of facts stacks.
    css = "" if header else ' class="facts"'
    return f'<div class="scroll"><table{css}>\n{thead}<tbody>\n{body}\n</tbody>\n</table></div>{more}'


def details(summary: str, content: str) -> str:
    """A folded block: ``summary`` (text) shows, ``content`` (escaped HTML) opens on a click."""
    if not content:
        return ""
    return f"<details><summary>{esc(summary)}</summary>\n{content}\n</details>"


def figure(png: bytes, alt: str, caption: str = "", rows: Sequence[Mapping] | None = None,
           columns: Sequence[str] | None = None, lang: str = "en", limit: int | None = 500) -> str:
    """A PNG embedded as a ``data:`` URL, its caption, and the rows it came from (folded, at most ``limit``)."""
    data = base64.b64encode(png).decode("ascii")
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    source = ""
    if rows is not None:
        source = details(t("batch.rows", lang, n=len(rows)), table(rows, columns, lang=lang, limit=limit) or
                         f"<p>{esc(t('batch.no_data', lang))}</p>")
    return f'<figure>\n<img src="data:image/png;base64,{data}" alt="{esc(alt)}">\n{cap}\n{source}\n</figure>'


def bullet_notes(notes: Iterable[tuple[str, bool]], lang: str) -> str:
    """A list of note texts; private ones are marked."""
    items = [f'<li><span class="note">{esc(text)}</span>'
             + (f' <span class="private">({esc(t("batch.private", lang))})</span>' if private else "") + "</li>"
             for text, private in notes]
    return f'<ul class="notes">{"".join(items)}</ul>' if items else ""


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
    parts = []
    if cluster and cluster.get("href"):
        parts.append(f'<p><a href="{esc(cluster["href"])}">{esc(t("batch.cluster_link", lang))}</a></p>')
    rows = []
    for m in members:
        name = (f'<a href="{esc(m["href"])}">{esc(m["name"])}</a>' if m.get("href") else esc(m["name"]))
        status = m.get("status", "")
        rows.append(f'<tr><td>{name}</td><td class="status-{esc(status)}">{esc(t("batch.status." + status, lang))}'
                    f'</td><td class="fingerprint">{esc(m.get("fingerprint") or "")}</td></tr>')
    head = (f'<tr><th>{esc(t("batch.member", lang))}</th><th>{esc(t("batch.status", lang))}</th>'
            f'<th>{esc(t("batch.fingerprint_short", lang))}</th></tr>')
    body = f"<div class=\"scroll\"><table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table></div>"
    parts.append(section(t("batch.reports", lang), body))
    if failures:
        items = "".join(
            f'<li><b>{esc(f["name"])}</b> ({esc(f["step"])}): {esc(f["error"])}'
            + (f' — <a href="{esc(f["notebook"])}">{esc(t("batch.notebook", lang))}</a>' if f.get("notebook") else "")
            + "</li>" for f in failures)
        parts.append(section(t("batch.failures", lang), f"<ul>{items}</ul>"))
    return page(t("batch.index_title", lang, name=cluster_name), lang, "\n".join(parts), fingerprint)
