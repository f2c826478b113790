"""What the participant's "Events" step may do: read the cluster's events, sign up or cancel, see what I attended.

The page is handed a :class:`MyEventsService` and never sees the store; every call names the
participant, and the store lets them sign up only themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from ..store import Identity, Store, StoredEvent
from .events_service import EventsService

__all__ = ["MyEvent", "MyEventsService"]


@dataclass(frozen=True)
class MyEvent:
    """An event as the participant sees it: the event, where it is, whether I signed up, my minutes there."""

    stored: StoredEvent
    place: str
    signed_up: bool
    attended_minutes: float | None


class MyEventsService:
    """The signed-in participant's events."""

    def __init__(self, store: Store, who: Identity, now: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self._store, self._who, self._now = store, who, now
        self._places = EventsService(store, who)

    def _mine(self, lang: str) -> list[MyEvent]:
        self._places.refresh()
        return [MyEvent(e, self._places.venue(e.event, lang).name if e.event.physical else "", signed, minutes)
                for e, signed, minutes in self._store.my_events(self._who)]

    def upcoming(self, lang: str) -> list[MyEvent]:
        """The events that have not ended yet, the soonest first."""
        now = self._now()
        return [m for m in self._mine(lang) if m.stored.event.ends_at > now]

    def attended(self, lang: str) -> list[MyEvent]:
        """The events I attended (by a report or a facilitator's mark), the latest first."""
        return [m for m in reversed(self._mine(lang)) if m.attended_minutes]

    def sign_up(self, event_id: int) -> None:
        self._store.sign_up(self._who, event_id)

    def cancel(self, event_id: int) -> None:
        self._store.cancel_sign_up(self._who, event_id)
