"""A report page as PDF (WeasyPrint) and as DOCX (python-docx) for facilitators to edit.

Both start from the self-contained HTML page the report already is, so the three formats say
the same thing. The PDF is laid out by WeasyPrint with a print style (A4, page numbers); it
fetches nothing but the page's own ``data:`` figures. The DOCX is built from the page's
headings, paragraphs, lists, tables and figures; what a member typed arrives there as the
text it is, since the page holds it escaped and the parser reads it back as text.

The rows behind each figure, which the HTML page folds under the figure, are left out of both:
on paper they would fill most of the pages. The HTML page and ``cluster.json`` keep them.
"""

from __future__ import annotations

import base64
import io
import re

__all__ = ["PRINT_CSS", "to_docx", "to_pdf"]

#: The print layout WeasyPrint adds to a page's own style.
PRINT_CSS = """
@page { size: A4; margin: 16mm 15mm 18mm;
        @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; color: #52606d; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; }
main { max-width: none; padding: 0; }
h1 { font-size: 17pt; } h2 { font-size: 13pt; break-after: avoid; } h3 { font-size: 11pt; break-after: avoid; }
.scroll { overflow: visible; }
table { font-size: 8pt; width: 100%; } tr, figure img { break-inside: avoid; }
figure img { max-width: 100%; max-height: 230mm; }
figure details { display: none; }
details > summary { font-weight: 600; list-style: none; }
"""

_DATA_URL = re.compile(r"^data:image/(png|jpeg|gif);base64,(.+)$", re.S)


def _data_only(url: str, timeout: int = 10, ssl_context=None):
    """WeasyPrint's fetcher for a report: the page's own ``data:`` figures, nothing from outside."""
    if not url.startswith("data:"):
        raise ValueError(f"a report fetches nothing from outside: {url[:60]}")
    from weasyprint.urls import default_url_fetcher

    return default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context)


def to_pdf(html: str) -> bytes:
    """The page as an A4 PDF."""
    import logging

    from weasyprint import CSS, HTML

    # WeasyPrint warns about every screen-only CSS property it ignores; they are not errors.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return HTML(string=html, url_fetcher=_data_only).write_pdf(stylesheets=[CSS(string=PRINT_CSS)])


def to_docx(html: str) -> bytes:
    """The page as a Word document: its headings, paragraphs, lists, tables and figures."""
    import lxml.html
    from docx import Document
    from docx.shared import Cm, Pt

    root = lxml.html.document_fromstring(html)
    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(10)
    title = root.findtext(".//title")
    if title:
        doc.core_properties.title = title.strip()
    lang = root.get("lang")
    if lang:
        doc.core_properties.language = lang
    body = root.find(".//main")
    _Writer(doc, Cm, Pt).blocks(body if body is not None else root.find("body"))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _text(element, keep_lines: bool = False) -> str:
    text = element.text_content()
    if keep_lines:
        return "\n".join(" ".join(line.split()) for line in text.strip().splitlines())
    return " ".join(text.split())


class _Writer:
    """Writes the blocks of a report page into a python-docx document."""

    def __init__(self, doc, cm, pt):
        self.doc, self.cm, self.pt = doc, cm, pt

    def blocks(self, parent) -> None:
        for child in parent:
            if not isinstance(child.tag, str):  # comments and processing instructions
                continue
            self.block(child)

    def block(self, el) -> None:
        tag = el.tag.lower()
        if tag in ("h1", "h2", "h3", "h4"):
            self.doc.add_heading(_text(el), level=min(int(tag[1]) - 1, 3) or 0)
        elif tag == "p":
            self.paragraph(el)
        elif tag in ("ul", "ol"):
            style = "List Bullet" if tag == "ul" else "List Number"
            for item in el.iterfind("li"):
                self.doc.add_paragraph(_text(item, keep_lines=True), style=style)
        elif tag == "table":
            self.table(el)
        elif tag == "figure":
            self.figure(el)
        elif tag == "summary":
            run = self.doc.add_paragraph().add_run(_text(el))
            run.bold = True
        elif tag in ("style", "script", "head", "title", "meta"):
            return
        elif len(el):
            self.blocks(el)
        elif _text(el):
            self.doc.add_paragraph(_text(el, keep_lines=True))

    def paragraph(self, el) -> None:
        text = _text(el, keep_lines="note" in (el.get("class") or ""))
        if not text:
            return
        para = self.doc.add_paragraph()
        run = para.add_run(text)
        if "fingerprint" in (el.get("class") or ""):
            run.font.name = "Consolas"
            run.font.size = self.pt(8)

    def table(self, el) -> None:
        rows = [[c for c in r if isinstance(c.tag, str) and c.tag in ("th", "td")] for r in el.iter("tr")]
        if not rows:
            return
        table = self.doc.add_table(rows=0, cols=max(len(r) for r in rows))
        table.style = "Table Grid"
        for row in rows:
            targets = table.add_row().cells  # one row at a time: python-docx's cell(i, j) walks the table
            for cell, target in zip(row, targets):
                target.text = _text(cell, keep_lines=True)
                if cell.tag == "th":
                    for run in target.paragraphs[0].runs:
                        run.bold = True

    def figure(self, el) -> None:
        for img in el.iter("img"):
            match = _DATA_URL.match(img.get("src") or "")
            if match:
                self.doc.add_picture(io.BytesIO(base64.b64decode(match.group(2))), width=self.cm(16))
        caption = el.find("figcaption")
        if caption is not None and _text(caption):
            run = self.doc.add_paragraph().add_run(_text(caption))
            run.italic = True
