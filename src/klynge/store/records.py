"""Plain results the store hands back: versioned rows, revisions and their history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Generic, TypeVar

T = TypeVar("T")

__all__ = ["Revision", "RevisionInfo", "Versioned", "now"]


def now() -> datetime:
    """The current time in UTC, the only clock the store uses."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Versioned(Generic[T]):
    """A row as read, with the version a later update must name."""

    value: T
    version: int


@dataclass(frozen=True)
class RevisionInfo:
    """One entry of a document's history."""

    number: int
    author_id: int | None
    author: str
    saved_at: datetime
    restored_from: int | None = None


@dataclass(frozen=True)
class Revision:
    """A document at one revision, as the caller may see it.

    ``items`` are the notes (or entries, or fields) keyed by id. ``merged`` is true when a save
    was combined with revisions saved since its base. A save that kept the others' version of
    items changed on both sides lists them in ``clashes`` (:class:`~klynge.errors.Clash`), and
    who saved since its base in ``saved_by``.
    """

    document: str
    organisation_id: int
    number: int
    author_id: int | None
    author: str
    saved_at: datetime | None
    items: dict = field(default_factory=dict)
    merged: bool = False
    clashes: tuple = ()
    saved_by: tuple = ()
