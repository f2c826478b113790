"""What the participant's "Library" step asks of the store: share, search, download, remove.

The page holds no SQL and no file parsing; it hands what the person typed and uploaded to
:class:`LibraryService`, which validates it in the person's language and calls the store as
the signed-in person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup

from ..i18n import t
from ..library import LibraryEntry, highlight_html
from ..store import LibraryItem, Store
from ..store.access import Identity
from ..store.library import can_remove
from ..validation import validate

__all__ = ["Hit", "LibraryService"]

_TAG_SPLIT = re.compile(r"[,;\n]+")


@dataclass(frozen=True)
class Hit:
    """An item as the page shows it: the item, its snippet as safe HTML, and whether the person may remove it."""

    item: LibraryItem
    snippet: Markup
    removable: bool


class LibraryService:
    """The library for one signed-in person (a participant of ``organisation_id``)."""

    def __init__(self, store: Store, who: Identity, organisation_id: int | None, *, max_bytes: int = 20_000_000):
        self.store = store
        self.who = who
        self.organisation_id = organisation_id
        self.max_bytes = max_bytes

    def entry(self, fields: dict, tags: str, lang: str) -> LibraryEntry:
        """What the person typed about an item, checked; tags as typed (``sdg:8, month:3, food``)."""
        typed = [part.strip() for part in _TAG_SPLIT.split(tags or "") if part.strip()]
        entry = validate(LibraryEntry, fields, lang)
        return LibraryEntry.with_tags(typed, **entry.model_dump(exclude={"tags"}))

    def add_file(self, filename: str, data: bytes, fields: dict, tags: str, lang: str) -> LibraryItem:
        return self.store.add_library_file(self.who, filename, data, self.entry(fields, tags, lang),
                                           max_bytes=self.max_bytes, organisation_id=self.organisation_id, lang=lang)

    def add_link(self, url: str, fields: dict, tags: str, lang: str) -> LibraryItem:
        return self.store.add_library_link(self.who, url, self.entry(fields, tags, lang),
                                           organisation_id=self.organisation_id, lang=lang)

    def search(self, query: str, *, kind: str = "", language: str = "", tag: str = "", lang: str = "nb") -> list[Hit]:
        """Ranked hits; raises :class:`~klynge.errors.NothingToSearch` for a query with no word."""
        hits = self.store.search_library(self.who, query, kind=kind or None, language=language or None,
                                         tag=tag.strip() or None, lang=lang)
        return [Hit(h.item, highlight_html(h.snippet), can_remove(self.who, h.item)) for h in hits]

    def recent(self, limit: int = 10) -> list[Hit]:
        """The newest items, each with its description as the snippet."""
        return [Hit(item, Markup.escape(item.description), can_remove(self.who, item))
                for item in self.store.library_items(self.who, limit=limit)]

    def download(self, item_id: int) -> tuple[str, str, bytes]:
        return self.store.library_file(self.who, item_id)

    def remove(self, item_id: int) -> None:
        self.store.remove_library_item(self.who, item_id)

    @staticmethod
    def unsearchable(item: LibraryItem, lang: str) -> str:
        """Why an item's text cannot be searched, in words; empty when it can."""
        return "" if item.searchable else t(f"library.unsearchable.{item.unsearchable_reason}", lang)
