"""A member on one A4 page: profile, offers, the business model in short and the SDG profile.

Made for a bank or a funding application: plain, tidy, and always one page. Every part has
a fixed room and a line limit; what does not fit ends in "…" or is counted ("… and 4 more
offers"), so a member with many offers or long notes still gets one readable page. Text a
person typed is drawn literally. The page is a matplotlib figure saved as PDF with embedded
TrueType fonts (see :mod:`klynge.report.poster`), so its text can be searched and copied.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np

from .. import reference
from ..errors import KlyngeError
from ..i18n import t
from ..model import CanvasDocument, Offer, Organisation
from .figures import months, plain
from .offer_text import capacity_text, price_text
from .poster import A4, TextFitter, pdf_bytes, sheet

__all__ = ["summary_figure", "summary_pdf"]

_INK = "#1f2933"
_MUTED = "#52606d"
_RULE = "#bcccdc"
_MARGIN = 0.6
_LABEL_W = 1.9
#: Offers listed at most; the rest are counted.
MAX_OFFERS = 7


def _word(key: str, lang: str, fallback: str) -> str:
    text = t(key, lang)
    return fallback if text == key else text


def _place(code: str) -> str:
    try:
        return reference.municipality(code).name
    except KlyngeError:
        return code


def _certifications(ids: Sequence[str], lang: str) -> str:
    names = []
    for cid in ids:
        try:
            names.append(reference.certification(cid).name.get(lang))
        except KlyngeError:
            names.append(cid)
    return ", ".join(names) or t("summary.none", lang)


def _months(numbers: Sequence[int], lang: str) -> str:
    names = months(lang)
    return ", ".join(names[m - 1] for m in sorted(numbers) if 1 <= m <= 12)




class _Page:
    """A cursor down an A4 page, with the figure, its one axes and a text fitter."""

    def __init__(self):
        self.fig, self.ax = sheet(A4)
        self.fit = TextFitter(self.fig)
        self.width = A4[0] - 2 * _MARGIN
        self.y = _MARGIN

    def text(self, x: float, lines: Sequence[str], size: float, **style) -> None:
        if lines:
            self.ax.text(x, self.y, plain("\n".join(lines)), ha="left", va="top", fontsize=size,
                         linespacing=1.25, **{"color": _INK, **style})

    def heading(self, text: str) -> None:
        self.y += 0.14
        self.text(_MARGIN, self.fit.wrap(text, self.width, 11.5, 1, "bold"), 11.5, weight="bold")
        self.y += 0.22
        self.ax.plot([_MARGIN, _MARGIN + self.width], [self.y, self.y], color=_RULE, lw=0.8)
        self.y += 0.08

    def row(self, label: str, value: str, max_lines: int = 1, size: float = 9) -> None:
        """A label on the left and its value wrapped beside it."""
        label_lines = self.fit.wrap(label, _LABEL_W - 0.15, size, 2, "bold")
        lines = self.fit.wrap(value or "–", self.width - _LABEL_W, size, max_lines)
        self.text(_MARGIN, label_lines, size, weight="bold", color=_MUTED)
        self.text(_MARGIN + _LABEL_W, lines, size)
        self.y += max(len(lines), len(label_lines)) * size * 1.25 / 72 + 0.05

    def line(self, text: str, size: float = 9, max_lines: int = 1, **style) -> None:
        lines = self.fit.wrap(text, self.width, size, max_lines)
        self.text(_MARGIN, lines, size, **style)
        self.y += len(lines) * size * 1.25 / 72 + 0.04


def summary_figure(org: Organisation, offers: Sequence[Offer], canvas: CanvasDocument | None, template,
                   sdg_score: Sequence[int], lang: str, *, made: date | None = None, cluster: str = ""):
    """The summary page as a figure (A4 portrait).

    Parameters
    ----------
    org, offers
        The member's profile and live offers.
    canvas, template
        The member's Business Model Canvas (None: not started) and its template.
    sdg_score
        Score per goal 1 to 17 (impact times relevance, :func:`klynge.analysis.member.sdg_profile`).
    made, cluster
        The date and the cluster's name, printed under the title.
    """
    page = _Page()
    fit = page.fit
    page.text(_MARGIN, fit.wrap(org.name, page.width, 20, 1, "bold"), 20, weight="bold")
    page.y += 0.4
    sub = " · ".join(x for x in (t("summary.title", lang), cluster,
                                 t("summary.made", lang, date=made or date.today())) if x)
    page.line(sub, 9.5, color=_MUTED)

    page.heading(t("summary.profile", lang))
    page.row(t("field.name", lang), org.name)
    page.row(t("field.orgnr", lang), f"{org.orgnr} ({org.country})")
    page.row(t("field.municipality", lang), _place(org.municipality))
    page.row(t("field.kind", lang), _word(f"kind.{org.kind}", lang, org.kind))
    page.row(t("field.phase", lang), _word(f"batch.phase.{org.phase}", lang, org.phase))
    page.row(t("field.certifications", lang), _certifications(org.certifications, lang), 2)
    page.row(t("field.needs", lang), org.needs, 4)

    page.heading(t("summary.offers", lang))
    for offer in offers[:MAX_OFFERS]:
        details = [_word(f"batch.offer.{offer.kind}", lang, offer.kind), _months(offer.months, lang),
                   capacity_text(offer, lang), price_text(offer, lang, vat=False)]
        page.row(offer.title, " · ".join(x for x in details if x), 1)
    if len(offers) > MAX_OFFERS:
        page.line(t("summary.more_offers", lang, n=len(offers) - MAX_OFFERS), 8.5, color=_MUTED, style="italic")
    if not offers:
        page.line(t("summary.no_offers", lang), 9, color=_MUTED)

    page.heading(t("summary.canvas", lang))
    for block in template.blocks:
        texts = [" ".join(n.text.split()) for n in (canvas.in_block(block.id) if canvas else []) if n.text.strip()]
        page.row(block.title_in(lang), " · ".join(texts), 2, size=8.5)

    page.heading(t("batch.sdg_profile", lang))
    _sdg_bars(page, sdg_score, lang)
    credits = f"{template.title_in(lang)}: {template.credits} {t('poster.licence', lang, licence=template.licence)}"
    page.y = A4[1] - _MARGIN * 0.75 - 2 * 7 * 1.25 / 72
    page.line(credits, 6.5, 2, color=_MUTED)
    return page.fig


def _sdg_bars(page: _Page, score: Sequence[int], lang: str) -> None:
    """One column per goal in its colour, numbered below; a line where no goal is assessed yet."""
    goals = reference.goals()
    values = np.asarray(list(score) + [0] * (17 - len(score)), dtype=float)[:17]
    if not values.any():
        page.line(t("summary.no_sdg", lang), 9, color=_MUTED)
        return
    bottom = A4[1] - _MARGIN - 0.45
    top = page.y + 0.1
    height = min(2.4, bottom - top)
    w, h = A4
    inset = page.fig.add_axes((_MARGIN / w + 0.05, (h - top - height) / h, page.width / w - 0.07, height / h))
    x = np.arange(1, 18)
    inset.bar(x, values, color=[g.colour for g in goals], width=0.75)
    inset.axhline(0, color="#333", lw=0.8)
    inset.set_xticks(x, [str(n) for n in x], fontsize=7)
    inset.tick_params(axis="y", labelsize=7)
    inset.set_xlim(0.4, 17.6)
    lim = max(1.0, float(np.abs(values).max()))
    inset.set_ylim(min(0.0, -lim * 1.15) if (values < 0).any() else 0, lim * 1.15)
    inset.set_ylabel(t("batch.sdg_score", lang), fontsize=7)
    inset.set_xlabel(t("batch.goal", lang), fontsize=7)
    for side in ("top", "right"):
        inset.spines[side].set_visible(False)
    page.y = top + height


def summary_pdf(org: Organisation, offers: Sequence[Offer], canvas: CanvasDocument | None, template,
                sdg_score: Sequence[int], lang: str, *, made: date | None = None, cluster: str = "") -> bytes:
    """The summary page as a one-page A4 PDF."""
    fig = summary_figure(org, offers, canvas, template, sdg_score, lang, made=made, cluster=cluster)
    return pdf_bytes(fig, {"Title": f"{org.name}: {t('summary.title', lang)}", "Author": org.name})
