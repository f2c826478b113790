"""SDG assessments: per organisation and target, relevance, impact, evidence and planned action."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from .base import Model, TargetCode, Text, Visibility


class SdgEntry(Model):
    """How one organisation relates to one SDG target."""

    target: TargetCode
    relevance: int = Field(default=0, ge=0, le=3)
    impact: int = Field(default=0, ge=-2, le=2)
    evidence: Text = ""
    action: Text = ""
    visibility: Visibility = "cluster"
    confirmed: bool = True

    def item(self) -> dict:
        return self.model_dump(exclude={"target"})


class SdgAssessment(Model):
    """An organisation's map to the goals: one entry per target it has looked at."""

    entries: list[SdgEntry] = Field(default_factory=list, max_length=169)

    @field_validator("entries")
    @classmethod
    def _one_per_target(cls, entries: list[SdgEntry]) -> list[SdgEntry]:
        seen = set()
        for e in entries:
            if e.target in seen:
                raise PydanticCustomError("klynge_duplicate_id", "two entries for target {id}", {"id": e.target})
            seen.add(e.target)
        return entries

    def items(self) -> dict[str, dict]:
        return {e.target: e.item() for e in self.entries}

    @classmethod
    def from_items(cls, items: dict[str, dict]) -> SdgAssessment:
        entries = [SdgEntry(target=k, **v) for k, v in items.items()]
        entries.sort(key=lambda e: tuple(int(p) if p.isdigit() else ord(p) for p in e.target.split(".")))
        return cls(entries=entries)
