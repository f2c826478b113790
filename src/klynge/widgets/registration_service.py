"""What the registration page may do for an invitee: register their organisation, or ask to join one already there.

An invitee is a person invited to bring their organisation into the cluster; until they register it
(or are let into one) they may do nothing else. The page is handed a :class:`RegistrationService`
and never sees the store. The form's values are checked as the profile checks them
(:func:`~klynge.widgets.profile_service.check_organisation`: the organisation number per country,
the municipality among the reference places), each problem in the invitee's language beside its
field. A number already registered is not an error to fix but a fork: :meth:`RegistrationService.register`
returns :class:`Taken`, naming the organisation, and the invitee may ask to join it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .. import reference
from ..errors import AlreadyRegistered, FormProblems
from ..i18n import t
from ..model import ORGANISATION_KINDS
from ..settings import Settings
from ..store import Identity, Store
from .profile_service import _label, check_organisation

__all__ = ["COUNTRIES", "FIELDS", "POSITIONS", "Registered", "RegistrationService", "Taken"]

#: The registration form's fields, in order.
FIELDS = ("name", "orgnr", "kind", "country", "municipality", "position")

#: The countries an organisation may be registered in, with the catalogue key of each name.
COUNTRIES = {"NO": "partners.page.norway", "SE": "partners.page.sweden"}
POSITIONS = ("staff", "board")


@dataclass(frozen=True)
class Registered:
    """The organisation is registered and the invitee is its participant: a reload opens the full app."""

    organisation_id: int


@dataclass(frozen=True)
class Taken:
    """The organisation number belongs to an organisation already registered: the invitee may ask to join it."""

    organisation_id: int
    name: str


@dataclass(frozen=True)
class Waiting:
    """A request to join an organisation that waits for its people (or a facilitator) to answer."""

    request_id: int
    organisation_id: int
    organisation: str


class RegistrationService:
    """An invitee's one way in: register an organisation, or ask to join one.

    Parameters
    ----------
    store
        The store; every call names ``who`` and the store checks that they are an invitee.
    who
        The signed-in invitee, as the server established it.
    settings
        For the address of the app a reload opens.
    """

    def __init__(self, store: Store, who: Identity, settings: Settings):
        self._store, self._who, self._settings = store, who, settings

    @property
    def person(self) -> str:
        return self._who.name

    @staticmethod
    def kinds() -> tuple[str, ...]:
        return ORGANISATION_KINDS

    @staticmethod
    def municipalities(country: str) -> list[tuple[str, str]]:
        """``(name, code)`` of the reference municipalities of ``country``, by name."""
        return sorted(((m.name, m.code) for m in reference.municipalities(country)), key=lambda p: p[0])

    def app_url(self) -> str:
        """The address of the participant app: opened again, it starts with the new organisation."""
        return f"{self._settings.base_url.rstrip('/')}/voila/render/participant.ipynb"

    def check(self, form: Mapping[str, object], lang: str):
        """The organisation the form describes and the position chosen, or :class:`FormProblems` in ``lang``."""
        data = {k: (v.strip() if isinstance(v, str) else v) for k, v in form.items() if k in FIELDS}
        position = data.pop("position", "staff")
        problems: list[tuple[str, str, str]] = []
        if position not in POSITIONS:
            problems.append(("position", t("field.position", lang), t("error.choice", lang,
                                                                      expected=", ".join(POSITIONS))))
        try:
            org = check_organisation(data, lang)
        except FormProblems as exc:
            raise FormProblems([*_named(exc, lang), *problems]) from None
        if problems:
            raise FormProblems(problems)
        return org, position

    def register(self, form: Mapping[str, object], lang: str) -> Registered | Taken:
        """Register the organisation of the form with the invitee as its participant (staff or board).

        Returns :class:`Taken` when its number is already registered (also when another registration
        of it won a race).

        Raises
        ------
        FormProblems
            A field is not acceptable (in ``lang``); nothing is registered.
        klynge.errors.ValidationError
            The person is no longer an invitee (they registered or joined already).
        """
        org, position = self.check(form, lang)
        try:
            organisation_id = self._store.register_organisation(self._who, org, position=position)
        except FormProblems:
            raise
        except AlreadyRegistered as exc:
            return Taken(exc.existing_id, exc.existing)
        return Registered(organisation_id)

    def request_join(self, organisation_id: int, position: str = "staff") -> int:
        """Ask to join an organisation already registered; its people or a facilitator answer."""
        return self._store.request_join(self._who, organisation_id, position)

    def waiting(self) -> Waiting | None:
        """The invitee's request to join that still waits for an answer, if any."""
        requests = [r for r in self._store.join_requests(self._who) if r.decided_at is None]
        if not requests:
            return None
        last = max(requests, key=lambda r: (r.created_at, r.id))
        return Waiting(last.id, last.organisation_id, last.organisation_name)

    def declined(self) -> str | None:
        """The organisation that declined the invitee's latest request to join, when it did (and none waits)."""
        requests = self._store.join_requests(self._who)
        if not requests:
            return None
        last = max(requests, key=lambda r: (r.created_at, r.id))
        return last.organisation_name if last.decided_at is not None and not last.approved else None


def _named(exc: FormProblems, lang: str) -> list[tuple[str, str, str]]:
    """The problems of ``exc`` with their field names again (``FormProblems`` keeps them by field)."""
    return [(name, _label(name, lang), message) for name, message in exc.by_field.items()]
