"""Texts of a package for booking channels: a short and a long description in nb, sv, en and de.

The texts are filled from data only: the parts' titles, kinds, suppliers and places, the
package's months, days and party size, the smallest part's capacity, the price per guest when
it follows simply from the offers' prices, the languages every part is offered in, the
suppliers' certifications and how guests travel. Nothing is claimed that the data does not say.

The words are in plain-text Jinja2 templates, one per language, in ``templates/package/``
(``nb.txt.j2`` ...), each extending ``base.txt.j2``; German is only there, since the apps'
catalogues speak nb, sv and en. Month names, language names and lists are Babel's. Plain-text
templates are not escaped, so markup a member typed stays the literal text it was.

A part whose offer was deleted (``offers[id] is None``) is left out of the texts and named in
:attr:`PackageText.missing`, so the studio can show it as gone; the price is then on request.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel import Locale
from babel.dates import get_month_names
from babel.lists import format_list

from .. import reference
from ..errors import KlyngeError, NotFound
from ..formatting import LOCALES, money
from ..model import Offer, Organisation, Package
from ..templating import environment

__all__ = ["SEASON", "SHORT_LIMIT", "TEXT_LANGUAGES", "PackageText", "and_list", "file_stem", "guest_price",
           "month_names", "months_text", "package_context", "package_text", "package_texts", "price_per_guest",
           "render_section", "season_months", "texts_archive", "words"]

#: The languages of package texts: the apps' three and German, for guests from Germany.
TEXT_LANGUAGES = ("nb", "sv", "en", "de")
#: The longest short text, in characters: what booking channels show in a listing.
SHORT_LIMIT = 300
#: The months in the order the calendar shows them: the year starts in September, with the low season.
SEASON = (9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8)


@dataclass(frozen=True)
class PackageText:
    """A package's texts in one language.

    Attributes
    ----------
    lang
        nb, sv, en or de.
    title
        The package's title, as typed (its spaces tidied).
    short
        At most :data:`SHORT_LIMIT` characters, for a listing.
    long
        A few paragraphs: the days with their parts, then the facts (months, party, price,
        languages, travel, certifications, suppliers).
    missing
        One line per part whose offer was deleted, which the texts leave out.
    """

    lang: str
    title: str
    short: str
    long: str
    missing: tuple[str, ...] = ()

    def file_text(self) -> str:
        """The text file a member downloads: the title, the short text and the long text, under headings."""
        w = words(self.lang)
        return f"{self.title}\n\n{w['short_heading']}\n\n{self.short}\n\n{w['long_heading']}\n\n{self.long}\n"

    def file_bytes(self) -> bytes:
        """:meth:`file_text` as UTF-8, for a ``.txt`` download."""
        return self.file_text().encode("utf-8")

    def file_name(self) -> str:
        """``<title as ascii>-<lang>.txt``."""
        return f"{file_stem(self.title)}-{self.lang}.txt"


def _template(lang: str):
    if lang not in TEXT_LANGUAGES:
        raise NotFound(f"no package texts in {lang!r}; they are written in {', '.join(TEXT_LANGUAGES)}")
    return environment().get_template(f"package/{lang}.txt.j2")


@cache
def words(lang: str) -> dict:
    """The small words of a language's template (``words`` there): kinds, themes, modes, headings."""
    return _template(lang).make_module({"section": ""}).words


def _locale(lang: str) -> Locale:
    return Locale.parse(LOCALES[lang])


def season_months(months) -> list[int]:
    """``months`` in the calendar's order, September first, each once."""
    chosen = set(months)
    return [m for m in SEASON if m in chosen]


def month_names(lang: str, width: str = "wide") -> list[str]:
    """The month names of ``lang`` from Babel, January first (``width``: wide or abbreviated)."""
    names = get_month_names(width, locale=_locale(lang))
    return [names[m] for m in range(1, 13)]


def months_text(months, lang: str) -> str:
    """The months as a list in ``lang``, September first; three or more months in a row read as a span."""
    names = month_names(lang)
    runs: list[list[int]] = []
    for m in season_months(months):
        if runs and SEASON.index(m) == SEASON.index(runs[-1][-1]) + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    items = []
    for run in runs:
        if len(run) >= 3:
            items.append(f"{names[run[0] - 1]}–{names[run[-1] - 1]}")
        else:
            items += [names[m - 1] for m in run]
    return format_list(items, locale=_locale(lang)) if items else ""


def and_list(items, lang: str) -> str:
    """``items`` joined the language's way ("a, b and c", "a, b und c")."""
    items = [str(x) for x in items if str(x)]
    return format_list(items, locale=_locale(lang)) if items else ""


def _language_name(code: str, lang: str) -> str:
    return _locale(lang).languages.get(code, code)


def _place(code: str) -> str:
    try:
        return reference.municipality(code).name
    except KlyngeError:
        return code


def _certification(cid: str, lang: str) -> str:
    try:
        return reference.certification(cid).name.get(lang if lang in LOCALES and lang != "de" else "en")
    except KlyngeError:
        return cid


def file_stem(title: str) -> str:
    """``title`` as a file name: ASCII letters, digits and hyphens (Å to A, ø to o), at most 60 characters."""
    folded = unicodedata.normalize("NFKD", title.replace("ø", "o").replace("Ø", "O").replace("æ", "ae")
                                   .replace("Æ", "Ae").replace("ß", "ss"))
    stem = re.sub(r"[^A-Za-z0-9]+", "-", folded.encode("ascii", "ignore").decode()).strip("-").lower()
    return stem[:60].strip("-") or "package"


def guest_price(offer: Offer, guests: int) -> Decimal:
    """What one guest of a party of ``guests`` pays for ``offer``.

    A price per person is the guest's own; a price for a group, a night (of a room or a bed) or
    a unit covers ``price_guests`` guests, so the party needs as many of them as it takes to
    hold everyone, shared among the party. A part priced per night counts one night.
    """
    amount = offer.price.amount
    if offer.price_unit == "person":
        return amount
    return amount * math.ceil(guests / offer.price_guests) / guests


def price_per_guest(package: Package, offers: Mapping[int, Offer | None]) -> tuple[Decimal, str] | None:
    """The package's price per guest and its currency, VAT included, or None when it is not simple.

    It is the sum of each part's :func:`guest_price`, with the seller's margin added where the
    supplier gives a net rate (a commission is taken out of the supplier's price, which guests
    pay as it is). None when a part's offer was deleted, the prices are in more than one
    currency, or a price is without VAT: then the texts say the price is on request.
    """
    parts = [(c, offers.get(c.offer_id)) for c in package.components]
    if not parts or any(o is None for _c, o in parts):
        return None
    if len({o.price.currency for _c, o in parts}) != 1 or not all(o.price.vat_included for _c, o in parts):
        return None
    total = Decimal(0)
    for component, offer in parts:
        price = guest_price(offer, package.guests)
        if component.margin_kind == "net":
            price *= 1 + component.margin_percent / 100
        total += price
    return total.quantize(Decimal(1), rounding=ROUND_HALF_UP), parts[0][1].price.currency


def _organisation(organisations: Mapping[int, Organisation], oid: int) -> Organisation:
    try:
        return organisations[oid]
    except KeyError:
        raise NotFound(f"the package names organisation {oid}, which is not among the cluster's organisations; "
                       "reload the package") from None


def package_context(package: Package, offers: Mapping[int, Offer | None],
                    organisations: Mapping[int, Organisation], lang: str) -> dict:
    """What the templates of ``lang`` are filled with: the package's facts, with names and lists in ``lang``."""
    w = words(lang)
    schedule: dict[int, list[dict]] = {}
    missing, live, legs = [], [], []
    for index, component in enumerate(package.components):
        org = _organisation(organisations, component.organisation_id)
        offer = offers.get(component.offer_id)
        if offer is None:
            missing.append({"day": component.day, "offer_id": component.offer_id, "supplier": org.name})
            continue
        if live:
            legs.append(component.mode)
        live.append((offer, org))
        schedule.setdefault(component.day, []).append({
            "index": index + 1, "title": offer.title, "kind": w["kinds"][offer.kind], "supplier": org.name,
            "place": _place(offer.municipality), "note": " ".join(component.note.split()),
        })
    by_id = {id(org): org for _o, org in live}  # each supplier once, in the parts' order
    suppliers = [org.name for org in by_id.values()]
    certified = [(org.name, and_list([_certification(c, lang) for c in org.certifications], lang))
                 for org in by_id.values() if org.certifications]
    spoken = [code for code in live[0][0].languages if all(code in o.languages for o, _org in live)] if live else []
    some = [code for code in dict.fromkeys(c for o, _org in live for c in o.languages) if code not in spoken]
    price = price_per_guest(package, offers)
    places = list(dict.fromkeys(p["place"] for day in schedule.values() for p in day))
    return {
        "lang": lang,
        "title": " ".join(package.title.split()),
        "description": package.description.strip(),
        "theme": w["themes"][package.theme] if package.theme else "",
        "days": package.days or max((c.day for c in package.components), default=1),
        "schedule": [{"day": day, "parts": schedule[day]} for day in sorted(schedule)],
        "parts": [p for day in sorted(schedule) for p in schedule[day]],
        "places": and_list(places, lang),
        "months": months_text(package.months, lang),
        "guests": package.guests,
        "capacity": min((o.capacity_per_day for o, _org in live), default=0),
        "price": money(price[0], price[1], lang) if price else "",
        "languages": and_list([_language_name(c, lang) for c in spoken], lang),
        "languages_some": and_list([_language_name(c, lang) for c in some], lang),
        "suppliers": and_list(suppliers, lang),
        "certified": certified,
        "arrival_from": " ".join(package.arrival_from.split()),
        "arrival_mode": w["modes"][package.arrival_mode],
        # "car" is every leg's default: legs are told once the package says how guests move on.
        "legs": and_list(dict.fromkeys(w["modes"][m] for m in legs), lang) if set(legs) - {"car"} else "",
        "missing": missing,
        "short_parts": [],
        "short_more": 0,
    }


def render_section(context: dict, section: str) -> str:
    """One section (``short``, ``subtitle``, ``intro``, ``days``, ``facts``, ``missing``) of the texts,
    filled with :func:`package_context`'s ``context``, its blank lines tidied."""
    text = _template(context["lang"]).render(**{**context, "section": section})
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _short(context: dict) -> str:
    """The short text: as many of the parts' titles as fit in :data:`SHORT_LIMIT`, then fewer words."""
    titles = [p["title"] for p in context["parts"]]
    for shown in range(len(titles), -1, -1):
        # One paragraph; the no-break spaces in amounts ("4 690 NOK") stay.
        text = re.sub(r"[ \t\n]+", " ", render_section({**context, "short_parts": titles[:shown],
                                                          "short_more": len(titles) - shown}, "short"))
        if len(text) <= SHORT_LIMIT:
            return text
    # A title alone longer than a listing: cut at a word, and say it was cut.
    cut = text[:SHORT_LIMIT - 1]
    if " " in cut[SHORT_LIMIT // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,.;:–-") + "…"


def package_text(package: Package, offers: Mapping[int, Offer | None], organisations: Mapping[int, Organisation],
                 lang: str) -> PackageText:
    """The package's texts in ``lang`` (nb, sv, en or de)."""
    context = package_context(package, offers, organisations, lang)
    long = "\n\n".join(x for x in (render_section(context, s) for s in ("intro", "days", "facts")) if x)
    missing = tuple(line for line in render_section(context, "missing").splitlines() if line)
    return PackageText(lang=lang, title=context["title"], short=_short(context), long=long, missing=missing)


def package_texts(package: Package, offers: Mapping[int, Offer | None],
                  organisations: Mapping[int, Organisation]) -> dict[str, PackageText]:
    """The package's short and long texts in nb, sv, en and de, keyed by language.

    Parameters
    ----------
    package
        The package; its parts in order.
    offers
        Every part's offer by id; None for an offer that was deleted after it was put in the package.
    organisations
        The suppliers by id.

    Raises
    ------
    NotFound
        When a part names an organisation that is not in ``organisations``.
    """
    return {lang: package_text(package, offers, organisations, lang) for lang in TEXT_LANGUAGES}


def texts_archive(texts: Mapping[str, PackageText]) -> bytes:
    """A .zip of the texts, one UTF-8 ``.txt`` file per language; the same texts give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for text in texts.values():
            info = zipfile.ZipInfo(text.file_name(), date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.file_bytes())
    return buffer.getvalue()
