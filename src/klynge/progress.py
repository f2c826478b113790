"""What a member has filled in and what is still missing, step by step (pure functions)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .model import CanvasDocument, Offer, Organisation, SdgAssessment

__all__ = ["CANVASES", "StepProgress", "canvas_progress", "profile_progress", "sdg_progress"]

# The canvases a member fills in, in the order the programme takes them.
CANVASES = ("business_model", "value_proposition", "environmental_layer", "social_layer")


@dataclass(frozen=True)
class StepProgress:
    """How far one step is: ``done`` of ``total`` parts, and the message keys of what is missing."""

    step: str
    done: int
    total: int
    missing: list[tuple[str, dict]] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.done >= self.total


def canvas_progress(template_id: str, block_ids: list[str], document: CanvasDocument) -> StepProgress:
    """Blocks with at least one note that has text, of all the template's blocks."""
    filled = {n.block for n in document.notes if n.text.strip()}
    empty = [b for b in block_ids if b not in filled]
    missing = [("home.missing.blocks", {"n": len(empty)})] if empty else []
    return StepProgress(template_id, len(block_ids) - len(empty), len(block_ids), missing)


def profile_progress(organisation: Organisation, offers: Sequence[Offer]) -> StepProgress:
    """The profile's parts: a description, the needs, a place on the map, and at least one offer."""
    parts = {
        "home.missing.description": bool(organisation.description.strip()),
        "home.missing.needs": bool(organisation.needs.strip()),
        "home.missing.place": organisation.lat is not None and organisation.lon is not None,
        "home.missing.offers": bool(offers),
    }
    missing = [(key, {}) for key, done in parts.items() if not done]
    return StepProgress("profile", len(parts) - len(missing), len(parts), missing)


def sdg_progress(assessment: SdgAssessment, shortlist: Sequence[str], suggested: Sequence[str] = ()) -> StepProgress:
    """Targets of the member's short list assessed (a confirmed entry, whatever its relevance), of the whole list.

    Suggestions waiting for the member are counted apart: stored entries not yet confirmed,
    and ``suggested``, the targets :func:`klynge.sdg_suggestions.suggest` puts before it.
    """
    confirmed = {e.target for e in assessment.entries if e.confirmed}
    done = sum(1 for code in shortlist if code in confirmed)
    missing = []
    if done < len(shortlist):
        missing.append(("home.missing.targets", {"n": len(shortlist) - done}))
    waiting = ({e.target for e in assessment.entries if not e.confirmed} | set(suggested)) - confirmed
    if waiting:
        missing.append(("home.missing.suggestions", {"n": len(waiting)}))
    return StepProgress("sdg", done, len(shortlist), missing)
