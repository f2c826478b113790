"""The participant's "Hours" step: log my in-kind hours, see them with their value, remove one.

:class:`HoursPage` is handed an :class:`~klynge.widgets.hours_service.HoursService`. The form takes
the day, the activity, the hours and a note; each problem appears beside its field. Below, my
entries, newest first, with their value at the cluster's rate and the totals; hours an attended
event gave are marked as such and kept (the event's record). A removed entry stays in the store.
HTML comes from ``widgets/contributions.html.j2``.
"""

from __future__ import annotations

import logging

import ipywidgets as w
from traitlets import Unicode, observe

from ..errors import AccessDenied, FormProblems
from ..formatting import Amount, day, money, number
from ..i18n import t
from ..model import ACTIVITIES
from ..model.contribution import today
from ..templating import snippet
from .contributions_page import failed, say
from .facilitator_style import style
from .hours_service import FIELDS, HoursService, MyHours

__all__ = ["HoursPage"]

log = logging.getLogger(__name__)

_T = "widgets/contributions.html.j2"

STYLE = """
.klynge-hours-page .klynge-hours-field{margin:4px 0;max-width:100%;box-sizing:border-box}
.klynge-hours-page .klynge-hours-field>.widget-inline-hbox{flex-direction:column;align-items:flex-start;gap:2px;
  height:auto;width:auto;max-width:100%;margin:2px 0;box-sizing:border-box}
.klynge-hours-page .klynge-hours-field input,.klynge-hours-page .klynge-hours-field select{flex:0 0 auto;
  width:16rem!important;max-width:100%;min-width:0;height:32px;box-sizing:border-box}
.klynge-hours-page .klynge-hours-field input[type=date]{border:1px solid var(--klynge-line,#c9d2d0);
  border-radius:6px;padding:4px 8px;background:#fff}
.klynge-hours-page .klynge-hours-save{align-self:flex-start;margin-top:6px}
.klynge-hours-page .klynge-message{color:#b91c1c;margin:2px 0}
.klynge-hours-page .klynge-hours-row{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;
  gap:4px 12px;border-bottom:1px solid var(--klynge-line,#d9e2ec);padding:6px 0;height:auto}
.klynge-hours-page .klynge-hours-row>.widget-html{flex:1 1 16rem;min-width:0;height:auto}
.klynge-hours-page .klynge-hours-event{display:inline-block;background:#e0f2fe;color:#075985;border-radius:4px;
  padding:0 6px;font-size:.85rem}
.klynge-hours-page .num{font-variant-numeric:tabular-nums}
@media (max-width:700px){
  .klynge-hours-page,.klynge-hours-page .widget-vbox,.klynge-hours-page .widget-html,
  .klynge-hours-page .widget-html-content{min-width:0;max-width:100%}
  .klynge-hours-page .klynge-hours-field,.klynge-hours-page .klynge-hours-field>.widget-inline-hbox{width:100%}
  .klynge-hours-page .klynge-hours-field input,.klynge-hours-page .klynge-hours-field select{width:100%!important}
}
"""


class HoursPage(w.VBox):
    """My in-kind hours: a form to log them, and my list with the totals."""

    lang = Unicode("nb")

    def __init__(self, service: HoursService):
        super().__init__()
        self.add_class("klynge-hours-page")
        self.add_class("klynge-fac")
        self._service = service
        self._mine: MyHours | None = None
        self._head = w.HTML()
        self._fields = {"day": w.DatePicker(value=today()), "activity": w.Dropdown(options=[]),
                        "hours": w.Text(), "note": w.Text()}
        self._problems = {name: w.HTML() for name in FIELDS}
        boxes = []
        for name in FIELDS:
            field = self._fields[name]
            field.add_class(f"klynge-hours-{name}")
            field.style.description_width = "initial"
            box = w.VBox([field, self._problems[name]])
            box.add_class("klynge-hours-field")
            boxes.append(box)
        self._save = w.Button(button_style="primary")
        self._save.add_class("klynge-hours-save")
        self._save.on_click(lambda _b: self.log())
        self._status = w.HTML()
        form = w.VBox([*boxes, self._save, self._status])
        form.add_class("klynge-fac-section")
        self._list_head = w.HTML()
        self._total = w.HTML()
        self._list = w.VBox()
        self._list.add_class("klynge-hours-list")
        self._list_status = w.HTML()
        mine = w.VBox([self._list_head, self._total, self._list_status, self._list])
        mine.add_class("klynge-fac-section")
        self.children = [style(), style(STYLE), self._head, form, mine]
        self._relabel()
        self.refresh()

    def refresh(self) -> None:
        """Read my hours again."""
        try:
            self._mine = self._service.mine()
        except Exception as exc:
            self._mine = None
            self._list.children = ()
            self._list_status.value = self._failed(exc, "my hours")
            return
        self._draw()

    def _draw(self) -> None:
        mine, lang = self._mine, self.lang
        if mine is None:
            return
        self._total.value = snippet(_T, "mine_total", t(
            "hours.total", lang, hours=number(mine.hours, lang, 2), value=Amount(mine.value, mine.currency)))
        rows = []
        for h, value in mine.entries:
            text = w.HTML(snippet(_T, "entry", day(h.day, lang), t(f"hours.activity.{h.activity}", lang),
                                  t("hours.count", lang, hours=number(h.hours, lang, 2)),
                                  money(value, mine.currency, lang) if value else "",
                                  h.note, t("hours.from_event", lang) if h.source == "attendance" else ""))
            children = [text]
            if h.source == "manual":
                remove = w.Button(description=t("hours.remove", lang), tooltip=t("hours.remove_help", lang))
                remove.add_class("klynge-hours-remove")
                remove.on_click(lambda _b, hid=h.id: self.remove(hid))
                children.append(remove)
            row = w.HBox(children)
            row.add_class("klynge-hours-row")
            rows.append(row)
        self._list.children = rows
        self._list_status.value = "" if rows else snippet(_T, "message", t("hours.none_mine", lang),
                                                          "klynge-fac-muted", "status")

    def set_values(self, **values) -> None:
        """Fill in the form (the tests' way in)."""
        for name, value in values.items():
            self._fields[name].value = value

    def log(self) -> None:
        """Check the form and log the hours; problems appear beside their fields."""
        lang = self.lang
        self._save.disabled = True
        for box in self._problems.values():
            box.value = ""
        try:
            self._service.log({name: field.value for name, field in self._fields.items()}, lang)
            self._fields["hours"].value = ""
            self._fields["note"].value = ""
            self._say(self._status, t("hours.logged", lang), "klynge-fac-ok", "status")
            self.refresh()
        except FormProblems as exc:
            for name, message in exc.by_field.items():
                self._problems.get(name, self._problems["hours"]).value = snippet(_T, "message", message)
            self._status.value = ""
        except AccessDenied:
            self._say(self._status, t("hours.denied", lang))
        except Exception as exc:
            self._status.value = self._failed(exc, "the hours")
        finally:
            self._save.disabled = False

    def remove(self, hours_id: int) -> None:
        """Remove one of my entries; it is kept in the store, marked removed."""
        try:
            self._service.remove(hours_id)
            self._say(self._status, t("hours.removed", self.lang), "klynge-fac-ok", "status")
        except AccessDenied:
            self._say(self._status, t("hours.denied", self.lang))
        except Exception as exc:
            self._status.value = self._failed(exc, "removing hours")
        self.refresh()

    def _say(self, box: w.HTML, text: str, css: str = "klynge-message", role: str = "alert") -> None:
        say(box, text, css, role)

    def _failed(self, exc: Exception, what: str) -> str:
        return failed(exc, what, self.lang)

    @observe("lang")
    def _on_lang(self, _change) -> None:
        self._relabel()
        self._draw()

    def _relabel(self) -> None:
        lang = self.lang
        self._head.value = snippet(_T, "head", t("hours.title", lang), t("hours.intro", lang))
        self._list_head.value = snippet(_T, "head", t("hours.mine_title", lang), "", 2)
        activity = self._fields["activity"]
        chosen = activity.value
        activity.options = [(t(f"hours.activity.{a}", lang), a) for a in ACTIVITIES]
        activity.value = chosen if chosen in ACTIVITIES else ACTIVITIES[0]
        for name in FIELDS:
            self._fields[name].description = t(f"field.{name}", lang)
        self._fields["hours"].placeholder = t("hours.hours_help", lang)
        self._save.description = t("hours.log", lang)
