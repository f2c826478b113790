"""A package's poster: one A4 portrait page, as PNG or PDF, in nb, sv, en or de.

The poster shows the package's title, a line with its length, theme, months and places, the
months as a strip from September to August with the package's months filled, its days with
each part and its supplier, a small map of the parts' places in the region, and the facts of
the long text (price per guest when it is simple, languages, travel, certifications,
suppliers). Every word comes from the package texts (:mod:`klynge.report.package_text`), so the
poster says nothing the texts do not.

Text is wrapped by measuring the font (:class:`klynge.report.poster.TextFitter`): a long title
takes up to three lines and then ends in "…", days that do not fit end in "…". Text a member
typed is drawn literally (``$`` does not start math mode); the whole long text is written into
the PNG's ``Description`` and the PDF's ``Subject`` for search and screen readers.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .. import reference
from ..errors import KlyngeError, ValidationError
from ..model import Offer, Organisation, Package
from .figures import plain
from .meetings import hull
from .package_text import SEASON, month_names, package_context, package_text, render_section, words
from .poster import A4, DPI, TextFitter, pdf_bytes, png_bytes, sheet

__all__ = ["package_figure", "package_poster"]

_INK = "#1f2933"
_MUTED = "#52606d"
_RULE = "#bcccdc"
_ON = ("#2f6f4f", "white")
_OFF = ("#eef2f6", "#52606d")
_MARGIN = 0.6
_MAP_W = 2.7
_GAP = 0.3


def _lines(fit: TextFitter, text: str, width: float, size: float, weight: str = "normal") -> list[str]:
    return [line for paragraph in text.splitlines() for line in (fit.wrap(paragraph, width, size, 0, weight) or [""])]


def _draw(ax, x: float, y: float, lines: list[str], size: float, **style) -> float:
    """``lines`` from ``y`` down; returns the y under them."""
    if lines:
        ax.text(x, y, plain("\n".join(lines)), ha="left", va="top", fontsize=size, linespacing=1.25,
                **{"color": _INK, **style})
    return y + len(lines) * size * 1.25 / 72


def _month_strip(ax, months, lang: str, y: float, width: float) -> float:
    """Twelve cells from September to August, the package's months filled; returns the y under the strip."""
    names = month_names(lang, "abbreviated")
    cell, height = width / 12, 0.42
    for i, month in enumerate(SEASON):
        fill, ink = _ON if month in months else _OFF
        ax.add_patch(_cell(_MARGIN + i * cell + 0.02, y, cell - 0.04, height, fill))
        ax.text(_MARGIN + (i + 0.5) * cell, y + height / 2, plain(names[month - 1].rstrip(".")), ha="center",
                va="center", fontsize=8, color=ink, weight="bold" if month in months else "normal")
    return y + height


def _cell(x, y, w, h, colour):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), w, h, fc=colour, ec="none")


def _days(ax, fit: TextFitter, text: str, x: float, y: float, width: float, bottom: float) -> float:
    """The days: headings in bold, parts under them with a hanging indent, "…" where they run out of room.

    Returns the y under the last line drawn."""
    indent = 0.18
    for line in text.splitlines():
        if not line.strip():
            y += 0.06
            continue
        item = line.startswith("• ")
        size, weight = (9.0, "normal") if item else (11.0, "bold")
        wrapped = fit.wrap(line[2:] if item else line, width - (indent if item else 0), size, 0, weight)
        height = len(wrapped) * size * 1.25 / 72 + (0.04 if item else 0.06)
        if y + height > bottom:
            ax.text(x, y, "…", ha="left", va="top", fontsize=11, color=_MUTED)
            return y + 11 * 1.25 / 72
        if item:
            ax.text(x, y, "•", ha="left", va="top", fontsize=size, color=_ON[0])
        _draw(ax, x + (indent if item else 0), y, wrapped, size, weight=weight)
        y += height
    return y


def _map(fig, box: tuple[float, float, float, float], places: list[tuple[str, float, float]]) -> float:
    """The region's outline (the hull of its municipalities' points), the parts' places and the way between them.

    The map keeps its true proportions at the top of ``box``; returns the y under it."""
    x, y, w, h = box
    page_w, page_h = A4
    ax = fig.add_axes((x / page_w, 1 - (y + h) / page_h, w / page_w, h / page_h))
    region = np.array([(m.lon, m.lat) for m in reference.municipalities()], dtype=float)
    outline = hull(region)
    ax.fill(outline[:, 0], outline[:, 1], color="#eef2f6", ec="#9aa9b8", lw=0.8, zorder=0)
    ax.scatter(region[:, 0], region[:, 1], s=2, color="#b8c4d0", zorder=1)
    if places:
        points = np.array([(lon, lat) for _name, lon, lat in places], dtype=float)
        ax.plot(points[:, 0], points[:, 1], color=_ON[0], lw=1.0, alpha=0.7, zorder=2)
        ax.scatter(points[:, 0], points[:, 1], s=36, color=_ON[0], ec="white", lw=0.8, zorder=3)
        for name, lon, lat in dict.fromkeys(places):
            ax.annotate(plain(name), (lon, lat), xytext=(4, 4), textcoords="offset points", fontsize=7,
                        weight="bold", color=_INK, zorder=4)
    pad = 0.2
    ax.set_xlim(region[:, 0].min() - pad, region[:, 0].max() + pad)
    ax.set_ylim(region[:, 1].min() - pad, region[:, 1].max() + pad)
    # A degree of longitude is cos(latitude) of a degree of latitude: keep distances true to the eye.
    aspect = 1 / np.cos(np.radians(region[:, 1].mean()))
    ax.set_aspect(aspect)
    ax.set_anchor("N")
    ax.axis("off")
    tall = (np.ptp(region[:, 1]) + 2 * pad) * aspect / (np.ptp(region[:, 0]) + 2 * pad)
    return y + min(h, w * tall)


def _price(ax, fit: TextFitter, context: dict, x: float, y: float) -> float:
    """The price per guest in large type under the map, or that it is on request; returns the y under it."""
    w = words(context["lang"])
    if not context["price"]:
        return _draw(ax, x, y, fit.wrap(w["on_request"], _MAP_W, 12, 2, "bold"), 12, weight="bold", color=_ON[0])
    # Drawn whole, smaller when it must be: wrapping would break the amount at its no-break spaces.
    size = next((s for s in (20, 16, 13, 10) if fit.width(context["price"], s, "bold") <= _MAP_W * 0.96), 8)
    y = _draw(ax, x, y, [context["price"]], size, weight="bold", color=_ON[0])
    return _draw(ax, x, y, fit.wrap(w["per_guest"], _MAP_W, 10, 1), 10, color=_MUTED)


def _places(package: Package, offers: Mapping[int, Offer | None]) -> list[tuple[str, float, float]]:
    """Where the parts are, in the parts' order (a place the reference data does not know is left off the map)."""
    out = []
    for component in package.components:
        offer = offers.get(component.offer_id)
        if offer is None:
            continue
        try:
            place = reference.municipality(offer.municipality)
        except KlyngeError:
            continue
        out.append((place.name, place.lon, place.lat))
    return out


def package_figure(package: Package, offers: Mapping[int, Offer | None], organisations: Mapping[int, Organisation],
                   lang: str):
    """The poster as a matplotlib figure, A4 portrait, measured in inches from the top left corner."""
    context = package_context(package, offers, organisations, lang)
    fig, ax = sheet(A4)
    fit = TextFitter(fig)
    width = A4[0] - 2 * _MARGIN
    y = _draw(ax, _MARGIN, _MARGIN, fit.wrap(context["title"], width, 24, 3, "bold"), 24, weight="bold")
    y = _draw(ax, _MARGIN, y + 0.08, fit.wrap(render_section(context, "subtitle"),
                                                width, 11, 2), 11, color=_MUTED)
    y = _month_strip(ax, set(package.months), lang, y + 0.2, width) + 0.35

    facts = _lines(fit, render_section(context, "facts"), width, 9)
    facts = facts[-int((A4[1] - y - _MARGIN - 2.5) // (9 * 1.25 / 72)):]  # the days keep 2.5 in at least
    lowest = A4[1] - _MARGIN - len(facts) * 9 * 1.25 / 72  # the facts at the foot of the page

    days_w = width - _MAP_W - _GAP
    days_end = _days(ax, fit, render_section(context, "days"), _MARGIN, y, days_w, lowest - 0.3)
    map_h = min(3.4, lowest - 1.2 - y)
    map_end = _map(fig, (_MARGIN + days_w + _GAP, y, _MAP_W, map_h), _places(package, offers))
    side_end = _price(ax, fit, context, _MARGIN + days_w + _GAP, map_end + 0.2)
    # The facts follow the days and the map, or stand at the foot of the page when those are long.
    facts_top = min(lowest, max(days_end, side_end) + 0.45)
    ax.plot([_MARGIN, _MARGIN + width], [facts_top - 0.15, facts_top - 0.15], color=_RULE, lw=0.8)
    _draw(ax, _MARGIN, facts_top, facts, 9)
    return fig


def package_poster(package: Package, offers: Mapping[int, Offer | None], organisations: Mapping[int, Organisation],
                   lang: str, fmt: str = "png") -> bytes:
    """The package's A4 poster in ``lang`` (nb, sv, en or de) as PNG (at :data:`~klynge.report.poster.DPI`) or PDF.

    Parameters
    ----------
    package, offers, organisations
        As for :func:`klynge.report.package_text.package_texts`; deleted offers (None) are left out.
    fmt
        ``"png"`` or ``"pdf"`` (one page).

    Raises
    ------
    ValidationError
        For another ``fmt``.
    NotFound
        For a language without package texts, or a part of an organisation not in ``organisations``.
    """
    if fmt not in ("png", "pdf"):
        raise ValidationError([("fmt", f"a package poster is made as png or pdf, not {fmt!r}")])
    fig = package_figure(package, offers, organisations, lang)
    text = package_text(package, offers, organisations, lang)
    if fmt == "png":
        return png_bytes(fig, {"Title": text.title, "Description": text.long}, dpi=DPI)
    return pdf_bytes(fig, {"Title": text.title, "Subject": text.long})
