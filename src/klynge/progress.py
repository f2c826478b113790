"""What a member has filled in and what is still missing, step by step (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import CanvasDocument

__all__ = ["CANVASES", "StepProgress", "canvas_progress"]

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
