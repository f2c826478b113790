"""What the facilitator's "Low season" page may do: the gap finder's picture and the cluster's package settings.

The page is handed a :class:`GapsService` and never sees the store. Offers and packages are read
through the store with the caller's identity; the figures are
:func:`klynge.analysis.gaps.gap_picture` (pure), the heat map :mod:`klynge.report.gaps`. The
settings form's values are checked here, each problem a message in the reader's language beside
the field it belongs to.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from ..analysis import gaps as finder
from ..errors import FormProblems
from ..i18n import t
from ..model import CURRENCIES, PackageSettings
from ..store import Identity, Store, Versioned

__all__ = ["FIELDS", "GapsService", "other_currency", "parse_settings"]

#: The settings form's fields, in order.
FIELDS = ("currency", "rate", "max_leg_minutes", "price_min", "price_max")


def other_currency(currency: str) -> str:
    """The currency a rate converts from: the other of NOK and SEK."""
    return next(c for c in CURRENCIES if c != currency)


def _decimal(text: str) -> Decimal | None:
    """A number as typed (``0,97``, ``1 250``, ``1.03``); None when empty. ValueError when not a number."""
    text = str(text).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def _label(field: str, lang: str, currency: str) -> str:
    if field == "rate":
        return t("package_settings.rate", lang, other=other_currency(currency), currency=currency)
    key = {"max_leg_minutes": "max_leg"}.get(field, field)
    return t(f"package_settings.{key}", lang)


def parse_settings(values: Mapping[str, str], lang: str = "nb") -> PackageSettings:
    """The settings from the form's texts, or :class:`~klynge.errors.FormProblems` with a message per field.

    ``values`` has :data:`FIELDS`: the currency, the value of one unit of the other currency in it
    (empty: no rate), the longest leg in whole minutes, and the price range per guest (empty: no bound).
    """
    currency = values.get("currency") or "NOK"
    problems: list[tuple[str, str, str]] = []

    def problem(field: str, key: str) -> None:
        problems.append((field, _label(field, lang, currency), t(f"package_settings.{key}", lang)))

    numbers: dict[str, Decimal | None] = {}
    for field in ("rate", "max_leg_minutes", "price_min", "price_max"):
        try:
            numbers[field] = _decimal(values.get(field, ""))
        except ValueError:
            problem(field, "not_number")
    if "rate" in numbers and numbers["rate"] is not None and numbers["rate"] <= 0:
        problem("rate", "rate_positive")
    if "max_leg_minutes" in numbers:
        leg = numbers["max_leg_minutes"]
        if leg is None or leg != leg.to_integral_value() or not 5 <= leg <= 600:
            problem("max_leg_minutes", "leg_range")
    for field in ("price_min", "price_max"):
        if numbers.get(field) is not None and numbers[field] < 0:
            problem(field, "price_negative")
    low, high = numbers.get("price_min"), numbers.get("price_max")
    if low is not None and high is not None and low >= 0 and high >= 0 and low > high:
        problem("price_max", "range")
    if problems:
        raise FormProblems(problems)
    rate = numbers["rate"]
    return PackageSettings(currency=currency, rates={other_currency(currency): rate} if rate is not None else {},
                           max_leg_minutes=int(numbers["max_leg_minutes"]),
                           price_min=numbers["price_min"], price_max=numbers["price_max"])


def form_values(settings: PackageSettings) -> dict[str, str]:
    """The form's texts for ``settings`` (the inverse of :func:`parse_settings`)."""
    rate = settings.rates.get(other_currency(settings.currency))
    return {"currency": settings.currency, "rate": "" if rate is None else str(rate),
            "max_leg_minutes": str(settings.max_leg_minutes),
            "price_min": "" if settings.price_min is None else str(settings.price_min),
            "price_max": "" if settings.price_max is None else str(settings.price_max)}


class GapsService:
    """The cluster's low-season picture and package settings, for a facilitator.

    Parameters
    ----------
    store
        The store; every read and write names ``who`` and the store checks the access rules.
    who
        The signed-in facilitator.
    """

    def __init__(self, store: Store, who: Identity):
        self._store, self._who = store, who

    def picture(self, thin: float = finder.THIN) -> dict:
        """The gap finder's picture (:func:`~klynge.analysis.gaps.gap_picture`) of the cluster's live offers."""
        offers = [v.value for v in self._store.offers(self._who)]
        agreed = [p for p, _rev in self._store.agreed_packages(self._who)]
        return finder.gap_picture(offers, agreed, thin=thin)

    def png(self, picture: Mapping, lang: str) -> bytes:
        """The heat map of ``picture`` in ``lang``."""
        from ..report.gaps import gaps_png

        return gaps_png(picture, lang)

    def settings(self) -> Versioned[PackageSettings]:
        """The cluster's package settings and the version a save names."""
        return self._store.package_settings_versioned(self._who)

    def save_settings(self, values: Mapping[str, str], base_version: int | None, lang: str = "nb") -> int:
        """Check the form's texts and save them; returns the new version.

        Raises
        ------
        FormProblems
            A field's text is not acceptable (in ``lang``).
        Conflict
            Someone saved since ``base_version``.
        AccessDenied
            The caller does not manage the cluster.
        """
        return self._store.save_package_settings(self._who, parse_settings(values, lang), base_version)
