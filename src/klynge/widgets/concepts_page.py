"""The concept board: every concept of the cluster by stage, the months they cover, and the form that moves one on.

Participants see it as the "Concepts" step, facilitators as a page of their app. The board has a
column per stage (idea, concept, prototype, tested, launched, dropped); on a phone the columns
stack, and a chooser shows one stage at a time. Each card shows the title, the owner, the partners
and the months, with a button that opens it. Under the board, a picture of the months covered, by
stage. A participant starts a concept from a title, or from an idea of a closed workshop round.

An opened concept takes the board's place and shows the fields of its stage and of the next one.
Its owner's and partners' participants save it, move it to the next stage (each field the next
stage still needs is said beside it) or drop it with a reason; a facilitator may drop it or give
it another owner. A move, a drop or a new owner closes it: the board shows where the card now is. A save
made from an older version is refused (the store's conflict), said with who saved, and the
concept is read again.

The page is handed a :class:`~klynge.widgets.concepts_service.ConceptsService`; HTML comes from
``widgets/concepts.html.j2``. Nothing here shows a traceback: failures are logged and said.
"""

from __future__ import annotations

import base64
import logging

import ipywidgets as w
import traitlets as tr

from ..errors import AccessDenied, Conflict, FormProblems, SessionEnded
from ..formatting import moment
from ..i18n import t
from ..model import CURRENCIES
from ..model.concept import STAGES
from ..templating import part, snippet
from .concepts_service import Card, ConceptsService, Opened
from .drafts import who_saved
from .facilitator_style import style
from .profile_form import Field, months_text, tick, toggles
from .profile_service import CALENDAR

__all__ = ["ConceptsPage"]

log = logging.getLogger(__name__)

_T = "widgets/concepts.html.j2"
#: Which form fields each section of an opened concept holds; a section shows from the stage before its own.
SECTIONS = {
    "concept": ("customer", "job", "experience", "partners", "months", "price", "sustainability", "sdgs"),
    "prototype": ("package", "plan_what", "plan_how", "plan_with_whom", "plan_by"),
    "tested": ("result_testers", "result_worked", "result_failed", "measures"),
}

STYLE = """
.klynge-concepts .klynge-concepts-board{display:grid;grid-template-columns:repeat(auto-fit,minmax(10.5rem,1fr));
  gap:10px;align-items:start;width:100%}
.klynge-concepts .klynge-concepts-column{background:#f4f7f6;border-radius:10px;padding:6px 8px;min-width:0}
.klynge-concepts .klynge-concepts-column-head{font-size:1rem;margin:2px 0 6px}
.klynge-concepts .klynge-concepts-count{color:#4a5b57;font-weight:400}
.klynge-concepts .klynge-concepts-card{background:#fff;border:1px solid var(--klynge-line,#d9e2ec);border-radius:8px;
  padding:6px 8px;margin:0 0 8px;height:auto;min-width:0}
.klynge-concepts .klynge-concepts-card h3{font-size:.98rem;margin:0 0 4px;overflow-wrap:anywhere}
.klynge-concepts .klynge-concepts-card dl{display:grid;grid-template-columns:auto 1fr;gap:0 6px;margin:0;
  font-size:.85rem}
.klynge-concepts .klynge-concepts-card dt{color:#4a5b57}
.klynge-concepts .klynge-concepts-card dd{margin:0;overflow-wrap:anywhere}
.klynge-concepts .klynge-concepts-editor{border:2px solid #1f5f5b;border-radius:10px;padding:8px 12px;margin:10px 0}
.klynge-concepts .klynge-concepts-stage{background:#1f5f5b;color:#fff;border-radius:4px;padding:0 6px}
.klynge-concepts .klynge-profile-field{margin:4px 0;max-width:40rem;width:100%}
.klynge-concepts .klynge-profile-field>.widget-inline-hbox{flex-direction:column;align-items:flex-start;height:auto}
.klynge-concepts .klynge-profile-field input,.klynge-concepts .klynge-profile-field select,
.klynge-concepts .klynge-profile-field textarea{width:100%;max-width:40rem;box-sizing:border-box}
.klynge-concepts textarea{border:1px solid var(--klynge-line,#c9d2d0);border-radius:6px;background:#fff}
.klynge-concepts .klynge-concepts-toggles{display:flex;flex-wrap:wrap;gap:4px}
.klynge-concepts .klynge-concepts-toggles .jupyter-button{width:auto;min-width:3.2rem;padding:2px 8px}
.klynge-concepts .klynge-concepts-row{display:flex;flex-wrap:wrap;gap:6px;align-items:center;height:auto}
.klynge-concepts .klynge-concepts-row .jupyter-button{width:auto}
.klynge-concepts .klynge-message{color:#b91c1c}
.klynge-concepts .klynge-profile-error{color:#b91c1c}
.klynge-concepts img{max-width:100%;height:auto}
@media (max-width:700px){
  .klynge-concepts .klynge-concepts-board{grid-template-columns:1fr}
  .klynge-concepts,.klynge-concepts .widget-vbox,.klynge-concepts .widget-html{min-width:0;max-width:100%}
}
"""


def _text(area: bool = False) -> w.Widget:
    return w.Textarea(rows=2, continuous_update=False) if area else w.Text(continuous_update=False)


class ConceptsPage(w.VBox):
    """The board of every concept by stage, its months picture, and the opened concept's form."""

    lang = tr.Unicode("nb")
    #: The stage shown alone ("" for every stage): the phone's way through the board.
    shown = tr.Unicode("")

    def __init__(self, service: ConceptsService, lang: str = "nb"):
        super().__init__()
        self.add_class("klynge-concepts")
        self.add_class("klynge-fac")
        self._service = service
        self._cards: list[Card] = []
        self._opened: Opened | None = None
        self._head, self._status = w.HTML(), w.HTML()
        self._status.add_class("klynge-concepts-status")
        # starting a concept
        self._new_title = w.Text(continuous_update=False)
        self._new_title.add_class("klynge-concepts-new-title")
        self._start = w.Button(icon="plus")
        self._start.add_class("klynge-concepts-start")
        self._start.on_click(lambda _b: self.start())
        self._ideas = w.Dropdown(options=[])
        self._ideas.add_class("klynge-concepts-ideas")
        self._promote_idea = w.Button()
        self._promote_idea.add_class("klynge-concepts-promote-idea")
        self._promote_idea.on_click(lambda _b: self.promote_idea())
        self._start_row = w.HBox([self._new_title, self._start])
        self._idea_row = w.HBox([self._ideas, self._promote_idea])
        for row in (self._start_row, self._idea_row):
            row.add_class("klynge-concepts-row")
        self._starting = w.VBox([self._start_row, self._idea_row])
        self._starting.layout.display = "" if service.can_start else "none"
        # the board
        self._chooser = w.Dropdown(options=[])
        self._chooser.add_class("klynge-concepts-chooser")
        self._chooser.observe(lambda change: setattr(self, "shown", change["new"] or ""), "value")
        self._board = w.Box()
        self._board.add_class("klynge-concepts-board")
        self._picture = w.HTML()
        self._picture.add_class("klynge-concepts-picture")
        self._editor = self._build_editor()
        self._editor.layout.display = "none"
        # an opened concept takes the board's place (a phone has no room for both); closing it brings the board back
        self._overview = w.VBox([self._starting, self._chooser, self._board, self._picture])
        self.children = [style(), style(STYLE), self._head, self._status, self._overview, self._editor]
        self.lang = lang
        self._relabel()
        self.refresh()

    # -- the opened concept's form ------------------------------------------------------------
    def _build_editor(self) -> w.VBox:
        self._opened_head = w.HTML()
        self._inputs: dict[str, w.Widget] = {}
        for name in ("title", "customer", "job", "experience", "sustainability", "plan_what", "plan_how",
                     "plan_with_whom", "result_testers", "result_worked", "result_failed", "reason"):
            self._inputs[name] = _text(area=name not in ("title", "plan_with_whom"))
        for name in ("price_from", "price_to", "result_bookings", "result_feedback", "measure_name", "measure_value"):
            self._inputs[name] = w.Text(continuous_update=False)
        self._inputs["currency"] = w.Dropdown(options=list(CURRENCIES), value="NOK")
        self._inputs["package"] = w.Dropdown(options=[])
        self._inputs["plan_by"] = w.DatePicker()
        self._months, months_box = toggles(CALENDAR, "klynge-concepts-month")
        self._sdgs, sdgs_box = toggles(range(1, 18), "klynge-concepts-sdg")
        self._partner_box = w.Box()
        self._partners: dict[int, w.ToggleButton] = {}
        for box in (months_box, sdgs_box, self._partner_box):
            box.add_class("klynge-concepts-toggles")
        self._labels: dict[str, w.HTML] = {}
        self._fields: dict[str, Field] = {}

        def field(name: str, *inputs: w.Widget) -> Field:
            self._labels[name] = w.HTML()
            self._fields[name] = Field(self._labels[name], *inputs, name=f"concept-{name}")
            return self._fields[name]

        for name, widget in self._inputs.items():
            widget.add_class(f"klynge-concepts-{name.replace('_', '-')}")
            if name not in ("price_from", "price_to", "currency", "result_bookings", "result_feedback",
                            "measure_name", "measure_value"):
                field(name, widget)
        field("partners", self._partner_box)
        field("months", months_box)
        field("sdgs", sdgs_box)
        price = w.HBox([field("price_from", self._inputs["price_from"]), field("price_to", self._inputs["price_to"]),
                        field("currency", self._inputs["currency"])])
        price.add_class("klynge-concepts-row")
        measures = w.VBox([field(n, self._inputs[n]) for n in ("result_bookings", "result_feedback", "measure_name",
                                                                "measure_value")])
        field("measures", measures)
        self._section_heads = {s: w.HTML() for s in SECTIONS}
        self._sections = {s: w.VBox([self._section_heads[s], *[price if n == "price" else self._fields[n]
                                                               for n in names]])
                          for s, names in SECTIONS.items()}
        self._read_only = w.HTML()
        self._save, self._promote, self._drop, self._close = w.Button(button_style="primary"), w.Button(), w.Button(), \
            w.Button()
        self._reown_to, self._reown = w.Dropdown(options=[]), w.Button()
        for name, button in (("save", self._save), ("promote", self._promote), ("drop", self._drop),
                             ("close", self._close), ("reown", self._reown)):
            button.add_class(f"klynge-concepts-{name}")
        self._reown_to.add_class("klynge-concepts-reown-to")
        self._save.on_click(lambda _b: self.save())
        self._promote.on_click(lambda _b: self.promote())
        self._drop.on_click(lambda _b: self.drop())
        self._close.on_click(lambda _b: self.close_concept())
        self._reown.on_click(lambda _b: self.reown())
        self._buttons = w.HBox([self._save, self._promote, self._drop, self._close])
        self._buttons.add_class("klynge-concepts-row")
        self._reown_row = w.HBox([self._reown_to, self._reown])
        self._reown_row.add_class("klynge-concepts-row")
        self._editor_status = w.HTML()
        self._editor_status.add_class("klynge-concepts-said")
        editor = w.VBox([self._opened_head, self._read_only, self._fields["title"], *self._sections.values(),
                         self._fields["reason"], self._editor_status, self._buttons, self._reown_row])
        editor.add_class("klynge-concepts-editor")
        return editor

    # -- reading -------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the board (and the ideas waiting to become concepts) again."""
        try:
            self._cards = self._service.board()
            ideas = self._service.ideas() if self._service.can_start else []
        except Exception as exc:  # the page stays; the reason is said
            self._fail(exc, "reading the concepts")
            return
        chosen = self._ideas.value
        self._ideas.options = [(t("concept.idea_choice", self.lang, text=i.text[:80], n=i.votes), i.id)
                               for i in ideas]
        ids = [i.id for i in ideas]
        self._ideas.value = chosen if chosen in ids else (ids[0] if ids else None)
        self._idea_row.layout.display = "" if ideas else "none"
        self._draw()

    def _draw(self) -> None:
        lang = self.lang
        labels = {"owner": t("concept.card.owner", lang), "partners": t("concept.card.partners", lang),
                  "months": t("concept.card.months", lang), "none": t("concept.card.none", lang)}
        columns = []
        for stage in STAGES:
            if self.shown and stage != self.shown:
                continue
            cards = [c for c in self._cards if c.stage == stage]
            children: list[w.Widget] = [w.HTML(snippet(_T, "column_head", t(f"concept.stage.{stage}", lang),
                                                       len(cards)))]
            for card in cards:
                text = w.HTML(snippet(_T, "card", card.title, labels, card.owner, ", ".join(card.partners),
                                      months_text(list(card.months), lang)))
                button = w.Button(description=t("concept.open", lang),
                                  tooltip=t("concept.open_help", lang, title=card.title))
                button.add_class("klynge-concepts-open")
                button.on_click(lambda _b, cid=card.id: self.open_concept(cid))
                box = w.VBox([text, button])
                box.add_class("klynge-concepts-card")
                box.add_class(f"klynge-concepts-card-{card.id}")
                children.append(box)
            if not cards:
                children.append(w.HTML(part("para", t("concept.empty_stage", lang), css="klynge-fac-muted")))
            column = w.VBox(children)
            column.add_class("klynge-concepts-column")
            column.add_class(f"klynge-concepts-column-{stage}")
            columns.append(column)
        self._board.children = columns
        try:
            data = base64.b64encode(self._service.picture(self._cards, lang)).decode("ascii")
            self._picture.value = part("png", data, t("concept.picture", lang))
        except Exception:
            log.exception("the concepts' months picture could not be drawn")
            self._picture.value = ""

    # -- starting ------------------------------------------------------------------------------
    def start(self) -> None:
        """Start a concept of my organisation with the title typed, and open it."""
        self._run(self._status, lambda: self._started(self._service.start(self._new_title.value, self.lang)))

    def promote_idea(self) -> None:
        """Make a concept of the idea chosen, and open it."""
        if self._ideas.value is None:
            return
        self._run(self._status, lambda: self._started(self._service.promote_idea(self._ideas.value, self.lang)))

    def _started(self, concept) -> None:
        self._new_title.value = ""
        self.refresh()
        self.open_concept(concept.id)
        self._say(self._editor_status, t("concept.started", self.lang), ok=True)

    # -- the opened concept --------------------------------------------------------------------
    def open_concept(self, concept_id: int) -> None:
        """Open a concept in the form: to edit when I may, to read otherwise."""
        try:
            self._opened = self._service.open(concept_id)
        except Exception as exc:
            self._fail(exc, "opening a concept")
            return
        self._editor_status.value = ""
        self._status.value = ""
        self._fill()
        self._editor.layout.display = ""
        self._overview.layout.display = "none"

    def close_concept(self) -> None:
        self._opened = None
        self._editor.layout.display = "none"
        self._overview.layout.display = ""

    def set_values(self, **values) -> None:
        """Fill in the opened concept's form (the tests' way in): months, partners and sdgs as lists."""
        for name, value in values.items():
            buttons = {"months": self._months, "sdgs": self._sdgs, "partners": self._partners}.get(name)
            if buttons is not None:
                tick(buttons, value)
            else:
                self._inputs[name].value = value

    def form(self) -> dict:
        """The form's values as typed."""
        values = {name: widget.value for name, widget in self._inputs.items()}
        values["months"] = [m for m, b in self._months.items() if b.value]
        values["sdgs"] = [g for g, b in self._sdgs.items() if b.value]
        values["partners"] = [p for p, b in self._partners.items() if b.value]
        return values

    def save(self) -> None:
        self._change(lambda o: self._service.save(o.concept, self.form(), self.lang), "concept.saved")

    def promote(self) -> None:
        """Move the concept to its next stage; each field still needed is said beside it."""
        target = self._opened.next if self._opened else None
        self._change(lambda o: self._service.promote(o.concept, self.form(), self.lang), "concept.promoted",
                     stage=t(f"concept.stage.{target}", self.lang) if target else "")

    def drop(self) -> None:
        self._change(lambda o: self._service.drop(o.concept, self._inputs["reason"].value, self.lang),
                     "concept.dropped")

    def reown(self) -> None:
        if self._reown_to.value is None:
            return
        self._change(lambda o: self._service.reown(o.concept, self._reown_to.value, self.lang), "concept.reowned")

    def _change(self, call, done: str, **values) -> None:
        opened = self._opened
        if opened is None:
            return
        for f in self._fields.values():
            f.say("")

        def work():
            try:
                concept = call(opened)
            except FormProblems as exc:
                for name, message in exc.by_field.items():
                    self._fields.get(name, self._fields["title"]).say(message)
                target = opened.next if done == "concept.promoted" else None
                stage = t(f"concept.stage.{target}", self.lang) if target else ""
                needed = t("concept.error.needed", self.lang, stage=stage)
                lacking = [label for label, message in exc.problems if message == needed]
                text = t("concept.missing", self.lang, stage=stage, fields=", ".join(lacking)) \
                    if target and lacking and len(lacking) == len(exc.problems) else t("concept.not_saved", self.lang)
                self._say(self._editor_status, text)
                return
            except Conflict as exc:
                self.open_concept(opened.concept.id)
                self._say(self._editor_status, t("concept.conflict", self.lang,
                                                 who=who_saved(exc.saved_by, self._service.person, self.lang)))
                return
            self.refresh()
            if done == "concept.saved":
                self.open_concept(concept.id)
                self._say(self._editor_status, t(done, self.lang, **values), ok=True)
            else:  # moved, dropped or re-owned: back to the board, where the card now stands
                self.close_concept()
                self._say(self._status, t(done, self.lang, **values), ok=True)

        self._run(self._editor_status, work)

    def _fill(self) -> None:
        opened, lang = self._opened, self.lang
        if opened is None:
            return
        concept = opened.concept
        names = self._service.organisations()
        self._partners = {oid: w.ToggleButton(description=name, value=False, tooltip=name)
                          for oid, name in sorted(names.items(), key=lambda x: x[1]) if oid != concept.owner_id}
        for oid, button in self._partners.items():
            button.add_class(f"klynge-concepts-partner-{oid}")
        self._partner_box.children = list(self._partners.values())
        packages = self._service.packages()
        self._inputs["package"].options = [(t("concept.no_package", lang), None), *packages]
        values = self._service.fill(concept.body)
        if values["package"] is not None and values["package"] not in [v for _l, v in packages]:
            values["package"] = None
        self.set_values(**values)
        last = opened.history[-1] if opened.history else None
        history = t("concept.history", lang, n=len(opened.history), when=moment(last.saved_at, lang) if last else "",
                    who=last.author if last else "")
        origin = t("concept.from_idea_of", lang, idea=concept.idea_id) if concept.idea_id else ""
        steps = [t("concept.reowned_to", lang, owner=names.get(r.owner_id, ""), when=moment(r.saved_at, lang),
                   who=r.author) if r.action == "reown" else
                 t("concept.step", lang, stage=t(f"concept.stage.{r.stage}", lang), when=moment(r.saved_at, lang),
                   who=r.author)
                 for r in opened.history if r.action != "edit"]  # when each stage began, and by whom
        self._opened_head.value = snippet(_T, "opened", concept.title, t(f"concept.stage.{concept.stage}", lang),
                                          t("concept.field.owner", lang), concept.owner, history, origin,
                                          t("concept.steps", lang), steps)
        # the sections up to the next stage's, and the one of the stage the concept is in
        reach = STAGES.index(opened.next) if opened.next else STAGES.index("tested")
        for stage, section in self._sections.items():
            section.layout.display = "" if STAGES.index(stage) <= reach else "none"
        editable = opened.editable
        for widget in (*self._inputs.values(), *self._months.values(), *self._sdgs.values(),
                       *self._partners.values()):
            widget.disabled = not editable
        self._inputs["reason"].disabled = not opened.droppable and not editable
        self._read_only.value = "" if editable else part("para", t("concept.read_only", lang), css="klynge-fac-muted",
                                                         role="note")
        self._save.layout.display = "" if editable else "none"
        self._promote.layout.display = "" if editable and opened.next else "none"
        self._promote.description = t("concept.promote", lang, stage=t(f"concept.stage.{opened.next}", lang)) \
            if opened.next else ""
        self._drop.layout.display = "" if opened.droppable else "none"
        steer = self._service.can_steer and concept.stage not in ("launched", "dropped")
        self._reown_row.layout.display = "" if steer else "none"
        self._reown_to.options = [(name, oid) for oid, name in sorted(names.items(), key=lambda x: x[1])
                                  if oid != concept.owner_id]

    # -- saying --------------------------------------------------------------------------------
    def _run(self, box: w.HTML, work) -> None:
        buttons = (self._start, self._promote_idea, self._save, self._promote, self._drop, self._reown)
        for b in buttons:
            b.disabled = True
        try:
            work()
        except FormProblems as exc:
            if box is self._status:
                self._say(box, "; ".join(m for _l, m in exc.problems))
            else:
                for name, message in exc.by_field.items():
                    self._fields.get(name, self._fields["title"]).say(message)
                self._say(box, t("concept.not_saved", self.lang))
        except Exception as exc:
            self._fail(exc, "a concept's change", box)
        finally:
            for b in buttons:
                b.disabled = False

    def _fail(self, exc: Exception, what: str, box: w.HTML | None = None) -> None:
        box = box or self._status
        if isinstance(exc, SessionEnded):
            self._say(box, t("shell.session_ended", self.lang))
        elif isinstance(exc, AccessDenied):
            log.info("%s refused: %s", what, exc)
            self._say(box, t("concept.denied", self.lang))
        else:
            log.exception("%s failed", what)
            self._say(box, t("concept.error", self.lang))

    @staticmethod
    def _say(box: w.HTML, text: str, ok: bool = False) -> None:
        css, role = ("klynge-fac-ok", "status") if ok else ("klynge-message", "alert")
        box.value = part("para", text, css=css, role=role) if text else ""

    # -- languages -----------------------------------------------------------------------------
    @tr.observe("lang")
    def _on_lang(self, _change) -> None:
        self._relabel()
        self.refresh()
        self._fill()

    @tr.observe("shown")
    def _on_shown(self, _change) -> None:
        self._draw()

    def _relabel(self) -> None:
        lang = self.lang
        self._head.value = part("heading", 1, t("concept.title", lang), t("concept.intro", lang), "klynge-fac-muted")
        self._new_title.placeholder = t("concept.new_help", lang)
        self._new_title.description = t("concept.new", lang)
        self._start.description = t("concept.start", lang)
        self._ideas.description = t("concept.from_idea", lang)
        self._promote_idea.description = t("concept.promote_idea", lang)
        for box in (self._new_title, self._ideas, self._chooser):
            box.style.description_width = "initial"
        chosen = self._chooser.value
        self._chooser.options = [(t("concept.show_all", lang), ""), *[(t(f"concept.stage.{s}", lang), s)
                                                                     for s in STAGES]]
        self._chooser.value = chosen if chosen is not None else ""
        self._chooser.description = t("concept.show", lang)
        for name, label in self._labels.items():
            label.value = part("field_label", t(f"concept.field.{name}", lang))
        for stage, head in self._section_heads.items():
            head.value = part("heading", 3, t(f"concept.section.{stage}", lang))
        self._inputs["reason"].placeholder = t("concept.drop_help", lang)
        self._save.description = t("concept.save", lang)
        self._drop.description = t("concept.drop", lang)
        self._close.description = t("concept.close", lang)
        self._reown_to.description = t("concept.reown", lang)
        self._reown.description = t("concept.reown_button", lang)
        for n, button in self._sdgs.items():
            button.description = str(n)
        names = t("batch.months", lang).split(",")
        for m, button in self._months.items():
            button.description = names[m - 1]

