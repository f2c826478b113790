"""An offer's price and capacity in words, with their units: "450 NOK per night for 2", "24 beds".

One place writes them, so the offer list, the member summary and the batch reports say the
same thing in nb, sv and en. An offer's price is for what its ``price_unit`` says (a person, a
group, a night, a unit such as a cabin week) and covers ``price_guests`` guests and
``price_nights`` nights; its capacity counts ``capacity_unit`` (guests a day, beds, seats).
"""

from __future__ import annotations

from ..formatting import money, number
from ..i18n import t
from ..model.offer import CAPACITY_UNIT_OF

__all__ = ["capacity_text", "capacity_unit_text", "price_text", "price_unit_text"]


def price_unit_text(unit: str, guests: int, nights: int, lang: str) -> str:
    """What a price is for, in words: "per person", "per group of 8", "per night for 2", "per unit for 6, 7 nights"."""
    if unit == "group":
        text = t("unit.price_group", lang, n=guests)
    else:
        text = t(f"unit.price.{unit}", lang)
        if unit in ("night", "unit") and guests > 1:
            text += " " + t("unit.price_for", lang, n=guests)
    if nights > 1:
        text += ", " + t("unit.price_nights", lang, n=nights)
    return text


def price_text(offer, lang: str, *, vat: bool = True) -> str:
    """An offer's price with its currency and unit, and (with ``vat``) whether VAT is included.

    ``offer`` is a :class:`~klynge.model.Offer` (anything with ``price``, ``price_unit``,
    ``price_guests`` and ``price_nights``).
    """
    price = offer.price
    unit = price_unit_text(offer.price_unit, offer.price_guests, offer.price_nights, lang)
    text = f"{money(price.amount, price.currency, lang)} {unit}"
    if vat:
        text += " " + t("profile.vat_yes" if price.vat_included else "profile.vat_no", lang)
    return text


def capacity_unit_text(unit_or_kind: str, lang: str) -> str:
    """The words a capacity is counted in ("beds", "seats", "guests a day"), for a unit or an offer kind."""
    return t(f"unit.capacity.{CAPACITY_UNIT_OF.get(unit_or_kind, unit_or_kind)}", lang)


def capacity_text(offer, lang: str) -> str:
    """An offer's capacity with its unit: "24 beds", "60 seats", "12 guests a day"."""
    return f"{number(offer.capacity_per_day, lang)} {capacity_unit_text(offer.capacity_unit, lang)}"
