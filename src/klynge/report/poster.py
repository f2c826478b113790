"""Canvas posters: a member's canvas drawn like the board, on A3 landscape, as PNG and PDF.

A poster has the organisation's name and the canvas title on top, the template's grid with
its block titles, the notes as stickies, and a footer with the template's credits and
licence, the date and the revision it was made from. Text is wrapped by measuring the font,
so nothing runs off a sticky or the page; notes that do not fit in their block are counted
in one line at the block's foot ("+37 more notes: see the JSON export"). Every note is also
written, as text, into the PNG's ``Description`` and the PDF's ``Subject``, for search and
screen readers. Text a person typed is drawn literally (``$`` does not start math mode).

Figures use matplotlib's object API, never pyplot; PDFs embed TrueType fonts (``pdf.fonttype``
42), so their text can be searched and copied.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import FancyBboxPatch, Rectangle

from ..i18n import t
from .figures import RC, plain

__all__ = ["A3", "A4", "DPI", "PosterNote", "TextFitter", "canvas_figure", "pdf_bytes", "png_bytes",
           "poster_text", "sheet", "thumbnail"]

#: A3 landscape and A4 portrait, in inches.
A3 = (420 / 25.4, 297 / 25.4)
A4 = (210 / 25.4, 297 / 25.4)
#: Resolution of poster PNGs: A3 at 150 dpi is 2480 x 1754 pixels, sharp on screen and on paper.
DPI = 150
#: Fixed settings of every poster and summary: the figures' own, plus fonts embedded as TrueType.
POSTER_RC = {**RC, "pdf.fonttype": 42, "pdf.compression": 6}

_NOTE = ("#fff3a6", "#d4b200")
_PRIVATE = ("#dbeafe", "#60a5fa")
_INK = "#1f2933"
_MUTED = "#52606d"
_FAMILY = "DejaVu Sans"


@dataclass(frozen=True)
class PosterNote:
    """One sticky: its text and whether only its own organisation sees it."""

    text: str
    private: bool = False


def _note(value) -> PosterNote:
    if isinstance(value, PosterNote):
        return value
    if isinstance(value, str):
        return PosterNote(value)
    return PosterNote(value.text, getattr(value, "visibility", "cluster") == "private")


class TextFitter:
    """Wraps text to a width in inches by measuring the glyphs of the font it is drawn in.

    Character advances are measured once per font size and weight and summed (kerning is
    left out, and a small margin covers it), which is fast enough for hundreds of notes.
    """

    #: Lines are filled to this share of the width, for kerning and rounding.
    SAFETY = 0.96

    def __init__(self, fig: Figure):
        self._renderer = fig.canvas.get_renderer()
        self._dpi = fig.dpi
        self._widths: dict[tuple[str, float, str], float] = {}

    def width(self, text: str, size: float, weight: str = "normal") -> float:
        """The width of ``text`` in inches."""
        total = 0.0
        for ch in text:
            key = (ch, size, weight)
            if key not in self._widths:
                # The advance of a glyph, not its ink: eight of them between two x's, less the x's.
                prop = FontProperties(family=_FAMILY, size=size, weight=weight)
                measure = self._renderer.get_text_width_height_descent
                w = measure(f"x{ch * 8}x", prop, ismath=False)[0] - measure("xx", prop, ismath=False)[0]
                self._widths[key] = max(0.0, w) / 8 / self._dpi
            total += self._widths[key]
        return total

    def wrap(self, text: str, width: float, size: float, max_lines: int = 0, weight: str = "normal") -> list[str]:
        """``text`` as lines no wider than ``width``; past ``max_lines`` (0: no limit) the last ends in "…"."""
        limit = width * self.SAFETY
        lines: list[str] = []
        current = ""
        for word in str(text).split():
            while self.width(word, size, weight) > limit:  # a long word (a web address) is cut
                cut = self._fits(word, limit, size, weight)
                if current:
                    lines.append(current)
                    current = ""
                lines.append(word[:cut])
                word = word[cut:]
            candidate = f"{current} {word}" if current else word
            if self.width(candidate, size, weight) <= limit:
                current = candidate
            else:
                lines.append(current)
                current = word
        if current:
            lines.append(current)
        if max_lines and len(lines) > max_lines:
            last = lines[max_lines - 1]
            while last and self.width(last + " …", size, weight) > limit:
                last = last[:-1]
            lines = lines[:max_lines - 1] + [last.rstrip() + " …"]
        return lines

    def _fits(self, word: str, limit: float, size: float, weight: str) -> int:
        n = 1
        while n < len(word) and self.width(word[:n + 1], size, weight) <= limit:
            n += 1
        return n


def sheet(size: tuple[float, float]) -> tuple[Figure, object]:
    """A page: a figure of ``size`` inches and one invisible axes over all of it, measured in
    inches from the top left corner."""
    with matplotlib.rc_context(POSTER_RC):
        fig = Figure(figsize=size)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, size[0])
    ax.set_ylim(size[1], 0)
    ax.axis("off")
    return fig, ax


@dataclass
class _Layout:
    """Sizes of one kind of poster, in inches and points."""

    scale: float
    title_size: float
    note_size: float
    note_lines: int
    max_notes: int | None
    more: Callable[[int], str]

    @property
    def note_width(self) -> float:
        """The narrowest sticky: about 22 characters of the note font."""
        return self.note_size * 12.5 / 72


#: Font sizes of notes tried on A3, largest first: a sparse canvas gets notes one can read
#: from a step away, a full one the smallest size that still prints sharply.
NOTE_SIZES = (11.0, 9.5, 8.5, 7.5)


def canvas_figure(template, notes: Mapping[str, Sequence], lang: str, *, organisation: str = "",
                  title: str = "", made: date | None = None, revision: int | None = None,
                  size: tuple[float, float] = A3, footer: bool = True, max_notes: int | None = None,
                  note_lines: int = 6, more: Callable[[int], str] | None = None) -> Figure:
    """A canvas drawn as a poster.

    Parameters
    ----------
    template
        A :class:`klynge.canvases.CanvasTemplate` (blocks on a grid, credits, licence).
    notes
        Per block id, the notes in order: strings, :class:`PosterNote` or :class:`klynge.model.Note`.
    organisation, title
        Drawn on top: the organisation's name and the title (the template's title by default).
    made, revision
        The date and the revision number written in the footer (revision 0: never saved).
    size
        Inches; A3 landscape by default. Fonts scale with the width.
    footer
        Whether to draw the footer (credits, licence, date, revision).
    max_notes
        Notes drawn per block at most (None: as many as fit).
    note_lines
        Lines of a note at most; a longer note ends in "…".
    more
        The overflow line for ``n`` notes left out of a block; "+n more notes: see the JSON export".
    """
    fig, ax = sheet(size)
    width, height = size
    scale = width / A3[0]
    margin = 0.35 * scale
    fit = TextFitter(fig)
    layout = _Layout(scale=scale, title_size=max(7.0, 11 * scale), note_size=max(6.0, NOTE_SIZES[-1] * scale),
                     note_lines=note_lines, max_notes=max_notes, more=more or (lambda n: t("poster.more", lang, n=n)))
    top = _header(ax, fit, lang, width, margin, organisation, plain(title or template.title_in(lang)), scale)
    bottom = height - (_footer(ax, fit, template, notes, lang, width, height, margin, made, revision, scale)
                       if footer else margin * 0.6)
    rows, cols = template.grid.rows, template.grid.cols
    cell_w, cell_h = (width - 2 * margin) / cols, (bottom - top) / rows
    blocks = []
    for block in template.blocks:
        g = block.grid
        box = (margin + (g.col - 1) * cell_w, top + (g.row - 1) * cell_h, g.colspan * cell_w, g.rowspan * cell_h)
        area = _frame(ax, fit, layout, block.title_in(lang), box)
        shown = [n for n in map(_note, notes.get(block.id, ())) if n.text.strip()]
        blocks.append((area, shown[:len(shown) if max_notes is None else max_notes], len(shown)))
    for size in NOTE_SIZES:
        layout.note_size = max(6.0, size * scale)
        if all(len(_flow(fit, layout, drawn, area, 0.0)) == len(drawn) for area, drawn, _n in blocks):
            break
    for area, drawn, total in blocks:
        _fill(ax, fit, layout, area, drawn, total)
    return fig


def _header(ax, fit: TextFitter, lang: str, width: float, margin: float, organisation: str, title: str,
            scale: float) -> float:
    """The organisation's name and the title; returns where the grid starts."""
    y = margin * 0.8
    if organisation:
        size = 22 * scale
        name = fit.wrap(organisation, width - 2 * margin, size, 1, "bold")[0]
        ax.text(margin, y, plain(name), ha="left", va="top", fontsize=size, weight="bold", color=_INK)
        y += size * 1.35 / 72
    size = (14 if organisation else 13) * scale
    line = fit.wrap(title, width - 2 * margin, size, 1)[0]
    ax.text(margin, y, line, ha="left", va="top", fontsize=size, color=_MUTED if organisation else _INK)
    return y + size * 1.5 / 72


def _footer(ax, fit: TextFitter, template, notes, lang: str, width: float, height: float, margin: float,
            made: date | None, revision: int | None, scale: float) -> float:
    """Credits and licence on the left, date and revision on the right; returns the footer's height."""
    size = 7 * scale
    line_h = size * 1.3 / 72
    right_w = 3.6 * scale
    day = made or date.today()
    made_text = [t("poster.made", lang, date=day, n=revision) if revision else t("poster.made_unsaved", lang, date=day)]
    if any(_note(n).private for block in notes.values() for n in block):
        made_text.append(t("poster.private_legend", lang))
    right = [line for text in made_text for line in fit.wrap(text, right_w, size, 2)]
    credits = f"{template.credits} {t('poster.licence', lang, licence=template.licence)}"
    left = fit.wrap(credits, width - 2 * margin - right_w - 0.3 * scale, size, 4)
    lines = max(len(left), len(right))
    y = height - margin * 0.6 - lines * line_h
    ax.text(margin, y, "\n".join(plain(x) for x in left), ha="left", va="top", fontsize=size, color=_MUTED,
            linespacing=1.3)
    ax.text(width - margin, y, "\n".join(plain(x) for x in right), ha="right", va="top", fontsize=size,
            color=_MUTED, linespacing=1.3)
    return margin * 0.6 + lines * line_h + 0.15 * scale


def _frame(ax, fit: TextFitter, layout: _Layout, title: str, box: tuple[float, float, float, float]) -> tuple:
    """A block's frame and title; returns the room for its stickies: left, top, width, bottom."""
    x, y, w, h = box
    s = layout.scale
    gap, pad = 0.05 * s, 0.1 * s
    ax.add_patch(Rectangle((x + gap, y + gap), w - 2 * gap, h - 2 * gap, fill=False, ec="#334e68", lw=1.2 * s))
    size = layout.title_size
    title_lines = fit.wrap(title, w - 2 * pad - 2 * gap, size, 2, "bold")
    ax.text(x + gap + pad, y + gap + pad, plain("\n".join(title_lines)), ha="left", va="top", fontsize=size,
            weight="bold", color=_INK, linespacing=1.15)
    return (x + gap + pad, y + gap + pad + len(title_lines) * size * 1.2 / 72 + pad * 0.8,
            w - 2 * (gap + pad), y + h - gap - pad * 0.6)


def _fill(ax, fit: TextFitter, layout: _Layout, area: tuple, notes: list[PosterNote], total: int) -> None:
    """The stickies that fit in ``area``, and a line that counts the rest of ``total``."""
    pad = 0.1 * layout.scale
    size = layout.note_size
    placed = _flow(fit, layout, notes, area, reserve=0.0)
    if len(placed) < total:
        more_lines = fit.wrap(layout.more(total - len(placed)), area[2], size, 2)
        reserve = len(more_lines) * size * 1.25 / 72 + pad * 0.5
        placed = _flow(fit, layout, notes, area, reserve=reserve)
        more_lines = fit.wrap(layout.more(total - len(placed)), area[2], size, 2)
        ax.text(area[0], area[3], plain("\n".join(more_lines)), ha="left", va="bottom", fontsize=size,
                color=_MUTED, style="italic", linespacing=1.15)
    for note, (nx, ny, nw, nh, lines) in zip(notes, placed):
        fc, ec = _PRIVATE if note.private else _NOTE
        ax.add_patch(FancyBboxPatch((nx, ny), nw, nh, boxstyle=f"round,pad=0,rounding_size={0.04 * layout.scale}",
                                    fc=fc, ec=ec, lw=0.6 * layout.scale))
        ax.text(nx + pad * 0.6, ny + pad * 0.5, plain("\n".join(lines)), ha="left", va="top", fontsize=size,
                color=_INK, linespacing=1.15)


def _flow(fit: TextFitter, layout: _Layout, notes: list[PosterNote], area, reserve: float) -> list[tuple]:
    """Stickies in columns, top to bottom then left to right, as many as fit above ``reserve``.

    As few columns as hold every note, so a few notes read as wide stickies and many notes
    still fit; as many columns as the block's width allows when not all of them fit.
    """
    x0, y0, width, bottom = area
    s = layout.scale
    gap = 0.06 * s
    most = max(1, int((width + gap) // (layout.note_width + gap)))
    best: list[tuple] = []
    for cols in range(1, most + 1):
        placed = _columns(fit, layout, notes, (x0, y0, width, bottom - reserve), cols)
        if len(placed) == len(notes):
            return placed
        best = placed if len(placed) > len(best) else best
    return best


def _columns(fit: TextFitter, layout: _Layout, notes: list[PosterNote], area, cols: int) -> list[tuple]:
    x0, y0, width, limit = area
    s = layout.scale
    gap, pad = 0.06 * s, 0.1 * s
    note_w = (width - (cols - 1) * gap) / cols
    line_h = layout.note_size * 1.15 * 1.2 / 72
    placed, col, y = [], 0, y0
    for note in notes:
        lines = fit.wrap(note.text, note_w - 1.2 * pad, layout.note_size, layout.note_lines)
        nh = len(lines) * line_h + pad
        if y + nh > limit and y > y0:
            col, y = col + 1, y0
        if col >= cols or y + nh > limit:
            break
        placed.append((x0 + col * (note_w + gap), y, note_w, nh, lines))
        y += nh + gap
    return placed


def poster_text(template, notes: Mapping[str, Sequence], lang: str, *, organisation: str = "",
                title: str = "") -> str:
    """Everything a poster shows, as plain text: the heading, then each block's title and notes."""
    lines = [" - ".join(x for x in (organisation, title or template.title_in(lang)) if x)]
    for block in template.blocks:
        texts = [n.text.strip() for n in map(_note, notes.get(block.id, ())) if n.text.strip()]
        if texts:
            lines += ["", f"{block.title_in(lang)}:", *(f"- {' '.join(x.split())}" for x in texts)]
    return "\n".join(lines)


def png_bytes(fig: Figure, metadata: Mapping[str, str] | None = None, dpi: int = DPI) -> bytes:
    """The figure as PNG, with ``metadata`` as text chunks (Title, Author, Description ...), no date."""
    buffer = io.BytesIO()
    with matplotlib.rc_context(POSTER_RC):
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None, **(metadata or {})})
    return buffer.getvalue()


def pdf_bytes(fig: Figure, metadata: Mapping[str, str] | None = None) -> bytes:
    """The figure as a one-page PDF of the figure's size, fonts embedded, no creation date."""
    buffer = io.BytesIO()
    with matplotlib.rc_context(POSTER_RC):
        fig.savefig(buffer, format="pdf", metadata={"Creator": "Klynge", "Producer": None, "CreationDate": None,
                                                    **(metadata or {})})
    return buffer.getvalue()


def thumbnail(png: bytes, width: int = 480) -> bytes:
    """A small copy of a PNG, ``width`` pixels wide, for a preview on screen."""
    from PIL import Image  # Pillow comes with matplotlib

    image = Image.open(io.BytesIO(png))
    image.thumbnail((width, width * 4))
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
