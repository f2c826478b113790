"""The form of one SDG target, and the HTML that shows a target and an assessed entry.

The form asks how relevant the target is to the organisation, what impact it has, the
evidence, the planned action and who may see the entry. It keeps what was typed until it is
closed; when someone else saved the same target meanwhile, it shows their version beside the
person's own and lets them keep theirs or take the other. A target's text is shown in the
person's language, with the official English text beside an unofficial translation; every
text a person typed is shown as text, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w
from markupsafe import Markup

from .. import reference
from ..i18n import t
from ..model import VISIBILITIES, SdgEntry
from ..templating import part, snippet
from .drafts import who_saved
from .sdg_service import TargetClash

__all__ = ["IMPACT", "RELEVANCE", "TargetEditor", "entry_html", "official_english", "target_html"]

_TEMPLATE = "widgets/sdg.html.j2"

#: The choices of the form, as catalogue keys (label) and the stored value.
RELEVANCE = (("sdg.relevance.none", 0), ("sdg.relevance.low", 1), ("sdg.relevance.medium", 2),
             ("sdg.relevance.high", 3))
IMPACT = (("sdg.impact.clear_harm", -2), ("sdg.impact.some_harm", -1), ("sdg.impact.neutral", 0),
          ("sdg.impact.some_good", 1), ("sdg.impact.clear_good", 2))
_ENGLISH = ("en", "en_fallback")  # statuses where the text shown already is the official English


def _label(choices, value: int, lang: str) -> str:
    return next((t(key, lang) for key, v in choices if v == value), str(value))


def target_html(code: str, lang: str) -> Markup:
    """A target's text in ``lang``; beside an unofficial translation, the official English text (folded)."""
    target = reference.target(code)
    text, state = target.text(lang)
    return snippet(_TEMPLATE, "target", text, state, target.text_en, lang)


def official_english(code: str, lang: str) -> str:
    """The official English text of a target, for the form beside an unofficial translation; else empty."""
    target = reference.target(code)
    if target.text(lang)[1] in ("official", *_ENGLISH):
        return ""  # the row above shows the official English already
    return target.text_en


class TargetEditor(w.VBox):
    """The form of one target: relevance, impact, evidence, planned action, visibility.

    ``on_save(editor, base)`` is called with the revision to save on; ``on_close(editor)``
    when the person closes the form. The editor keeps what was typed until it is closed.
    ``me`` is the person's name: a save of their own in between is theirs "in another window".
    """

    def __init__(self, code: str, entry: SdgEntry | None, base: int, *, lang: str, suggested: bool = False,
                 readonly: bool = False, on_save: Callable[[TargetEditor, int], None],
                 on_close: Callable[[TargetEditor], None], me: str = ""):
        super().__init__()
        self.add_class("klynge-sdg-editor")
        self.code, self.base, self.lang, self.me = code, base, lang, me
        self.suggested = suggested and (entry is None or not entry.confirmed)
        self._theirs: SdgEntry | None = None
        start = entry or SdgEntry(target=code, relevance=2 if suggested else 0)
        self.info = w.HTML()
        # every choice in view and its words wrapping: a drop-down cuts long choices off on a phone
        self.relevance = w.RadioButtons(value=None)
        self.impact = w.RadioButtons(value=None)
        self.evidence = w.Textarea(value=start.evidence, rows=3)
        self.action = w.Textarea(value=start.action, rows=3)
        self.visibility = w.Dropdown(value=None)
        for name in ("relevance", "impact", "evidence", "action", "visibility"):
            field = getattr(self, name)
            field.add_class("klynge-sdg-field")
            field.add_class(f"klynge-sdg-{name}")
            field.disabled = readonly
        self.save_button = w.Button()
        self.save_button.add_class("mod-primary")
        self.save_button.add_class("klynge-sdg-save")
        self.save_button.on_click(lambda _b: on_save(self, self.base))
        self.close_button = w.Button()
        self.close_button.add_class("klynge-sdg-close")
        self.close_button.on_click(lambda _b: on_close(self))
        self.message = w.HTML()
        self.message.add_class("klynge-sdg-message")
        self.keep_button = w.Button()
        self.keep_button.add_class("mod-primary")
        self.keep_button.add_class("klynge-sdg-keep")
        self.keep_button.on_click(lambda _b: on_save(self, self._clash_head))
        self.take_button = w.Button()
        self.take_button.on_click(lambda _b: self.take_theirs())
        self._clash_head = base
        self.clash = w.VBox([])
        self.clash.add_class("klynge-sdg-clash")
        buttons = w.HBox([self.close_button] if readonly else [self.save_button, self.close_button])
        buttons.add_class("klynge-sdg-buttons")
        self.children = [self.info, self.relevance, self.impact, self.evidence, self.action, self.visibility,
                         self.message, self.clash, buttons]
        self.relabel(lang)
        self.relevance.value, self.impact.value, self.visibility.value = start.relevance, start.impact, start.visibility
        self.start = self.values()  # what the form opened with: anything else is unsaved input

    @property
    def fields(self) -> tuple[w.Widget, ...]:
        """The inputs of the form."""
        return self.relevance, self.impact, self.evidence, self.action, self.visibility

    @property
    def changed(self) -> bool:
        """True when the form holds input that differs from what it opened with."""
        return self.values() != self.start

    def fill(self, values: dict) -> None:
        """Put ``values`` (as :meth:`values` gives them) into the form; unknown choices are left as they are."""
        for name, choices in (("relevance", RELEVANCE), ("impact", IMPACT)):
            if values.get(name) in {v for _key, v in choices}:
                getattr(self, name).value = values[name]
        if values.get("visibility") in VISIBILITIES:
            self.visibility.value = values["visibility"]
        self.evidence.value = str(values.get("evidence", self.evidence.value))
        self.action.value = str(values.get("action", self.action.value))

    def values(self) -> dict:
        """What the form holds, as the model's fields (validated by the page)."""
        return {"target": self.code, "relevance": self.relevance.value, "impact": self.impact.value,
                "evidence": self.evidence.value, "action": self.action.value, "visibility": self.visibility.value,
                "confirmed": True}

    def relabel(self, lang: str) -> None:
        """Every label in ``lang``; the values stay."""
        self.lang = lang
        kept = (self.relevance.value, self.impact.value, self.visibility.value)
        colour = reference.goal(int(self.code.split(".")[0])).colour
        self.info.value = snippet(_TEMPLATE, "editor_head", self.code, colour, official_english(self.code, lang), lang)
        self.relevance.options = [(t(key, lang), v) for key, v in RELEVANCE]
        self.impact.options = [(t(key, lang), v) for key, v in IMPACT]
        self.visibility.options = [(t(f"board.vis.{v}", lang), v) for v in VISIBILITIES]
        if kept[0] is not None:
            self.relevance.value, self.impact.value, self.visibility.value = kept
        self.relevance.description = t("field.relevance", lang)
        self.impact.description = t("field.impact", lang)
        self.evidence.description = t("field.evidence", lang)
        self.evidence.placeholder = t("sdg.evidence_hint", lang)
        self.action.description = t("field.action", lang)
        self.action.placeholder = t("sdg.action_hint", lang)
        self.visibility.description = t("field.visibility", lang)
        self.save_button.description = t("sdg.confirm" if self.suggested else "sdg.save", lang)
        self.close_button.description = t("sdg.close", lang)
        self.keep_button.description = t("sdg.keep_mine", lang)
        self.take_button.description = t("sdg.take_theirs", lang)
        if self.clash.children:
            self._show_clash()

    def busy(self, on: bool) -> None:
        for button in (self.save_button, self.keep_button, self.take_button):
            button.disabled = on

    def say(self, text: str, kind: str = "error") -> None:
        self.message.value = part("para", text, css=f"klynge-sdg-{kind}", role="alert") if text else ""

    def show_clash(self, clash: TargetClash) -> None:
        """Someone else saved this target meanwhile: show their version; keep the person's input."""
        self._theirs, self._clash_head, self._clash_by = clash.theirs, clash.head, ", ".join(clash.saved_by)
        self._show_clash()

    def _show_clash(self) -> None:
        lang, theirs = self.lang, self._theirs
        who = who_saved(self._clash_by.split(", ") if self._clash_by else [], self.me, lang)
        body = "" if theirs is None else entry_html(theirs, lang)
        text = w.HTML(snippet(_TEMPLATE, "clash", t("sdg.conflict", lang, who=who, code=self.code), body, lang))
        row = w.HBox([self.keep_button, self.take_button])
        row.add_class("klynge-sdg-buttons")
        self.clash.children = [text, row]

    def clear_clash(self) -> None:
        self.clash.children = []

    def take_theirs(self) -> None:
        """Put the other person's version into the form, to go on from the revision they saved."""
        theirs = self._theirs or SdgEntry(target=self.code)
        self.relevance.value, self.impact.value = theirs.relevance, theirs.impact
        self.evidence.value, self.action.value = theirs.evidence, theirs.action
        self.visibility.value = theirs.visibility
        self.base = self._clash_head
        self.clear_clash()
        self.say("")


def entry_html(entry: SdgEntry, lang: str, typed: bool = True) -> Markup:
    """What an assessed target says (with the evidence and action when ``typed``), every typed text escaped."""
    return snippet(_TEMPLATE, "entry", _label(RELEVANCE, entry.relevance, lang), _label(IMPACT, entry.impact, lang),
                   entry.visibility, entry.evidence, entry.action, typed, lang)
