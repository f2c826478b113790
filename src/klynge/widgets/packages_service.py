"""What the package studio may do: one person composing packages of their organisation, and answering others'.

The page (:mod:`klynge.widgets.packages_page`) is handed a :class:`PackagesService` and never
sees the store, the identity or the organisation id. Packages are the store's revisioned
documents (saves merge field by field; a field changed on both sides is a
:class:`~klynge.errors.Conflict`), and a supplier's answer is a document of its own
(:meth:`klynge.store.packages.PackagesMixin.answer_package`). Every value typed is checked with
the domain model, and each problem comes back beside its field in the person's language
(:class:`~klynge.errors.FormProblems`). Each capability is one method here, so the checks, the
package texts and the suggestions plug in at one place each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

import pydantic

from .. import reference
from ..errors import FormProblems, KlyngeError
from ..i18n import t
from ..model import Offer, Package, PackageAnswer
from ..store import RevisionInfo
from ..store.packages import Agreement, agreement
from .editing import OrganisationService
from .profile_form import months_text
from .profile_service import _label, _problems, parse_amount

__all__ = ["Check", "Opened", "PackageRow", "PackagesService", "PartOffer"]

#: Package fields the form edits, each an item the store merges on its own.
FIELDS = ("title", "description", "months", "target_segment", "theme", "days", "guests", "visibility", "arrival_from",
          "arrival_mode", "status", "components")


@dataclass(frozen=True)
class PartOffer:
    """An offer as the studio shows it: whose it is, where, and whether it was deleted (``gone``)."""

    offer: Offer
    organisation: str
    place: str
    gone: bool = False

    @property
    def id(self) -> int:
        return int(self.offer.id)


@dataclass(frozen=True)
class PackageRow:
    """One package in the lists: whose, at which revision, and where it stands with its suppliers."""

    owner_id: int
    name: str
    owner: str
    package: Package
    revision: int
    agreement: Agreement
    mine: bool


@dataclass(frozen=True)
class Opened:
    """A package opened in the studio, with the offers of its parts (deleted ones marked gone)."""

    row: PackageRow
    parts: dict[int, PartOffer]


@dataclass(frozen=True)
class Check:
    """One finding of the package check, in words: ``severity`` is "error", "warning" or "ok"."""

    severity: str
    text: str
    part: int | None = None


class PackagesService(OrganisationService):
    """One person's packages: those their organisation (``organisation_id``) composes, and those it has a
    part in; ``store`` and ``who`` as for every :class:`~klynge.widgets.editing.OrganisationService`."""

    @property
    def organisation_id(self) -> int:
        return self._organisation_id

    # -- what is read ----------------------------------------------------------------------
    @cached_property
    def names(self) -> dict[int, str]:
        """Every organisation of the cluster by id: its name."""
        return {o.id: o.name for o in self._store.organisations(self._who)}

    def refresh(self) -> None:
        """Read the organisations again at the next question."""
        self.__dict__.pop("names", None)

    def name(self, organisation_id: int) -> str:
        return self.names.get(organisation_id) or t("packages.unknown_member", "en", id=organisation_id)

    def packages(self) -> tuple[list[PackageRow], list[PackageRow]]:
        """The packages my organisation composes, and those it has a part in, each with its agreement."""
        mine, supplied = [], []
        for package, rev in self._store.packages_for(self._who, self._organisation_id):
            row = self._row(package, rev.organisation_id, rev.document, rev.number)
            (mine if row.mine else supplied).append(row)
        return mine, supplied

    def _row(self, package: Package, owner_id: int, name: str, number: int) -> PackageRow:
        answers = self._store.package_answers(self._who, owner_id, name)
        return PackageRow(owner_id, name, self.name(owner_id), package, number,
                          agreement(package, owner_id, answers), owner_id == self._organisation_id)

    def open(self, owner_id: int, name: str, number: int | None = None) -> Opened:
        """A package (now, or at revision ``number``) with the offers of its parts."""
        package, rev = self._store.package(self._who, owner_id, name, number)
        head = rev if number is None else self._store.package(self._who, owner_id, name)[1]
        row = self._row(package, owner_id, name, head.number)
        found = self._store.package_offers(self._who, owner_id, name)
        parts = {oid: self._part(offer) for oid, offer in found.offers.items() if offer is not None}
        parts.update({oid: self._part(offer, gone=True) for oid, offer in found.removed.items()})
        if number is not None:
            row = PackageRow(row.owner_id, row.name, row.owner, package, head.number, row.agreement, row.mine)
        return Opened(row, parts)

    def offers(self, *, kind: str = "", municipality: str = "", month: int = 0, text: str = "") -> list[PartOffer]:
        """The cluster's live offers a package can be made of, mine first, filtered."""
        text = text.strip().casefold()
        found = [self._part(v.value) for v in self._store.offers(self._who)]
        found = [p for p in found
                 if (not kind or p.offer.kind == kind) and (not municipality or p.offer.municipality == municipality)
                 and (not month or month in p.offer.months)
                 and (not text or text in f"{p.offer.title} {p.organisation} {p.place}".casefold())]
        return sorted(found, key=lambda p: (p.offer.organisation_id != self._organisation_id, p.organisation,
                                            p.offer.title))

    def places(self) -> list[tuple[str, str]]:
        """The municipalities the cluster's offers are in: (name, code), by name."""
        codes = {v.value.municipality for v in self._store.offers(self._who)}
        return sorted((_place(c), c) for c in codes)

    def _part(self, offer: Offer, gone: bool = False) -> PartOffer:
        return PartOffer(offer, self.name(int(offer.organisation_id)), _place(offer.municipality), gone)

    def history(self, name: str) -> list[RevisionInfo]:
        """Every revision of my package ``name``, oldest first."""
        return self._store.history(self._who, "package", self._organisation_id, name)

    # -- composing ---------------------------------------------------------------------------
    def build(self, form: Mapping, parts: Iterable[Mapping], lang: str) -> Package:
        """A package from the form's fields and its parts, or :class:`FormProblems` in ``lang``.

        ``parts`` are dicts of a component's fields, with ``margin_percent`` as typed (text).
        A problem with a part is said under the parts ("parts"), naming the part.
        """
        problems: list[tuple[str, str, str]] = []
        components = []
        for i, raw in enumerate(parts, start=1):
            data = dict(raw)
            margin = parse_amount(str(data.get("margin_percent", "0")).strip() or "0")
            if margin is None:
                problems.append(("parts", _label("components", lang),
                                 t("packages.problem.margin_number", lang, n=i)))
                margin = Decimal(0)
            elif margin < 0:
                problems.append(("parts", _label("components", lang),
                                 t("packages.problem.margin_negative", lang, n=i)))
                margin = Decimal(0)
            data["margin_percent"] = margin
            components.append(data)
        data = {k: form.get(k) for k in FIELDS if k != "components" and k in form}
        data["days"] = form.get("days") or None
        data["components"] = components
        package = None
        try:
            package = Package.model_validate(data)
        except pydantic.ValidationError as exc:
            for name, label, message in _problems(exc, lang):
                where = "parts" if name in ("components", "") else name
                problems.append((where, label or _label("components", lang), message))
        if problems or package is None:
            said = "; ".join(m for n, _l, m in problems if n == "parts")  # every problem of the parts, at once
            raise FormProblems([(n, label, said if n == "parts" else m) for n, label, m in problems])
        return package

    def check(self, package: Package, parts: Mapping[int, PartOffer], lang: str) -> list[Check]:
        """What the package's parts allow, in plain words: every part open in every chosen month, and
        the capacity per day (the smallest part's); deleted parts and a package of one organisation."""
        found: list[Check] = []
        if not package.components:
            return [Check("warning", t("packages.check.no_parts", lang))]
        suppliers = package.suppliers()
        if len(suppliers) < 2:
            found.append(Check("error", t("packages.check.one_supplier", lang, name=self.name(suppliers[0]))))
        live: list[tuple[int, PartOffer]] = []
        for i, comp in enumerate(package.components):
            part = parts.get(comp.offer_id)
            if part is None or part.gone:
                title = part.offer.title if part else t("packages.unknown_offer", lang, id=comp.offer_id)
                found.append(Check("error", t("packages.check.gone", lang, title=title,
                                              name=self.name(comp.organisation_id)), i))
                continue
            live.append((i, part))
        if not package.months:
            found.append(Check("error", t("packages.check.no_months", lang)))
        else:
            closed_any = False
            for i, part in live:
                closed = [m for m in package.months if m not in part.offer.months]
                if closed:
                    closed_any = True
                    found.append(Check("error", t("packages.check.closed", lang, title=part.offer.title,
                                                  name=part.organisation, months=months_text(closed, lang),
                                                  open=months_text(part.offer.months, lang)), i))
            if live and not closed_any:
                found.append(Check("ok", t("packages.check.open", lang, months=months_text(package.months, lang))))
        if live:
            i, smallest = min(live, key=lambda x: x[1].offer.capacity_per_day)
            n = smallest.offer.capacity_per_day
            found.append(Check("ok", t("packages.check.capacity", lang, n=n, title=smallest.offer.title)))
            if package.guests > n:
                found.append(Check("error", t("packages.check.party", lang, guests=package.guests, n=n,
                                              title=smallest.offer.title), i))
        return found

    def save(self, package: Package, base: int | None, name: str | None = None):
        """Save my package made from revision ``base`` (None: a new one); returns the store's revision.

        Raises :class:`~klynge.errors.Conflict` when a field was changed since by someone else too;
        nothing is saved then.
        """
        return self._store.save_package(self._who, self._organisation_id, package, base, name)

    def restore(self, name: str, number: int) -> int:
        """Make revision ``number`` of my package current again; returns the new revision's number."""
        return self._store.restore(self._who, "package", self._organisation_id, name, number).number

    # -- answering -------------------------------------------------------------------------
    def answer(self, owner_id: int, name: str, revision: int, *, accept: bool, reason: str, lang: str) -> None:
        """My organisation accepts taking part in a package, or withdraws with a reason.

        Raises :class:`FormProblems` (field "reason") for a withdrawal without one.
        """
        data = {"owner_id": owner_id, "package": name, "state": "accepted" if accept else "withdrawn",
                "reason": "" if accept else reason, "revision": revision}
        try:
            answer = PackageAnswer.model_validate(data)
        except pydantic.ValidationError as exc:
            raise FormProblems([("reason", _label("reason", lang), m) for _n, _l, m in _problems(exc, lang)]) from None
        self._store.answer_package(self._who, self._organisation_id, answer)


def _place(code: str) -> str:
    try:
        return reference.municipality(code).name
    except KlyngeError:
        return code
