"""Canvas and self-assessment templates: YAML files on a search path, validated strictly.

A template is one ``.yaml`` file whose stem is its id. The registry looks in the built-in
``canvases/`` folder first, then in each extra folder (a facilitator's); a later folder
overrides an earlier one by id. A template may say ``extends: <id>`` and then holds only what
it changes: mappings merge key by key, lists of items with ids (blocks, questions, areas,
levels) merge by id, anything else is replaced; ``replace: [levels]`` replaces the named
top-level fields whole instead. A template that extends its own id extends the one in an
earlier folder.

The layers of the Triple Layered Business Model Canvas are compared by grid position: a layer
says ``aligned_with: business_model``, each of its blocks names in ``counterpart`` the
economic block at the same place, and the registry checks that both cover the same cells.

The package's modules, one concern each: :mod:`~klynge.canvases.templates` (the models),
:mod:`~klynge.canvases.files` (reading, merging and explaining template files),
:mod:`~klynge.canvases.registry` (finding templates by id) and :mod:`~klynge.canvases.text`
(templates as text for the command line).
"""

from __future__ import annotations

from .registry import Registry, default_registry, layer_stack
from .templates import (
    Area,
    AssessmentTemplate,
    Block,
    CanvasTemplate,
    GridPosition,
    GridSize,
    Level,
    Question,
    Questions,
    ScalePoint,
    Template,
    Text,
)
from .text import describe, listing

__all__ = [
    "Area", "AssessmentTemplate", "Block", "CanvasTemplate", "GridPosition", "GridSize",
    "Level", "Question", "Questions", "Registry", "ScalePoint", "Template", "Text",
    "default_registry", "describe", "layer_stack", "listing",
]
