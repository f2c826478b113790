"""The coherence view: the same position of the three layers (economic, environmental, social) side by side.

Joyce and Paquin read the Triple Layered Business Model Canvas for vertical coherence: a
block against the block in the same place of the other layers. The layers' templates place
their blocks on the same grid, so "the same place" is the same grid position.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as w
from traitlets import Unicode, observe

from ..i18n import t
from ..templating import part, snippet

__all__ = ["CoherenceView", "Layer", "rows"]

LAYERS = ("business_model", "environmental_layer", "social_layer")


@dataclass(frozen=True)
class Layer:
    """One layer: its template and the notes the viewer may see, keyed by block id."""

    template: object
    notes: dict[str, list[str]]


def rows(layers: list[Layer]) -> list[list[tuple[object, list[str]]]]:
    """Rows of ``(block, notes)`` per layer, one row per grid position of the first layer."""
    def at(layer: Layer, position: tuple[int, int]):
        for block in layer.template.blocks:
            if (block.grid.row, block.grid.col) == position:
                return block
        return None

    first = layers[0].template.blocks
    ordered = sorted(first, key=lambda b: (b.grid.row, b.grid.col))
    result = []
    for block in ordered:
        position = (block.grid.row, block.grid.col)
        row = []
        for layer in layers:
            match = at(layer, position)
            row.append((match, layer.notes.get(match.id, []) if match else []))
        result.append(row)
    return result


class CoherenceView(w.VBox):
    """A three-column table of the layers, one row per position; read-only."""

    lang = Unicode("nb")

    def __init__(self, load: Callable[[], list[Layer]]):
        super().__init__()
        self.add_class("klynge-coherence-view")
        self._load = load
        self._layers = load()
        self._render()

    def refresh(self) -> None:
        self._layers = self._load()
        self._render()

    @observe("lang")
    def _on_lang(self, _change) -> None:
        self._render()

    def _render(self) -> None:
        lang = self.lang
        cells = [[None if block is None else {"title": block.title_in(lang), "notes": notes} for block, notes in row]
                 for row in rows(self._layers)]
        titles = [layer.template.title_in(lang) for layer in self._layers]
        self.children = [
            w.HTML(part("heading", 2, t("coherence.title", lang), t("coherence.intro", lang))),
            w.HTML(snippet("widgets/coherence.html.j2", "grid", titles, cells, lang)),
        ]
