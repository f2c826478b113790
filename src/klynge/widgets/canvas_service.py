"""What a canvas board may do: one person, one organisation's canvas, one template.

The board widget is handed a :class:`CanvasService` and never sees the store, the identity or
the organisation: nothing the browser sends can name them, and the store re-checks the
caller's rights on every call. This module is the only place the board's work reaches the
store.

A save names the revision it started from. When others saved since, the store merges note by
note; when the same note changed on both sides, :meth:`CanvasService.save` still saves every
other change (on top of the current revision) and hands back the clashing notes, with both
versions, for the person to decide.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from ..canvases import CanvasTemplate, Registry, default_registry
from ..errors import NotFound
from ..model import CanvasDocument, Note
from ..store import Identity, RevisionInfo, Store
from .editing import OrganisationService

__all__ = ["CanvasService", "Loaded", "NoteClash", "SaveResult"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loaded:
    """A canvas at one revision, as the caller may see it."""

    notes: list[Note]
    revision: int
    author: str = ""
    saved_at: datetime | None = None


@dataclass
class NoteClash:
    """A note changed by this person and by someone else: both versions (None: deleted)."""

    id: str
    mine: Note | None
    theirs: Note | None
    saved_by: str = ""
    base: int | None = None  # the revision both changes started from


@dataclass
class SaveResult:
    """What a save left in the store, and the notes that still need a decision."""

    notes: list[Note]
    revision: int
    merged: bool = False
    clashes: list[NoteClash] = field(default_factory=list)


def _notes(items: dict) -> list[Note]:
    """Notes from the store's items, in block and note order."""
    return CanvasDocument.from_items("canvas", items).notes


class CanvasService(OrganisationService):
    """One person's access to one organisation's canvas of one template.

    Parameters
    ----------
    store
        The store; every call names ``who`` and the store checks the access rules.
    who
        The signed-in person, as the server established it (never from the browser).
    organisation_id
        Whose canvas this is.
    template
        The template id, e.g. ``"business_model"``.
    registry
        Where templates are found; the shared default registry when not given.
    readonly
        Force a read-only board even where ``who`` could write (e.g. a preview).
    """

    def __init__(self, store: Store, who: Identity, organisation_id: int, template: str, *,
                 registry: Registry | None = None, readonly: bool = False):
        found = (registry or default_registry()).get(template)
        if not isinstance(found, CanvasTemplate):
            raise NotFound(f"{template} is a self-assessment, not a canvas")
        super().__init__(store, who, organisation_id)
        self._template = found
        self._force_readonly = readonly

    # -- what the board may show --------------------------------------------------------
    @property
    def template(self) -> CanvasTemplate:
        return self._template

    @property
    def readonly(self) -> bool:
        """True unless ``who`` writes this organisation's documents (the store decides again)."""
        return self._force_readonly or super().readonly

    @property
    def storage_key(self) -> str:
        """A name for the browser's local storage: not secret, distinct per canvas and person."""
        raw = f"klynge-board|{self._organisation_id}|{self._template.id}|{self._who.person_id}"
        return "klynge.board." + hashlib.sha256(raw.encode()).hexdigest()[:20]

    def owner_name(self) -> str:
        """The name of the organisation whose canvas this is."""
        return self._store.organisation(self._who, self._organisation_id).value.name

    @staticmethod
    def sdg_codes() -> list[str]:
        """Every SDG target code, so the board can tell 8.9 (exists) from 8.11 (does not)."""
        try:
            from .. import reference
            return [t.code for t in reference.targets()]
        except Exception:  # the form check still applies without the list
            log.exception("SDG target list unavailable; the board checks only the form of codes")
            return []

    # -- reading ------------------------------------------------------------------------
    def load(self, number: int | None = None) -> Loaded:
        """The canvas now (or at revision ``number``), without notes the caller may not see."""
        doc, rev = self._store.canvas(self._who, self._organisation_id, self._template.id, number)
        return Loaded(list(doc.notes), rev.number, rev.author, rev.saved_at)

    def history(self) -> list[RevisionInfo]:
        """Every revision, oldest first, with who saved it and when."""
        return self._store.history(self._who, "canvas", self._organisation_id, self._template.id)

    # -- writing ------------------------------------------------------------------------
    def save(self, notes: Iterable[Note], base: int | None, keep: Iterable[str] = ()) -> SaveResult:
        """Save ``notes`` made from revision ``base``.

        Notes whose ids are in ``keep`` are not written: whatever the store holds for them
        stays (a note the person has not finished, or one awaiting a decision). Changes by
        others since ``base`` are merged. Notes changed on both sides are returned as clashes;
        the store keeps the other person's version of them until :meth:`save` is called with
        this person's decision, and every other change is saved. The store does the merge and
        retries it when others save at the same moment, in one operation.
        """
        mine = {n.id: n for n in notes}
        rev = self._store.save_canvas(self._who, self._organisation_id, self._template.id, list(mine.values()),
                                      base or None, keep=keep, keep_theirs=True)
        saved_by = ", ".join(rev.saved_by)
        clashes = [NoteClash(c.item_id, mine.get(c.item_id),
                             Note(id=c.item_id, **c.theirs) if c.theirs is not None else None, saved_by, base)
                   for c in rev.clashes]
        return SaveResult(_notes(rev.items), rev.number, rev.merged, clashes)

    def restore(self, number: int) -> int:
        """Make revision ``number`` current again, as a new revision; returns its number."""
        rev = self._store.restore(self._who, "canvas", self._organisation_id, self._template.id, number)
        return rev.number
