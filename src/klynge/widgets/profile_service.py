"""What the profile page may do: one person, one organisation's profile and offers.

The page is handed a :class:`ProfileService` and never sees the store, the identity or the
organisation id. Every value the person typed is checked here with the domain model and the
reference places before it reaches the store, and every problem comes back per field, in the
person's language (:class:`FormProblems`). Saves name the version they started from: when
someone else saved in between, the store's :class:`~klynge.errors.Conflict` reaches the page,
which keeps what the person typed.

The low-season picture (:class:`Season`, :func:`season_png`) sets the member's open capacity
by month against the guest nights of their area.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pydantic
from pydantic_core import PydanticCustomError

from .. import reference
from ..errors import AccessDenied, FormProblems, NotFound, ValidationError
from ..i18n import t
from ..model import Offer, Organisation, SubCluster, normalise_code
from ..model.organisation import check_orgnr
from ..store import StoredConsent, Versioned
from ..store.access import decide
from ..validation import explain
from .editing import OrganisationService

__all__ = ["CALENDAR", "Profile", "ProfileService", "Season", "check_organisation", "season_figure", "season_png"]

#: The months of the programme's year in the order the calendar shows them: September first.
CALENDAR = (9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8)

#: The organisation fields a participant edits on the profile page; the rest stay as registered.
ORGANISATION_FIELDS = ("name", "description", "orgnr", "municipality", "lat", "lon", "certifications", "phase",
                       "needs", "subclusters")

_OTHER_FORM = {"NO": ("SE", "profile.orgnr_looks_swedish"), "SE": ("NO", "profile.orgnr_looks_norwegian")}


@dataclass(frozen=True)
class Profile:
    """The organisation and its live offers, each with the version a save must name."""

    organisation: Organisation
    version: int
    offers: list[Versioned[Offer]]


@dataclass(frozen=True)
class Season:
    """The member's capacity by month against the area's guest nights (months January first).

    ``capacity`` maps each capacity unit the member has (beds, seats, guests) to its twelve
    monthly capacities (capacity per day times the month's days, over the months each offer
    is open): units are never added together. ``demand`` is the area's monthly shares of guest
    nights (None where the area has no data); ``member_share`` the part of the capacity that
    lies in the ``low`` months (unit by unit, then averaged), ``area_share`` the part of the
    area's guest nights that does.
    """

    capacity: dict[str, tuple[int, ...]]
    open_offers: tuple[int, ...]
    demand: tuple[float, ...] | None
    low: tuple[int, ...]
    member_share: float
    area_share: float
    idle: tuple[int, ...]
    area: str = ""

    @property
    def percent(self) -> int:
        """The low-season share of capacity in whole percent."""
        return round(self.member_share * 100)

    @property
    def area_percent(self) -> int:
        return round(self.area_share * 100)

    @property
    def empty(self) -> bool:
        return not any(any(values) for values in self.capacity.values())


def _label(field: str, lang: str) -> str:
    label = t(f"field.{field}", lang)
    return field if label == f"field.{field}" else label


#: The field a whole-offer check is about, so that its message shows beside that field.
_FIELD_OF_ERROR = {"klynge_capacity_unit": "capacity_per_day", "klynge_price_guests": "price_guests"}


def _problems(exc: pydantic.ValidationError, lang: str) -> list[tuple[str, str, str]]:
    """pydantic's errors as (field name, field label, message), the message without the label."""
    explained = explain(exc, lang).problems
    out = []
    for error, (_label_text, message) in zip(exc.errors(), explained):
        loc = error["loc"]
        name = str(loc[0]) if loc else _FIELD_OF_ERROR.get(error["type"], "")
        out.append((name, _label(name, lang) if name else "", message))
    return out


def parse_amount(text: str | float | int | Decimal | None) -> Decimal | None:
    """A price as a person types it (``1 250,50``, ``450``, ``450.-``) as a Decimal; None when it is not one."""
    if isinstance(text, (int, float, Decimal)) and not isinstance(text, bool):
        return Decimal(str(text))
    raw = re.sub(r"[\s\u00a0\u202f']", "", str(text or "")).removesuffix(",-").removesuffix(".-")
    if raw.count(",") == 1 and "." not in raw:
        raw = raw.replace(",", ".")
    if not re.fullmatch(r"[+-]?\d+(?:\.\d+)?", raw):
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:  # pragma: no cover - the pattern lets only numbers through
        return None


def check_organisation(data: dict, lang: str) -> Organisation:
    """An organisation from ``data`` (its fields as a form gives them), or :class:`FormProblems` in ``lang``.

    Besides the model's checks: a number of the other country says so, and the municipality must be
    one of the reference places of the organisation's country.
    """
    country = data.get("country")
    problems: list[tuple[str, str, str]] = []
    try:
        org = Organisation.model_validate(data)
    except pydantic.ValidationError as exc:
        org = None
        problems = _problems(exc, lang)
    problems = [ProfileService._orgnr_problem(country, data.get("orgnr", ""), p, lang) for p in problems]
    known = {m.code for m in reference.municipalities(country)}
    code = normalise_code(str(data.get("municipality") or ""))
    if code and code not in known and not any(p[0] == "municipality" for p in problems):
        problems.append(("municipality", _label("municipality", lang),
                         t("error.klynge_municipality_unknown", lang, code=code)))
    if problems or org is None:
        raise FormProblems(problems)
    return org


class ProfileService(OrganisationService):
    """One person's access to one organisation's profile and offers.

    Parameters
    ----------
    store
        The store; every call names ``who`` and the store checks the access rules.
    who
        The signed-in person, as the server established it (never from the browser).
    organisation_id
        Whose profile this is.
    """

    write_action = "write_register"

    # -- reading ------------------------------------------------------------------------
    def load(self) -> Profile:
        """The profile and the live offers, freshly read."""
        found = self._store.organisation(self._who, self._organisation_id)
        offers = self._store.offers(self._who, self._organisation_id)
        return Profile(found.value, found.version, offers)

    @staticmethod
    def municipalities(country: str | None = None) -> list[reference.Municipality]:
        """The reference municipalities (of ``country``, or all), by name."""
        return sorted(reference.municipalities(country), key=lambda m: m.name)

    @staticmethod
    def certifications(country: str, held: Iterable[str] = ()) -> list[reference.Certification]:
        """The certifications given in ``country``, and any the organisation already holds."""
        held = set(held)
        return [c for c in reference.certifications() if country in c.countries or c.id in held]

    def subclusters(self) -> list[SubCluster]:
        """The sub-clusters of the person's cluster."""
        return list(self._store.cluster(self._who).subclusters)

    # -- the organisation ---------------------------------------------------------------
    def check_organisation(self, current: Organisation, form: dict, lang: str) -> Organisation:
        """The organisation with the form's fields, or :class:`FormProblems` in ``lang``."""
        data = current.model_dump()
        data.update({k: v for k, v in form.items() if k in ORGANISATION_FIELDS})
        data["id"] = self._organisation_id
        return check_organisation(data, lang)

    @staticmethod
    def _orgnr_problem(country: str, value: str, problem: tuple[str, str, str], lang: str) -> tuple[str, str, str]:
        """Say so when the number is a good one of the other country (a Swedish number for a Norwegian firm)."""
        if problem[0] != "orgnr" or country not in _OTHER_FORM:
            return problem
        other, key = _OTHER_FORM[country]
        try:
            check_orgnr(other, str(value))
        except PydanticCustomError:
            return problem
        return problem[0], problem[1], t(key, lang)

    def save_organisation(self, current: Organisation, form: dict, base_version: int, lang: str) -> int:
        """Check and save the profile made from ``base_version``; returns the new version.

        Raises
        ------
        FormProblems
            A value is not acceptable; nothing is saved.
        klynge.errors.Conflict
            Someone else saved the profile since ``base_version``; nothing is saved.
        """
        org = self.check_organisation(current, form, lang)
        try:
            return self._store.update_organisation(self._who, org, base_version)
        except FormProblems:
            raise
        except ValidationError as exc:  # checked against the register: the number or a sub-cluster
            fields = [p[0] for p in exc.problems]
            if "orgnr" in fields:
                raise FormProblems([("orgnr", _label("orgnr", lang), t("profile.orgnr_taken", lang))]) from None
            raise FormProblems([(f, _label(f, lang), t("error.invalid", lang)) for f in fields]) from None

    # -- research use of the shared notes --------------------------------------------------
    def research_consent(self) -> StoredConsent | None:
        """The decision in force on research use of the shared notes (None: never given, or not ours to read)."""
        try:
            return self._store.research_consent(self._who, self._organisation_id)
        except AccessDenied:  # not this person's to read: shown as not given, and the box is read-only
            return None

    @property
    def may_consent(self) -> bool:
        """Whether this person may decide on research use for the organisation (its own participants only)."""
        who = self._who
        return decide(who, "research_consent", organisation_id=self._organisation_id, cluster_id=who.cluster_id)

    def set_research_consent(self, consented: bool) -> StoredConsent:
        """Give or withdraw consent for the organisation; the earlier decisions stay on record."""
        return self._store.set_research_consent(self._who, self._organisation_id, consented)

    # -- offers ---------------------------------------------------------------------------
    def check_offer(self, form: dict, lang: str) -> Offer:
        """An offer from the form, or :class:`FormProblems` in ``lang``.

        The form holds ``price_amount`` as typed (text), ``currency`` and ``vat_included``
        beside the offer's own fields.
        """
        data = {k: v for k, v in form.items() if k not in ("price_amount", "currency", "vat_included", "id")}
        data["organisation_id"] = self._organisation_id
        problems: list[tuple[str, str, str]] = []
        amount = parse_amount(form.get("price_amount"))
        price_label = _label("price", lang)
        if str(form.get("price_amount") or "").strip() == "":
            problems.append(("price", price_label, t("error.missing", lang)))
        elif amount is None:
            problems.append(("price", price_label, t("profile.price_not_number", lang)))
        elif amount < 0:
            problems.append(("price", price_label, t("profile.price_negative", lang)))
        data["price"] = {"amount": amount if amount is not None and amount >= 0 else Decimal(0),
                         "currency": form.get("currency"), "vat_included": bool(form.get("vat_included", True))}
        offer = None
        try:
            offer = Offer.model_validate(data)
        except pydantic.ValidationError as exc:
            taken = {p[0] for p in problems}
            problems += [p for p in _problems(exc, lang) if p[0] not in taken]
        code = normalise_code(str(data.get("municipality") or ""))
        if code and not any(p[0] == "municipality" for p in problems):
            try:
                reference.municipality(code)
            except NotFound:
                problems.append(("municipality", _label("municipality", lang),
                                 t("error.klynge_municipality_unknown", lang, code=code)))
        if problems or offer is None:
            raise FormProblems(problems)
        return offer

    def save_offer(self, form: dict, lang: str, offer_id: int | None = None, base_version: int | None = None) -> int:
        """Add the offer (no ``offer_id``) or save an edit made from ``base_version``; returns its id.

        Raises :class:`FormProblems` or :class:`~klynge.errors.Conflict`, as
        :meth:`save_organisation` does.
        """
        offer = self.check_offer(form, lang)
        if offer_id is None:
            return self._store.add_offer(self._who, offer)
        if base_version is None:
            raise ValueError("an edited offer names the version it was made from")
        self._own_offer(offer_id)
        self._store.update_offer(self._who, offer.model_copy(update={"id": offer_id}), base_version)
        return offer_id

    def remove_offer(self, offer_id: int, base_version: int) -> None:
        """Take the offer off the list (it stays in the history); a Conflict when it changed since."""
        self._own_offer(offer_id)
        self._store.remove_offer(self._who, offer_id, base_version)

    def _own_offer(self, offer_id: int) -> None:
        """Refuse an offer id that is not one of this organisation's live offers."""
        if offer_id not in {o.value.id for o in self._store.offers(self._who, self._organisation_id)}:
            raise NotFound(f"no offer {offer_id} of this organisation")

    # -- the low season -------------------------------------------------------------------
    @staticmethod
    def season(offers: Iterable[Offer], municipality: str) -> Season:
        """The member's capacity by month against the seasonality of ``municipality``'s area."""
        from ..analysis.member import UNITS, by_month, capacity_column, low_season, offers_frame

        try:
            area = reference.area_of(municipality)
            demand = tuple(reference.seasonality(area))
            low = reference.low_months(area)
            name = next((a.name for a in reference.areas() if a.id == area), area)
        except NotFound:
            demand, low, name = None, reference.low_months(None), ""
        monthly = by_month(offers_frame(list(offers)))
        found = low_season(monthly, demand, low)
        capacity = {u: tuple(int(x) for x in monthly[capacity_column(u)]) for u in UNITS}
        return Season(capacity={u: values for u, values in capacity.items() if any(values)},
                      open_offers=tuple(int(x) for x in monthly["open_offers"]),
                      demand=demand, low=tuple(found["months"]), member_share=found["member_share"],
                      area_share=found["area_share"], idle=tuple(found["idle_months"]), area=name)


def season_figure(season: Season, lang: str):
    """Capacity by month from September to August (bars), low months shaded, the area's guest nights (line)."""
    import matplotlib
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from ..report.figures import RC, UNIT_COLOURS, months

    names = months(lang)
    order = [m - 1 for m in CALENDAR]
    series = [(u, np.asarray(v, dtype=float)[order]) for u, v in season.capacity.items()]
    top = max([1.0] + [float(v.max()) for _, v in series])
    low = [m in season.low for m in CALENDAR]
    width, height, right = 7.2, 3.2, 0.8 if season.demand is not None else 0.2
    with matplotlib.rc_context({**RC, "font.size": 11}):
        fig = Figure(figsize=(width, height))
        FigureCanvasAgg(fig)
        # fixed margins in inches: an automatic layout measures text, which is slow
        ax = fig.add_axes((0.95 / width, 0.45 / height, 1 - (0.95 + right) / width, 1 - 0.6 / height))
        x = np.arange(12)
        for i in x[np.asarray(low, dtype=bool)]:
            ax.axvspan(i - 0.5, i + 0.5, color="#e8eef7", zorder=0)
        width_each = 0.8 / max(1, len(series))
        for k, (unit, values) in enumerate(series):  # side by side, never stacked: units are not added up
            ax.bar(x - 0.4 + width_each * (k + 0.5), values, width=width_each, color=UNIT_COLOURS.get(unit, "#1f5f5b"),
                   zorder=2, label=t(f"unit.capacity_month.{unit}", lang))
        ax.set_xticks(x, [names[i] for i in order])
        ax.set_ylabel(t("unit.capacity_by_unit", lang))
        ax.set_xlim(-0.5, 11.5)
        ax.set_ylim(bottom=0, top=top * (1.1 if len(series) < 2 else 1.3))
        if len(series) > 1:
            ax.legend(loc="upper left", ncol=len(series), frameon=False, fontsize=9)
        ax.spines[["top"]].set_visible(False)
        if season.demand is not None:
            share = ax.twinx()
            share.plot(x, np.asarray(season.demand)[order] * 100, color="#c2410c", marker="o", ms=4)
            share.set_ylabel(t("batch.demand_share", lang) + " (%)", color="#c2410c")
            share.set_ylim(bottom=0)
            share.spines[["top"]].set_visible(False)
    return fig


def season_png(season: Season, lang: str) -> bytes:
    """:func:`season_figure` as PNG bytes (the same bytes for the same season)."""
    from ..report.figures import png

    return png(season_figure(season, lang))
