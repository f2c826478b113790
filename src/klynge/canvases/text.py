"""Templates as plain text for the ``klynge canvases`` command: one in full, or a table of all."""

from __future__ import annotations

from .registry import Registry
from .templates import CanvasTemplate, Template, _lang

__all__ = ["describe", "listing"]

_WORDS = {
    "credits": {"nb": "Kilde", "sv": "Källa", "en": "Credits"},
    "licence": {"nb": "Lisens", "sv": "Licens", "en": "Licence"},
    "example": {"nb": "Eksempel", "sv": "Exempel", "en": "Example"},
    "scale": {"nb": "Skala", "sv": "Skala", "en": "Scale"},
    "levels": {"nb": "Nivåer (fra snitt)", "sv": "Nivåer (från medelvärde)",
               "en": "Levels (from average)"},
    "blocks": {"nb": "blokker", "sv": "block", "en": "blocks"},
    "questions": {"nb": "spørsmål", "sv": "frågor", "en": "questions"},
    "header": {"nb": ("id", "type", "omfang", "tittel"), "sv": ("id", "typ", "omfång", "titel"),
               "en": ("id", "kind", "size", "title")},
}


def describe(template: Template, lang: str) -> str:
    """A plain-text rendering of a template, for ``klynge canvases show ID``.

    Parameters
    ----------
    template
        A canvas or an assessment.
    lang
        nb, sv or en.

    Returns
    -------
    str
        Title, description, credits and licence, then each block with its questions and
        example; for an assessment the scale, the questions by area and the levels.
    """
    w = {k: v[_lang(lang)] for k, v in _WORDS.items()}
    out = [f"{template.title_in(lang)} ({template.id})", "", template.description_in(lang), "",
           f"{w['credits']}: {template.credits}", f"{w['licence']}: {template.licence}"]
    if isinstance(template, CanvasTemplate):
        for n, b in enumerate(template.blocks, 1):
            out += ["", f"{n}. {b.title_in(lang)} [{b.id}]"]
            out += [f"   - {q}" for q in b.questions_in(lang)]
            out.append(f"   {w['example']}: {b.example_in(lang)}")
        return "\n".join(out)
    out += ["", f"{w['scale']}: " + "; ".join(f"{p.value} {p.label.get(lang)}"
                                             for p in template.scale)]
    for area in template.areas:
        out += ["", f"{area.title.get(lang)} ({area.framework})"]
        out += [f"   - [{q.id}] {q.text_in(lang)}" for q in template.questions_in_area(area.id)]
    out += ["", f"{w['levels']}:"]
    out += [f"   {lv.min_average:g}: {lv.title_in(lang)}. {lv.description.get(lang)}"
            for lv in template.levels]
    if template.levels_note:
        out += ["", template.levels_note.get(lang)]
    return "\n".join(out)


def listing(registry: Registry, lang: str) -> str:
    """A table of the templates, for ``klynge canvases list``.

    Parameters
    ----------
    registry
        The templates to list; every file is read, so a broken one raises `TemplateError`.
    lang
        nb, sv or en, for the header and the titles.

    Returns
    -------
    str
        A header and one line per template: id, kind, size (blocks or questions), title.
    """
    w = {k: v[_lang(lang)] for k, v in _WORDS.items()}
    rows = [w["header"]]
    for t in registry.all():
        size = (f"{len(t.blocks)} {w['blocks']}" if isinstance(t, CanvasTemplate)
                else f"{len(t.questions)} {w['questions']}")
        rows.append((t.id, t.kind, size, t.title_in(lang)))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join("  ".join(r[i].ljust(widths[i]) for i in range(3)) + "  " + r[3]
                     for r in rows)
