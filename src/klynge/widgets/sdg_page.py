"""The SDG step: map the organisation to the Sustainable Development Goals, target by target.

The page shows, from the top: what is suggested (from the member's certifications and the
SDG tags on its canvas notes, each with its reason), the tourism short list of its sector,
all 17 goals in their colours (a goal opens its targets), the targets it has assessed with a
picture of its profile across the goals, and the earlier versions with restore.

Opening a target puts its form (:class:`~klynge.widgets.sdg_target.TargetEditor`) right
under it: relevance, impact, evidence, planned action and who may see the entry. A
suggestion counts once the member saves it (``confirmed``). "Saved" is said in the row whose
form saved it. What is typed and not saved is kept in the browser
(:class:`~klynge.widgets.drafts.Drafts`) and put back into the form after a reload.
Everything a person typed is shown as text, never as markup.
"""

from __future__ import annotations

import base64
import logging

import ipywidgets as w
from markupsafe import Markup
from traitlets import Unicode, observe

from .. import reference
from ..errors import AccessDenied, SessionEnded, ValidationError
from ..formatting import moment
from ..i18n import t
from ..model import SdgEntry
from ..sdg_suggestions import Suggestion, status
from ..templating import part, snippet
from ..validation import validate
from .drafts import DraftNotice, Drafts
from .sdg_service import Loaded, SdgService, TargetClash
from .sdg_target import TargetEditor, entry_html, target_html
from .shell import problem

__all__ = ["SdgPage", "TargetEditor"]

log = logging.getLogger(__name__)

_TEMPLATE = "widgets/sdg.html.j2"


_STATES = {"confirmed": "sdg.status.confirmed", "suggested": "sdg.status.suggested", "open": "sdg.status.open"}


def _badge(state: str, lang: str) -> Markup:
    return snippet(_TEMPLATE, "badge", state, t(_STATES[state], lang))


def _code(code: str) -> Markup:
    return snippet(_TEMPLATE, "code", code, reference.goal(int(code.split(".")[0])).colour)


class SdgPage(w.VBox):
    """The SDG step of the participant app; all its work goes through an :class:`SdgService`."""

    lang = Unicode("nb")

    def __init__(self, service: SdgService, lang: str = "nb"):
        super().__init__()
        self.add_class("klynge-sdg")
        self._service = service
        self._goal = 0  # the goal whose targets are open; 0 for none
        self._editor: TargetEditor | None = None
        self._open: tuple[str, str] | None = None  # (section, target) of the open form
        self._history_open = False
        self._said: tuple[str, dict] = ("", {})
        self._said_at: tuple[str, str] | str | None = None  # the row (or "history") the message belongs to
        self._drafts = Drafts(service.draft_key("sdg"), self._restore)
        self._notice = DraftNotice(self._discard, lang)
        self._picture: tuple[tuple, str] = ((), "")
        self._slots: dict[tuple[str, str], w.Box] = {}
        self._buttons: dict[tuple[str, str], w.Button] = {}
        self._ready = False
        self.lang = lang
        self._ready = self._load()
        self._render()

    # -- reading ------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read everything again (others may have saved, the profile or canvases may have changed)."""
        self._ready = self._load()
        self._render()

    def _load(self) -> bool:
        try:
            self._org = self._service.organisation()
            self._loaded = self._service.load()
            self._shortlist = self._service.shortlist(self._org)
            self._suggestions = {s.target: s for s in self._service.suggestions(self._loaded, self._org)}
            self._entries = {e.target: e for e in self._loaded.assessment.entries}
            self._progress = self._service.progress(self._loaded, [i.target for i in self._shortlist],
                                                    list(self._suggestions.values()))
            return True
        except Exception:
            log.exception("the SDG page could not read the assessment")
            return False

    @observe("lang")
    def _on_lang(self, _change) -> None:
        if hasattr(self, "_notice"):
            self._notice.relabel(self.lang)
        if self._ready:
            if self._editor is not None:
                self._editor.relabel(self.lang)
            self._render()

    # -- drawing ------------------------------------------------------------------------
    def _render(self) -> None:
        if not self._ready:
            self.children = [problem(self.lang)]
            return
        self._slots, self._buttons = {}, {}
        sections = [self._head()]
        if self._suggestions:
            sections.append(self._section("suggested", t("sdg.suggested.title", self.lang),
                                          t("sdg.suggested.intro", self.lang), list(self._suggestions)))
        sections.append(self._section("shortlist", t("sdg.shortlist.title", self.lang),
                                      t("sdg.shortlist.intro", self.lang), [i.target for i in self._shortlist]))
        sections.append(self._goals())
        sections.append(self._mine())
        sections.append(self._history())
        self.children = [*sections, self._drafts]
        if isinstance(self._said_at, tuple) and self._said[0]:
            key = self._said_at if self._said_at in self._slots else next(
                (k for k in self._slots if k[1] == self._said_at[1]), None)
            if key is not None and not (self._editor is not None and self._open == key):
                self._slots[key].children = [self._said_html()]
        if self._open and self._editor is not None:
            slot = self._slots.get(self._open) or self._slots.get(("goal", self._open[1]))
            if slot is None:  # the row it was opened from is gone (say, a suggestion confirmed elsewhere)
                self._open = next((k for k in self._slots if k[1] == self._editor.code), None)
                slot = self._slots.get(self._open) if self._open else None
            if slot is not None:
                self._place(self._open)

    def _place(self, key: tuple[str, str] | None) -> None:
        """Put the form under row ``key`` (none: close it); that row's button hides while it is open."""
        for k, slot in self._slots.items():
            slot.children = [self._notice, self._editor] if k == key and self._editor is not None else []
            self._buttons[k].layout.display = "none" if k == key else None

    def _head(self) -> w.Widget:
        lang, p = self.lang, self._progress
        missing = [t(key, lang, **values) for key, values in p.missing]
        said = Markup(self._said_html().value) if self._said_at is None else ""
        head = w.HTML(snippet(_TEMPLATE, "page_head", t("sdg.progress", lang, done=p.done, total=p.total), missing,
                              said, lang))
        head.add_class("klynge-sdg-head")
        return head

    def _said_html(self) -> w.HTML:
        """The last message (a save, a restore), shown where the person acted."""
        key, values = self._said
        return w.HTML(part("para", t(key, self.lang, **values), css="klynge-sdg-said", role="status") if key else "")

    def _section(self, name: str, title: str, intro: str, codes: list[str]) -> w.Widget:
        head = w.HTML(part("heading", 2, title, intro))
        box = w.VBox([head, *(self._row(name, code) for code in codes)])
        box.add_class("klynge-sdg-section")
        box.add_class(f"klynge-sdg-{name}")
        return box

    def _row(self, section: str, code: str) -> w.Widget:
        lang = self.lang
        entry, suggestion = self._entries.get(code), self._suggestions.get(code)
        state = status(entry, suggestion is not None)
        reason = ""
        if section == "shortlist":
            reason = next(i for i in self._shortlist if i.target == code).reason(lang)
        reasons = self._reasons(suggestion) if suggestion is not None and section in ("suggested", "goal") else []
        shown = entry_html(entry, lang, typed=section in ("mine", "goal")) if entry is not None and entry.confirmed \
            else ""
        info = w.HTML(snippet(_TEMPLATE, "row_info", _code(code), _badge(state, lang), target_html(code, lang), reason,
                              reasons, shown, lang))
        info.add_class("klynge-sdg-info")
        label = {"confirmed": "sdg.edit", "suggested": "sdg.review", "open": "sdg.assess"}[state]
        button = w.Button(description=t(label, lang), tooltip=t("sdg.target", lang, code=code))
        button.add_class(f"klynge-sdg-open-{code.replace('.', '-')}")
        if state == "suggested":
            button.add_class("mod-primary")
        button.on_click(lambda _b, s=section, c=code: self.open_target(c, s))
        slot = w.VBox([])
        slot.add_class("klynge-sdg-slot")
        self._slots[(section, code)] = slot
        self._buttons[(section, code)] = button
        main = w.HBox([info, button])
        main.add_class("klynge-sdg-rowmain")
        row = w.VBox([main, slot])
        row.add_class("klynge-sdg-row")
        return row

    def _reasons(self, suggestion: Suggestion) -> list[str]:
        """Why a target is suggested, one text per reason."""
        lang, items = self.lang, []
        for reason in suggestion.reasons:
            if reason.source == "certification":
                name = reference.certification(reason.key).name.get(lang)
                text = t("sdg.reason.certification", lang, name=name,
                         reason=reason.certification_reason(suggestion.target, lang))
            elif reason.source == "canvas":
                note = reason.detail if len(reason.detail) <= 140 else reason.detail[:139] + "…"
                text = t("sdg.reason.canvas", lang, canvas=self._service.canvas_title(reason.key, lang), note=note)
            else:
                text = t("sdg.reason.stored", lang)
            items.append(text)
        return items

    def _goals(self) -> w.Widget:
        lang = self.lang
        head = w.HTML(part("heading", 2, t("sdg.goals.title", lang), t("sdg.goals.intro", lang)))
        buttons = []
        for goal in reference.goals():
            assessed = sum(1 for c, e in self._entries.items() if e.confirmed and c.split(".")[0] == str(goal.number))
            label = f"{goal.number} {goal.short.get(lang)}" + (f" ({assessed})" if assessed else "")
            button = w.Button(description=label, tooltip=goal.title.get(lang))
            button.style.button_color = goal.colour
            button.style.text_color = _ink(goal.colour)
            button.add_class("klynge-sdg-goal")
            button.add_class(f"klynge-sdg-goal-{goal.number}")
            if goal.number == self._goal:
                button.add_class("klynge-current")
            button.on_click(lambda _b, n=goal.number: self.choose_goal(n))
            buttons.append(button)
        grid = w.Box(buttons)
        grid.add_class("klynge-sdg-grid")
        parts = [head, grid]
        if self._goal:
            goal = reference.goal(self._goal)
            title = w.HTML(snippet(_TEMPLATE, "goal_title", goal.colour,
                                   t("sdg.goal", lang, n=goal.number, name=goal.short.get(lang)), goal.title.get(lang)))
            parts += [title, *(self._row("goal", target.code) for target in reference.targets(self._goal))]
        box = w.VBox(parts)
        box.add_class("klynge-sdg-section")
        box.add_class("klynge-sdg-goals")
        return box

    def _mine(self) -> w.Widget:
        lang = self.lang
        codes = [code for code, e in self._entries.items() if e.confirmed]
        head = w.HTML(part("heading", 2, t("sdg.mine.title", lang), "" if codes else t("sdg.mine.empty", lang),
                           intro_css="klynge-empty"))
        box = w.VBox([head, self._profile(), *(self._row("mine", code) for code in codes)])
        box.add_class("klynge-sdg-section")
        box.add_class("klynge-sdg-mine")
        return box

    def _profile(self) -> w.Widget:
        key = (self._loaded.revision, self.lang)
        if self._picture[0] != key:
            try:
                profile = self._service.profile(self._loaded, self.lang)
                html = snippet(_TEMPLATE, "profile", base64.b64encode(profile.png).decode(), profile.caption)
            except Exception:
                log.exception("the SDG profile could not be drawn")
                html = part("para", t("sdg.profile.missing", self.lang), css="klynge-empty")
            self._picture = (key, html)
        picture = w.HTML(self._picture[1])
        picture.add_class("klynge-sdg-picture")
        return picture

    def _history(self) -> w.Widget:
        lang = self.lang
        toggle = w.Button(description=t("sdg.history.hide" if self._history_open else "sdg.history.show", lang))
        toggle.add_class("klynge-sdg-history-toggle")
        toggle.on_click(lambda _b: self.show_history(not self._history_open))
        parts: list[w.Widget] = [w.HTML(part("heading", 2, t("sdg.history.title", lang))), toggle]
        if self._said_at == "history":
            parts.append(self._said_html())
        if self._history_open:
            try:
                revisions = list(reversed(self._service.history()))
            except Exception:
                log.exception("the SDG history could not be read")
                revisions = []
                parts.append(w.HTML(part("para", t("sdg.error", lang))))
            if not revisions:
                parts.append(w.HTML(part("para", t("sdg.history.empty", lang), css="klynge-empty")))
            for i, rev in enumerate(revisions):
                text = t("sdg.history.row", lang, n=rev.number, who=rev.author, when=moment(rev.saved_at, lang))
                if rev.restored_from:
                    text += " · " + t("sdg.history.restored", lang, n=rev.restored_from)
                current = t("sdg.history.current", lang) if i == 0 else ""
                line = w.HTML(snippet(_TEMPLATE, "history_line", text, current))
                row = [line]
                if i and not self._service.readonly:
                    button = w.Button(description=t("sdg.history.restore", lang),
                                      tooltip=t("sdg.history.restore_n", lang, n=rev.number))
                    button.add_class(f"klynge-sdg-restore-{rev.number}")
                    button.on_click(lambda _b, n=rev.number: self.restore(n))
                    row.append(button)
                box = w.HBox(row)
                box.add_class("klynge-sdg-revision")
                parts.append(box)
        box = w.VBox(parts)
        box.add_class("klynge-sdg-section")
        box.add_class("klynge-sdg-history")
        return box

    # -- acting -------------------------------------------------------------------------
    def open_target(self, code: str, section: str = "goal") -> TargetEditor:
        """Open the form of target ``code`` under its row in ``section`` (closing any other form)."""
        if self._editor is not None and self._editor.code == code:
            editor = self._editor  # the same target from another list: keep what was typed
        else:
            editor = TargetEditor(code, self._entries.get(code), self._loaded.revision, lang=self.lang,
                                  suggested=code in self._suggestions, readonly=self._service.readonly,
                                  on_save=self.save, on_close=self.close_target, me=self._service.person)
            for field in editor.fields:
                field.observe(self._track, "value")
            self._notice.show(False)
        self._editor, self._open = editor, (section, code)
        if self._said_at is not None:
            self._said_at, self._said = None, ("", {})
            self._render()
        if (section, code) not in self._slots and section == "goal":
            self.choose_goal(int(code.split(".")[0]))  # draws the goal's rows, the form under its row
        else:
            self._place(self._open)
        try:
            editor.relevance.focus()
        except Exception:  # a kernel without a front end (tests)
            pass
        return editor

    def close_target(self, _editor: TargetEditor | None = None) -> None:
        self._editor, self._open = None, None
        self._notice.show(False)
        self._place(None)
        self._track()

    # -- unsaved input, kept in the browser ----------------------------------------------------
    def _track(self, _change=None) -> None:
        """Hand the open form's unsaved input (which target, from which revision) to the browser's copy."""
        editor = self._editor
        if editor is None or not editor.changed:
            self._drafts.keep(None)
            return
        self._drafts.keep({"code": editor.code, "section": self._open[0] if self._open else "goal",
                           "base": editor.base, "form": editor.values()})

    def _restore(self, found: dict) -> bool:
        """Open the form of the kept target with the input kept from an earlier visit, unless one is in use here."""
        code, form, base = found.get("code"), found.get("form"), found.get("base")
        if not self._ready or self._service.readonly or not isinstance(form, dict) or not isinstance(base, int):
            return False
        if self._editor is not None and self._editor.changed:
            return False
        reference.target(str(code))  # a target that no longer exists is not restored (NotFound)
        section = next((k[0] for k in self._slots if k[1] == code), "goal")
        editor = self.open_target(code, section)
        editor.fill(form)
        if not editor.changed:
            return False
        editor.base = base  # saving from there: what others saved since on this target shows as a conflict
        self._notice.show()
        self._track()
        return True

    def _discard(self) -> None:
        """Drop the kept input: the form opens again with what is stored."""
        if self._editor is None:
            self._drafts.forget()
            return
        code, section = self._editor.code, self._open[0] if self._open else "goal"
        self.close_target()
        self._drafts.forget()
        self.open_target(code, section)

    def choose_goal(self, number: int) -> None:
        """Open the targets of goal ``number`` (choosing the open goal again closes it)."""
        self._goal = 0 if number == self._goal else number
        self._render()

    def show_history(self, on: bool = True) -> None:
        self._history_open = on
        self._render()

    def save(self, editor: TargetEditor, base: int) -> None:
        """Validate the form and save its target on revision ``base``; the form stays open when it fails."""
        lang = self.lang
        editor.busy(True)
        try:
            entry = validate(SdgEntry, editor.values(), lang)
            self._service.save(entry, base)
        except ValidationError as exc:
            editor.say("; ".join(f"{field}: {message}" if field else message for field, message in exc.problems))
            return
        except TargetClash as clash:
            log.info("sdg: %s", clash)
            editor.say("")
            editor.show_clash(clash)
            return
        except SessionEnded:
            log.info("sdg: save refused, the sign-in has ended")
            editor.say(t("shell.session_ended", lang))
            return
        except AccessDenied:
            log.warning("sdg: save refused", exc_info=True)
            editor.say(t("sdg.error.access", lang))
            return
        except Exception:
            log.exception("sdg: target %s could not be saved", editor.code)
            editor.say(t("sdg.error", lang))
            return
        finally:
            editor.busy(False)
        self._said, self._said_at = ("sdg.saved", {"code": editor.code}), self._open
        self.close_target()
        self.refresh()

    def restore(self, number: int) -> None:
        """Make revision ``number`` current again (as a new revision)."""
        try:
            new = self._service.restore(number)
            self._said = ("sdg.history.done", {"n": number, "m": new})
        except Exception:
            log.exception("sdg: revision %s could not be restored", number)
            self._said = ("sdg.error", {})
        self._said_at = "history"  # said beside the button that restored
        self.refresh()  # an open form keeps its input and the revision it started from

    # -- for tests and the app ----------------------------------------------------------
    @property
    def loaded(self) -> Loaded:
        return self._loaded

    @property
    def editor(self) -> TargetEditor | None:
        return self._editor

    @property
    def suggestions(self) -> dict[str, Suggestion]:
        return dict(self._suggestions)


def _ink(colour: str) -> str:
    """White text on ``colour``, as the UN's icons have it, where it reads well (WCAG contrast 4.5), else black."""
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    lum = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return "#ffffff" if 1.05 / (lum + 0.05) >= 4.5 else "#000000"
