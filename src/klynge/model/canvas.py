"""Canvas documents: notes per block of a template, each with a stable id and a visibility."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, field_validator
from pydantic_core import PydanticCustomError

from .base import NOTE_MAX, Model, Months, Slug, TargetCode, Visibility, _no_control

NOTES_MAX = 500

NoteText = Annotated[str, Field(max_length=NOTE_MAX), AfterValidator(_no_control)]
#: The rule of a note's id, defined here once: the model checks it, and the board sends it to the
#: browser (a pattern that reads the same in Python and JavaScript).
NOTE_ID_MAX = 40
NOTE_ID_PATTERN = rf"^[A-Za-z0-9_-]{{1,{NOTE_ID_MAX}}}$"
NoteId = Annotated[str, Field(min_length=1, max_length=NOTE_ID_MAX, pattern=NOTE_ID_PATTERN)]


def is_note_id(value: object) -> bool:
    """True when ``value`` is a usable note id (the rule of :data:`NOTE_ID_PATTERN`)."""
    return isinstance(value, str) and re.fullmatch(NOTE_ID_PATTERN, value) is not None


class Note(Model):
    """A sticky note on a canvas block."""

    id: NoteId
    block: Slug
    text: NoteText = ""
    order: int = Field(default=0, ge=0, le=10_000)
    visibility: Visibility = "cluster"
    sdg_targets: list[TargetCode] = Field(default_factory=list, max_length=20)
    months: Months = Field(default_factory=list)

    def item(self) -> dict:
        """The note as a plain dict without its id, the form the store keeps per note."""
        return self.model_dump(exclude={"id"})


class CanvasDocument(Model):
    """One organisation's filled-in canvas of one template."""

    template: Slug
    notes: list[Note] = Field(default_factory=list, max_length=NOTES_MAX)

    @field_validator("notes")
    @classmethod
    def _unique_ids(cls, notes: list[Note]) -> list[Note]:
        seen = set()
        for note in notes:
            if note.id in seen:
                raise PydanticCustomError("klynge_duplicate_id", "two notes share the id {id}", {"id": note.id})
            seen.add(note.id)
        return notes

    def items(self) -> dict[str, dict]:
        """Notes keyed by id: what a revision stores and what merges note by note."""
        return {n.id: n.item() for n in self.notes}

    @classmethod
    def from_items(cls, template: str, items: dict[str, dict]) -> CanvasDocument:
        notes = [Note(id=k, **v) for k, v in items.items()]
        notes.sort(key=lambda n: (n.block, n.order, n.id))
        return cls(template=template, notes=notes)

    def in_block(self, block: str) -> list[Note]:
        return [n for n in self.notes if n.block == block]
