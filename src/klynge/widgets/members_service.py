"""What the facilitator's member page may do: read the programme's progress, and manage people and keys.

The page is handed a :class:`MembersService` and never sees the store or the identity. Every
call goes through the store with the facilitator's identity, so the store checks again that
they manage this cluster. A new or renewed sign-in link is returned once, to be shown once;
the store keeps only an HMAC of its key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..analysis.programme import MemberProgress, member_progress
from ..canvases import Registry, default_registry
from ..errors import ValidationError
from ..i18n import t
from ..model import CanvasDocument, Person, SdgAssessment
from ..progress import CANVASES
from ..sdg_suggestions import shortlist
from ..settings import Settings
from ..store import Identity, Store
from ..validation import validate

__all__ = ["MembersService", "PersonRow"]

ROLES = ("participant", "facilitator", "researcher")


@dataclass(frozen=True)
class PersonRow:
    """A person as the key list shows them (never their key)."""

    id: int
    name: str
    email: str
    role: str
    organisation: str
    live_keys: int
    last_used_at: datetime | None
    expires_at: datetime | None


class MembersService:
    """A facilitator's view of the members' progress, and their hand on invitations and keys.

    Parameters
    ----------
    store
        The store; every call names ``who`` and the store checks the access rules.
    who
        The signed-in facilitator, as the server established it.
    settings
        For the server secret that keys are made with, their lifetime and the sign-in address.
    """

    def __init__(self, store: Store, who: Identity, settings: Settings, *, registry: Registry | None = None):
        self._store, self._who, self._settings = store, who, settings
        self._registry = registry or default_registry(tuple(settings.template_dirs))

    # -- progress -------------------------------------------------------------------------
    def progress(self) -> list[MemberProgress]:
        """Every member organisation's progress and last save, by name (six queries for the cluster)."""
        store, who = self._store, self._who
        templates = {tid: [b.id for b in self._registry.get(tid).blocks] for tid in CANVASES}
        offers: dict[int, list] = {}
        for versioned in store.offers(who):
            offers.setdefault(versioned.value.organisation_id, []).append(versioned.value)
        canvases: dict[int, dict[str, CanvasDocument]] = {}
        for rev in store.current_documents(who, "canvas"):
            canvases.setdefault(rev.organisation_id, {})[rev.document] = CanvasDocument.from_items(rev.document,
                                                                                                   rev.items)
        sdgs = {rev.organisation_id: SdgAssessment.from_items(rev.items)
                for rev in store.current_documents(who, "sdg")}
        people: dict[int, list[str]] = {}
        for person in store.people(who):
            if person.organisation_id is not None:
                people.setdefault(person.organisation_id, []).append(person.name or "")
        last = store.last_activity(who)
        rows = [member_progress(org, offers.get(org.id, []), canvases.get(org.id, {}), sdgs.get(org.id),
                                templates=templates, shortlist=[i.target for i in shortlist(org.sector)],
                                last_activity=last.get(org.id), people=people.get(org.id, []))
                for org in store.organisations(who)]
        return sorted(rows, key=lambda r: r.name.casefold())

    def step_title(self, step: str, lang: str) -> str:
        """A step's name as the participant app shows it: a canvas by its template's title."""
        if step in ("profile", "sdg"):
            return t(f"nav.{step}", lang)
        text = t(f"canvas.{step}", lang)
        return self._registry.get(step).title_in(lang) if text == f"canvas.{step}" else text

    def steps(self) -> list[str]:
        return ["profile", *CANVASES, "sdg"]

    # -- people and keys --------------------------------------------------------------------
    def organisations(self) -> list[tuple[str, int]]:
        """``(name, id)`` of every organisation, by name, for the invitation form."""
        return [(o.name, o.id) for o in self._store.organisations(self._who)]

    def people(self) -> list[PersonRow]:
        """Everyone of the cluster who may sign in, by name, with the state of their keys."""
        names = {oid: name for name, oid in self.organisations()}
        states = self._store.key_states(self._who)
        rows = []
        for p in self._store.people(self._who):
            state = states.get(p.id)
            rows.append(PersonRow(p.id, p.name or "", p.email or "", p.role, names.get(p.organisation_id, ""),
                                  state.live if state else 0, state.last_used_at if state else None,
                                  state.expires_at if state else None))
        return sorted(rows, key=lambda r: (r.name.casefold(), r.id))

    def invite(self, *, name: str, email: str, role: str, organisation_id: int | None, lang: str) -> str:
        """Register a person and return their sign-in link, to be shown once.

        Raises
        ------
        klynge.errors.ValidationError
            A field is wrong (in ``lang``), or the e-mail address is taken.
        """
        person = validate(Person, {"name": name, "email": email, "role": role,
                                   "organisation_id": organisation_id if role == "participant" else None}, lang)
        try:
            person_id = self._store.add_person(self._who, person,
                                               self._who.cluster_id or self._store.cluster(self._who).id)
        except ValidationError:
            taken = t("members.email_taken", lang, email=person.email)
            raise ValidationError([(t("members.email", lang), taken)]) from None
        return self._link(self._store.issue_key(self._who, person_id, self._settings.server_secret(),
                                                self._settings.key_days))

    def invites(self):
        """The invitations of the cluster, for the invitation form and its list (an :class:`InviteService`)."""
        from .invite_service import InviteService

        return InviteService(self._store, self._who, self._settings)

    def rights(self):
        """Erasures, the audit log and the facilitator's own record (a :class:`RightsService`)."""
        from .rights_service import RightsService

        return RightsService(self._store, self._who, self._settings)

    def renew(self, person_id: int) -> str:
        """Revoke a person's keys and return a fresh sign-in link, to be shown once."""
        return self._link(self._store.reissue_key(self._who, person_id, self._settings.server_secret(),
                                                  self._settings.key_days))

    def revoke(self, person_id: int) -> int:
        """Revoke every live key of a person (their open sessions end); returns how many were live."""
        live = [k for k in self._store.keys_of(self._who, person_id) if k.revoked_at is None]
        for key in live:
            self._store.revoke_key(self._who, key.id)
        return len(live)

    def _link(self, key: str) -> str:
        from ..operations import signin_link

        return signin_link(self._settings, key)
