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
from ..model import Offer, Organisation, Package, PackageAnswer, PackageSettings
from ..store import RevisionInfo
from ..store.packages import Agreement, agreement
from .editing import OrganisationService
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
    """One finding of the package check, in words: ``severity`` is "error", "warning" or "info" (a figure)."""

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
    def organisations(self) -> dict[int, Organisation]:
        """Every organisation of the cluster by id."""
        return {o.id: o for o in self._store.organisations(self._who)}

    @property
    def names(self) -> dict[int, str]:
        """Every organisation of the cluster by id: its name."""
        return {oid: o.name for oid, o in self.organisations.items()}

    def refresh(self) -> None:
        """Read the organisations again at the next question."""
        self.__dict__.pop("organisations", None)

    def name(self, organisation_id: int) -> str:
        org = self.organisations.get(organisation_id)
        return org.name if org is not None else t("packages.unknown_member", "en", id=organisation_id)

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

    def check(self, package: Package, parts: Mapping[int, PartOffer], lang: str, *,
              seller: int | None = None) -> list[Check]:
        """What the package allows, in plain words (:func:`klynge.analysis.package_check.check_package`):
        problems first (a part closed in a chosen month, a part that is gone, ...), then the package-travel
        warning, then the figures (months open, capacity, price per guest, legs and CO2, the trip to the
        region, local share). ``seller`` is the organisation that sells it (default: mine)."""
        from ..analysis.package_check import check_package

        offers = {c.offer_id: None if (p := parts.get(c.offer_id)) is None or p.gone else p.offer
                  for c in package.components}
        result = check_package(package, offers, self.organisations, self.settings(),
                               seller=self._organisation_id if seller is None else seller)
        found = [Check(p.severity, p.message(lang), p.part) for p in result.problems if p.code != "package_travel"]
        law = result.law.messages(lang) if result.law.package else []
        found += [Check("warning", m) for m in law]
        said = {c.text for c in found}
        return found + [Check("info", m) for m in result.messages(lang) if m not in said]

    def settings(self) -> PackageSettings:
        """The cluster's package settings (set by a facilitator): currency, exchange rates, limits."""
        return self._store.package_settings(self._who)

    def suggestions(self, months: Iterable[int], theme: str, lang: str, *, count: int = 3,
                    time_limit: float = 8.0) -> tuple[list, list[str]]:
        """Packages the optimiser proposes from the cluster's shared offers, in the chosen months (none
        chosen: the low season) and theme, with what a person should know about the answer.

        Raises :class:`~klynge.errors.NoSuggestion`, whose message in ``lang`` names the limit that
        makes every package impossible.
        """
        from .suggestions_service import SuggestionsService

        found = SuggestionsService(self._store, self._who).suggest(
            months=sorted(months) or None, theme=theme, count=count, time_limit=time_limit, lang=lang)
        return list(found.suggestions), found.notes(lang)

    def save(self, package: Package, base: int | None, name: str | None = None):
        """Save my package made from revision ``base`` (None: a new one); returns the store's revision.

        Raises :class:`~klynge.errors.Conflict` when a field was changed since by someone else too;
        nothing is saved then.
        """
        return self._store.save_package(self._who, self._organisation_id, package, base, name)

    def restore(self, name: str, number: int) -> int:
        """Make revision ``number`` of my package current again; returns the new revision's number."""
        return self._store.restore(self._who, "package", self._organisation_id, name, number).number

    # -- texts and posters ---------------------------------------------------------------------
    def download(self, package: Package, parts: Mapping[int, PartOffer], what: str,
                 lang: str) -> tuple[str, bytes, str]:
        """A file of the package for booking channels: ``"texts"`` (a zip of the short and long texts in
        nb, sv, en and de) or the A4 poster in ``lang`` as ``"png"`` or ``"pdf"``. Returns (name, bytes, mime).
        Parts whose offers were deleted are left out (the texts list them as missing)."""
        from ..report.package_poster import package_poster
        from ..report.package_text import file_stem, package_texts, texts_archive

        offers = {c.offer_id: None if (p := parts.get(c.offer_id)) is None or p.gone else p.offer
                  for c in package.components}
        stem = file_stem(package.title)
        if what == "texts":
            return f"{stem}-texts.zip", texts_archive(package_texts(package, offers, self.organisations)), \
                "application/zip"
        if what not in ("png", "pdf"):
            raise KlyngeError(f"a package poster is made as png or pdf, not {what!r}")
        data = package_poster(package, offers, self.organisations, lang, fmt=what)
        return f"{stem}-{lang}.{what}", data, "image/png" if what == "png" else "application/pdf"

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
