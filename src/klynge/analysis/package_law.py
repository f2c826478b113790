"""Whether a combination of offers makes the seller a package-travel organiser, why, and what that asks.

The EU Package Travel Directive (2015/2302), as Norway's pakkereiseloven (2018) and Sweden's
paketreselag (2018:1217) apply it, knows four types of travel service (article 3(1)):

- ``carriage``: carriage of passengers;
- ``accommodation``: accommodation that is not part of carriage and not for residential purposes;
- ``car_rental``: rental of cars (and some motor vehicles);
- ``other``: any other tourist service not intrinsically part of the three above: excursions,
  guided tours, admission to concerts, museums and events, ski passes, equipment hire, meals.

Offer kinds map to them by :data:`SERVICE_OF`: ``transport`` is carriage, ``accommodation``
accommodation, and ``activity``, ``culture``, ``meal`` and ``venue`` other tourist services
(no offer kind is a car rental). A meal served as part of the stay (half board) is part of the
accommodation, not a service of its own; Klynge cannot tell it from a meal at another supplier,
so it counts every meal offer as an other tourist service, which errs towards the warning.

:func:`assess` applies the rules in this order:

1. a trip of one day without an accommodation part lasts under 24 hours with no overnight stay:
   outside the law (article 2(2)(a));
2. two or more of carriage, accommodation and car rental for the same trip: a package
   (article 3(2));
3. one of them with other tourist services: a package when the other services account for
   25 % or more of the combination's value, or are an essential feature of it (recital 18 and
   article 3(2)); the package's theme is how it is advertised, so other services of the kind
   the theme names (:data:`THEME_KINDS`: meals for food, culture for culture, activities for
   nature, winter and pilgrim paths) are taken as an essential feature. When a part's value is
   unknown, the share cannot be worked out and the combination is treated as a package;
4. only other tourist services, however many, or a single type: not a package (they are one type).

A package asks of the seller (the organiser): security for prepayments against insolvency
(article 17; Reisegarantifondet in Norway, a travel guarantee lodged with Kammarkollegiet in
Sweden), the pre-contract information with the standard information form (article 5 and
annex I), and liability for the performance of every service in the package, with help to
travellers in difficulty (articles 13 and 16). The assessment is a warning with its reason,
not legal advice: linked travel arrangements and business travel under a general agreement
are not assessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ..i18n import t

__all__ = ["LAWS", "OTHER_SHARE", "SERVICE_OF", "THEME_KINDS", "LawAssessment", "LawPart", "assess"]

#: The type of travel service of each offer kind (see the module docstring).
SERVICE_OF = {"transport": "carriage", "accommodation": "accommodation", "activity": "other", "culture": "other",
              "meal": "other", "venue": "other"}
#: The three types that make a package together; ``other`` tourist services only with enough weight.
MAIN_SERVICES = ("carriage", "accommodation", "car_rental")
#: Other tourist services under this share of the combination's value are not a significant proportion.
OTHER_SHARE = Decimal("0.25")
#: The offer kinds a theme advertises as the package's essential feature.
THEME_KINDS = {"food": ("meal",), "culture": ("culture",), "nature": ("activity",), "winter": ("activity",),
               "pilgrim": ("activity",)}
#: The law's name per country, as a message key.
LAWS = {"NO": "package_check.law.name_no", "SE": "package_check.law.name_se"}
_SECURITY = {"NO": "package_check.law.duty.security_no", "SE": "package_check.law.duty.security_se"}


@dataclass(frozen=True)
class LawPart:
    """A part as the law sees it: its offer kind and its value per guest (None when unknown)."""

    kind: str
    value: Decimal | None


@dataclass(frozen=True)
class LawAssessment:
    """Whether the combination is a package, the rule that decided it, and the seller's duties.

    Attributes
    ----------
    package
        True when the seller is a package-travel organiser.
    rule
        The rule that decided: ``empty``, ``day_trip``, ``single_type``, ``other_only``,
        ``two_types``, ``significant``, ``essential``, ``minor`` or ``value_unknown``.
    key, params
        The reason in words: a message key and what fills it (``types``, ``other`` and ``law``
        are filled in the reader's language by :meth:`reason`).
    services
        The types of travel service in the combination, in :data:`SERVICE_OF`'s terms.
    other_share
        The other tourist services' share of the value (None when not worked out).
    countries
        The sellers' countries whose law is named (NO, SE).
    duties
        Message keys of what the law asks of the seller (empty when not a package).
    """

    package: bool
    rule: str
    key: str
    services: tuple[str, ...]
    countries: tuple[str, ...]
    other_share: Decimal | None = None
    params: dict = field(default_factory=dict)
    duties: tuple[str, ...] = ()

    def _words(self, lang: str) -> dict:
        law = " / ".join(t(LAWS[c], lang) for c in self.countries) or t("package_check.law.name_eu", lang)
        main = [s for s in self.services if s != "other"]
        words = {**self.params, "law": law, "other": t("package_check.service.other", lang),
                 "types": _join((t(f"package_check.service.{s}", lang) for s in main), lang)}
        if "theme" in self.params:
            words["theme"] = t(f"package_check.theme.{self.params['theme']}", lang)
        return words

    def reason(self, lang: str = "nb") -> str:
        """Why, in one sentence in ``lang``."""
        return t(self.key, lang, **self._words(lang))

    def messages(self, lang: str = "nb") -> list[str]:
        """The reason, then each duty, in ``lang``."""
        return [self.reason(lang)] + [t(key, lang) for key in self.duties]


def _join(words: Iterable[str], lang: str) -> str:
    items = list(words)
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " " + t("package_check.and", lang) + " " + items[-1]


def assess(parts: Sequence[LawPart], *, days: int, theme: str = "", countries: Sequence[str] = ("NO",)
           ) -> LawAssessment:
    """The package-travel assessment of a combination of parts (see the module docstring for the rules).

    Parameters
    ----------
    parts
        The package's parts that still exist, with their value per guest (None when unknown).
    days
        The trip's length in days: one day without accommodation is under 24 hours.
    theme
        The package's theme, which says what it is advertised for.
    countries
        The sellers' countries (NO, SE): the law of each is named, and its security duty listed.
    """
    countries = tuple(dict.fromkeys(c for c in countries if c in LAWS))
    order = (*MAIN_SERVICES, "other")  # the directive's order
    services = tuple(sorted({SERVICE_OF[p.kind] for p in parts}, key=order.index))
    main = [s for s in services if s in MAIN_SERVICES]

    def outcome(package: bool, rule: str, other_share: Decimal | None = None, **params) -> LawAssessment:
        duties = ((*(_SECURITY[c] for c in countries), "package_check.law.duty.information",
                   "package_check.law.duty.liability") if package else ())
        return LawAssessment(package, rule, f"package_check.law.{rule}", services, countries, other_share, params,
                             duties)

    if not parts:
        return outcome(False, "empty")
    if days <= 1 and "accommodation" not in services:
        return outcome(False, "day_trip")
    if len(main) >= 2:
        return outcome(True, "two_types")
    if not main:
        return outcome(False, "other_only" if len({p.kind for p in parts}) > 1 else "single_type")
    if "other" not in services:
        return outcome(False, "single_type")
    essential = [p.kind for p in parts if SERVICE_OF[p.kind] == "other" and p.kind in THEME_KINDS.get(theme, ())]
    if essential:
        return outcome(True, "essential", theme=theme)
    if any(p.value is None for p in parts):
        return outcome(True, "value_unknown")
    total = sum((p.value for p in parts), Decimal(0))
    other = sum((p.value for p in parts if SERVICE_OF[p.kind] == "other"), Decimal(0))
    share = other / total if total else Decimal(0)
    if share >= OTHER_SHARE:
        return outcome(True, "significant", share, share=share)
    return outcome(False, "minor", share, share=share)
