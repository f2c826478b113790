"""What the facilitator's package suggestions and ``klynge packages suggest`` may do: ask the optimiser.

The page and the command line are handed a :class:`SuggestionsService` and never see the store.
The cluster's offers, members and packages are read through the store with the caller's
identity; the package settings are the cluster's stored ones where the store keeps them
(``store.package_settings``), else the defaults of :class:`~klynge.model.PackageSettings`. The
optimiser is :func:`klynge.analysis.packages.suggest` (pure).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from ..analysis import packages as optimiser
from ..i18n import t
from ..model import Offer, Organisation
from ..model.package import PackageSettings
from ..store import Identity, Store

__all__ = ["SuggestionsService", "Suggestions"]


@dataclass(frozen=True)
class Suggestions:
    """The optimiser's answer, with the names a person reads: offers' titles and members' names."""

    suggestions: tuple[optimiser.Suggestion, ...]
    settings: PackageSettings
    offers: dict[int, Offer]
    organisations: dict[int, Organisation]
    #: Offers left out for want of an exchange rate, per currency.
    unpriced: dict[str, int] = field(default_factory=dict)

    def notes(self, lang: str) -> list[str]:
        """What a person should know about the answer: offers left out for want of a rate."""
        return [t("suggest.unpriced", lang, n=n, other=currency, currency=self.settings.currency)
                for currency, n in sorted(self.unpriced.items())]

    def as_dict(self, lang: str = "en") -> dict:
        """Plain JSON values: each suggestion with its parts' titles and members' names."""
        out = []
        for s in self.suggestions:
            item = s.as_dict(lang)
            item["parts"] = [{"offer_id": i, "title": self.offers[i].title, "kind": self.offers[i].kind,
                              "organisation": self.organisations[self.offers[i].organisation_id].name}
                             for i in s.offer_ids]
            out.append(item)
        return {"currency": self.settings.currency, "max_leg_minutes": self.settings.max_leg_minutes,
                "unpriced": dict(self.unpriced), "notes": self.notes(lang), "suggestions": out}


class SuggestionsService:
    """The cluster's shared offers and the package suggestions made from them.

    Parameters
    ----------
    store
        The store; every read names ``who`` and the store checks the access rules.
    who
        The signed-in facilitator (or the command line's system identity scoped to the cluster).
    travel
        A travel source for the optimiser (default: the offline estimate).
    """

    def __init__(self, store: Store, who: Identity, travel=None):
        self._store, self._who, self._travel = store, who, travel

    @cached_property
    def _data(self) -> tuple[list[Offer], dict[int, Organisation], list]:
        offers = [v.value for v in self._store.offers(self._who)]
        organisations = {o.id: o for o in self._store.organisations(self._who)}
        packages = [p for p, _ in self._store.packages(self._who)]
        return offers, organisations, packages

    def refresh(self) -> None:
        """Read the offers again at the next question."""
        self.__dict__.pop("_data", None)

    def settings(self) -> PackageSettings:
        """The cluster's package settings (the defaults where the store keeps none)."""
        if hasattr(self._store, "package_settings"):
            return self._store.package_settings(self._who)
        return PackageSettings()

    def suggest(self, months: Sequence[int] | None = None, theme: str = "", count: int = 5,
                time_limit: float = 10.0, lang: str = "en") -> Suggestions:
        """Up to ``count`` suggestions (see :func:`klynge.analysis.packages.suggest`).

        Raises
        ------
        NoSuggestion
            No package obeys the rules; the message, in ``lang``, names the limit.
        """
        offers, organisations, packages = self._data
        settings = self.settings()
        found = optimiser.suggest(offers, organisations, settings, months=months, theme=theme, count=count,
                                  time_limit=time_limit, travel=self._travel, existing=packages, lang=lang)
        return Suggestions(tuple(found), settings, {o.id: o for o in offers}, organisations,
                           optimiser.unpriced(offers, settings))
