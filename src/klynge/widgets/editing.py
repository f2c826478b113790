"""What every service of one organisation's data tells its page: who works, and whether they may write."""

from __future__ import annotations

from ..store import Identity, Store
from ..store.access import decide

__all__ = ["OrganisationService"]


class OrganisationService:
    """One person's access to one organisation's data; subclasses name the action that writes it.

    ``who`` is the signed-in person as the server established it, never anything the browser
    sent; the store checks every call once more.
    """

    #: The access action that changes this kind of data (see :data:`klynge.store.access.ACTIONS`).
    write_action = "write_documents"

    def __init__(self, store: Store, who: Identity, organisation_id: int):
        self._store = store
        self._who = who
        self._organisation_id = int(organisation_id)

    @property
    def readonly(self) -> bool:
        """True unless ``who`` may change this organisation's data (the store decides again)."""
        who = self._who
        # The caller's own cluster stands for the organisation's here; the store checks the real one.
        return not decide(who, self.write_action, organisation_id=self._organisation_id, cluster_id=who.cluster_id)

    @property
    def person(self) -> str:
        """The signed-in person's name, as the store records who saved."""
        return self._who.name

    def draft_key(self, form: str) -> str:
        """The name of the browser's copy of ``form``'s unsaved input; empty for one who may only read."""
        from .drafts import draft_key  # the drafts widget loads anywidget, which a batch kernel never needs

        return "" if self.readonly else draft_key(form, self._organisation_id, self._who.person_id)
