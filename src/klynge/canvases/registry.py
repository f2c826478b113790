"""The registry of templates by id: the built-in folder, a facilitator's folders, and templates made in code."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

from .. import resources
from ..errors import NotFound, TemplateError
from .files import merge, read, validate
from .templates import AssessmentTemplate, Block, CanvasTemplate, Template

__all__ = ["Registry", "default_registry", "layer_stack"]


class Registry:
    """Templates by id, from the built-in folder, extra folders and `register`.

    Parameters
    ----------
    folders
        Extra folders searched after the built-in ``canvases/``; later ones win by id.

    Files are read when a template is first asked for, so one broken file does not hide the
    others; `all`, `canvases` and `assessments` read every file and raise on a broken one.
    """

    def __init__(self, folders: Sequence[Path] = ()):
        self.folders = [resources.path("canvases"), *(Path(f) for f in folders)]
        self._files: dict[str, list[Path]] = {}
        for folder in self.folders:
            if not folder.is_dir():
                raise NotFound(f"template folder {folder} does not exist")
            for file in sorted(folder.glob("*.yaml")):
                self._files.setdefault(file.stem, []).append(file)
        self._registered: dict[str, Template] = {}
        self._loaded: dict[str, tuple[Template, str]] = {}
        self._checked: dict[str, Template] = {}

    def register(self, template: Template) -> None:
        """Add or replace a template made in code; it wins over files with the same id."""
        if not isinstance(template, (CanvasTemplate, AssessmentTemplate)):
            raise TypeError(f"expected a CanvasTemplate or AssessmentTemplate, got {template!r}")
        self._registered[template.id] = template
        self._loaded.clear()  # templates that extend or align with it change too
        self._checked.clear()

    def ids(self) -> list[str]:
        """Every template id, sorted."""
        return sorted({*self._files, *self._registered})

    def get(self, template_id: str) -> Template:
        """The template ``template_id``, merged with its parents and checked.

        Raises
        ------
        NotFound
            No template has that id; the message names the folders and the ids that exist.
        TemplateError
            A file is broken; the message names the file, the field and what was expected.
        """
        if template_id not in self._checked:
            template, source = self._load(template_id)
            if isinstance(template, CanvasTemplate) and template.aligned_with:
                self._check_alignment(template, source)
            self._checked[template_id] = template
        return self._checked[template_id]

    def all(self) -> list[Template]:
        return [self.get(i) for i in self.ids()]

    def canvases(self) -> list[CanvasTemplate]:
        return [t for t in self.all() if isinstance(t, CanvasTemplate)]

    def assessments(self) -> list[AssessmentTemplate]:
        return [t for t in self.all() if isinstance(t, AssessmentTemplate)]

    def _load(self, template_id: str) -> tuple[Template, str]:
        if template_id not in self._loaded:
            if template_id in self._registered:
                found = self._registered[template_id], f"template {template_id!r} (registered)"
            elif (raw := self._raw(template_id, ())) is not None:
                found = validate(*raw), raw[1]
            else:
                searched = ", ".join(str(f) for f in self.folders)
                raise NotFound(f"no template {template_id!r}; searched {searched}; templates "
                               f"that exist: {', '.join(self.ids()) or 'none'}")
            self._loaded[template_id] = found
        return self._loaded[template_id]

    def _raw(self, template_id: str, chain: tuple[tuple[str, int, Path], ...],
             below: int | None = None) -> tuple[dict, str] | None:
        """The merged data of a template and its file, or None when there is no such template.

        ``below`` limits the search to earlier folders, for a template that extends its own id.
        """
        if below is None and template_id in self._registered:
            return self._registered[template_id].model_dump(exclude_none=True), template_id
        files = self._files.get(template_id, [])[:below]
        if not files:
            return None
        pos, file = len(files) - 1, files[-1]
        if any(link[:2] == (template_id, pos) for link in chain):
            names = " -> ".join(link[2].name for link in chain) + f" -> {file.name}"
            raise TemplateError(f"{chain[-1][2]}: extends: expected a chain of parents that "
                                f"ends, found a cycle: {names}")
        data = read(file)
        if data.setdefault("id", template_id) != template_id:
            raise TemplateError(f"{file}: id: expected {template_id!r}, the file name without "
                                f"its extension, got {data['id']!r}")
        parent_id, replace = data.get("extends"), data.pop("replace", [])
        if not isinstance(replace, list) or not all(isinstance(k, str) for k in replace):
            raise TemplateError(f"{file}: replace: expected a list of field names, such as "
                                f"[levels], got {replace!r}")
        if parent_id is None:
            return data, str(file)
        if not isinstance(parent_id, str):
            raise TemplateError(f"{file}: extends: expected the id of a template, got "
                                f"{parent_id!r}")
        parent = self._raw(parent_id, chain + ((template_id, pos, file),),
                           below=pos if parent_id == template_id else None)
        if parent is None:
            searched = ", ".join(str(f) for f in self.folders)
            raise TemplateError(f"{file}: extends: expected the id of an existing template; "
                                f"{parent_id!r} is none of {', '.join(self.ids())} "
                                f"(searched {searched})")
        merged = merge(parent[0], {k: v for k, v in data.items() if k not in replace})
        return {**merged, **{k: data[k] for k in replace if k in data}}, str(file)

    def _check_alignment(self, layer: CanvasTemplate, source: str) -> None:
        """Each counterpart must be a block of the economic layer on the same cells."""
        try:
            base, base_source = self._load(layer.aligned_with)
        except NotFound:
            base, base_source = None, ""
        if not isinstance(base, CanvasTemplate) or base.layer != "economic":
            raise TemplateError(f"{source}: aligned_with: expected the id of a canvas with "
                                f"layer economic, got {layer.aligned_with!r}")
        for i, block in enumerate(layer.blocks):
            other = next((b for b in base.blocks if b.id == block.counterpart), None)
            if block.counterpart and (other is None or other.grid != block.grid):
                where = f"sits at {other.grid}" if other else "is not one of its blocks"
                raise TemplateError(
                    f"{source}: blocks[{i}].counterpart: expected a block of {base.id} at the "
                    f"same place ({block.grid}); {block.counterpart!r} {where} in {base_source}")


@cache
def _registry(folders: tuple[Path, ...]) -> Registry:
    return Registry(folders)


def default_registry(extra_folders: Iterable[str | Path] = ()) -> Registry:
    """The shared registry of the built-in templates plus ``extra_folders``.

    Parameters
    ----------
    extra_folders
        A facilitator's template folders, e.g. ``Settings.template_dirs``; later ones win.

    Returns
    -------
    Registry
        One registry per tuple of folders, so what is `Registry.register`-ed on it is seen
        by every caller that asks for the same folders. Files are read once; a changed file
        is seen by a new `Registry`.
    """
    return _registry(tuple(Path(f).expanduser().resolve() for f in extra_folders))


def layer_stack(registry: Registry, block_id: str,
                economic: str = "business_model") -> list[tuple[CanvasTemplate, Block]]:
    """The economic block ``block_id`` and the blocks at its place in the aligned layers.

    Parameters
    ----------
    registry
        Where to find the templates.
    block_id
        A block of the economic layer, e.g. ``key_partners``.
    economic
        The id of the economic layer that the other layers are aligned with.

    Returns
    -------
    list of (CanvasTemplate, Block)
        The economic block first, then one block per aligned layer: what a facilitator reads
        for vertical coherence.
    """
    base = registry.get(economic)
    if not isinstance(base, CanvasTemplate):
        raise NotFound(f"{economic} is not a canvas")
    return [(base, base.block(block_id))] + [
        (t, b) for t in registry.canvases() if t.aligned_with == economic
        for b in t.blocks if b.counterpart == block_id]
