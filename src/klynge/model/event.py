"""Events of the cluster: the kick-off, workshops, courses and meetings, where and when, with agenda and materials.

An event has a start and an end (the end after the start), and a physical venue (a member
organisation's place or a municipality's centre, with words such as the room), an online link
(http or https), or both. Times without a time zone are the cluster's local time
(:data:`LOCAL`, Trøndelag and Jämtland share it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .base import Id, Model, Name, Text, _no_control
from .organisation import MunicipalityCode

__all__ = ["EVENT_KINDS", "HOURS_ACTIVITY", "LOCAL", "Event", "Material", "local"]

#: The cluster's local time zone: times typed without a zone are read in it.
LOCAL = ZoneInfo("Europe/Oslo")

EventKind = Literal["kickoff", "workshop", "course", "meeting"]
EVENT_KINDS = EventKind.__args__
#: The in-kind hours activity attendance of each kind of event counts as.
HOURS_ACTIVITY = {"kickoff": "meeting", "meeting": "meeting", "workshop": "workshop", "course": "course"}


def _web_link(value: str) -> str:
    if not value:
        return value
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in value:
        raise PydanticCustomError("klynge_web_link", "expected a web link starting with https:// or http://")
    return value


WebLink = Annotated[str, Field(max_length=500), AfterValidator(_no_control), AfterValidator(_web_link)]


def local(moment: datetime) -> datetime:
    """``moment`` in the cluster's local time (a naive one is taken to be local already)."""
    return moment.replace(tzinfo=LOCAL) if moment.tzinfo is None else moment.astimezone(LOCAL)


class Material(Model):
    """A document or page for the participants: a title and its link."""

    title: Name
    url: Annotated[WebLink, Field(min_length=1)]


class Event(Model):
    """One event of the cluster."""

    kind: EventKind
    title: Name
    starts_at: datetime
    ends_at: datetime
    online_url: WebLink = ""
    #: A member organisation whose place is the venue.
    venue_organisation_id: Id | None = None
    #: A municipality whose centre is the venue (when no member hosts it).
    venue_municipality: MunicipalityCode | None = None
    #: Words that find the room: an address, a building, a floor.
    venue_text: Annotated[Text, Field(max_length=200)] = ""
    agenda: Annotated[Text, Field(max_length=4000)] = ""
    materials: list[Material] = Field(default_factory=list, max_length=30)

    @field_validator("starts_at", "ends_at")
    @classmethod
    def _zone(cls, value: datetime) -> datetime:
        return local(value)

    @field_validator("venue_municipality", mode="before")
    @classmethod
    def _blank_municipality(cls, value):
        return None if value == "" else value

    @model_validator(mode="after")
    def _place_and_time(self):
        if self.ends_at <= self.starts_at:
            raise PydanticCustomError("klynge_event_ends_first", "the event ends before it starts")
        if self.venue_organisation_id is not None and self.venue_municipality is not None:
            raise PydanticCustomError("klynge_event_two_venues",
                                      "pick a member or a municipality as the venue, not both")
        if not self.physical and not self.online_url:
            raise PydanticCustomError("klynge_event_no_place", "give a venue or an online link (or both)")
        return self

    @property
    def physical(self) -> bool:
        """Whether the event has a place to travel to."""
        return self.venue_organisation_id is not None or self.venue_municipality is not None

    @property
    def activity(self) -> str:
        """The in-kind hours activity attendance of this event counts as."""
        return HOURS_ACTIVITY[self.kind]
