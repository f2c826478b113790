"""The facilitator's form for the cluster's plan: the target mix of members and the economics figures.

What it saves is what the next batch's findings weigh the cluster against. Problems appear
beside their fields in the facilitator's language; a stale save keeps what was typed and says
who saved in between.
"""

from __future__ import annotations

import logging

import ipywidgets as w
from traitlets import Unicode, observe

from ..errors import AccessDenied, Conflict, FormProblems
from ..i18n import t
from ..model import CATEGORIES
from ..templating import part
from .plan_service import MONEY, PlanService, form_values

__all__ = ["PlanForm"]

log = logging.getLogger(__name__)

FIELDS = (*CATEGORIES, *MONEY, "municipalities")


class PlanForm(w.VBox):
    """Shares per kind of member (per cent) and the economics figures, with a save button."""

    lang = Unicode("nb")

    def __init__(self, service: PlanService):
        super().__init__()
        self.add_class("klynge-plan")
        self.add_class("klynge-fac-section")
        self._service = service
        self._version: int | None = None
        self._head = w.HTML()
        self._fields = {name: w.Text(layout=w.Layout(width="12rem")) for name in FIELDS[:-1]}
        self._fields["municipalities"] = w.Textarea(layout=w.Layout(width="min(100%, 28rem)", height="4rem"))
        self._labels = {name: w.HTML() for name in FIELDS}
        self._problems = {name: w.HTML() for name in (*FIELDS, "mix")}
        boxes = []
        for name in FIELDS:
            self._fields[name].add_class(f"klynge-plan-{name.replace('_', '-')}")
            boxes.append(w.VBox([self._labels[name], self._fields[name], self._problems[name]]))
        self._mix_head, self._money_head = w.HTML(), w.HTML()
        self._save = w.Button(button_style="primary")
        self._save.add_class("klynge-plan-save")
        self._save.on_click(lambda _b: self.save())
        self._status = w.HTML()
        n = len(CATEGORIES)
        self._places_head = w.HTML()
        self.children = [self._head, self._mix_head, *boxes[:n], self._problems["mix"], self._money_head,
                         *boxes[n:-1], self._places_head, boxes[-1], self._save, self._status]
        self._relabel()
        self.load()

    def load(self) -> None:
        """Read the saved plan into the form."""
        try:
            current = self._service.plan()
        except Exception:
            log.exception("the cluster plan could not be read")
            self._say(t("page.error.body", self.lang), "klynge-message")
            return
        self._version = current.version
        for name, text in form_values(current.value).items():
            self._fields[name].value = text

    def values(self) -> dict[str, str]:
        return {name: field.value for name, field in self._fields.items()}

    def save(self) -> None:
        """Check the form and save the plan; problems appear beside their fields."""
        lang = self.lang
        for box in self._problems.values():
            box.value = ""
        try:
            self._version = self._service.save(self.values(), self._version, lang)
            self._say(t("plan.saved", lang), "klynge-fac-ok", "status")
        except FormProblems as exc:
            for name, message in exc.by_field.items():
                self._problems[name].value = part("para", message, css="klynge-message", role="alert")
            self._say(t("plan.check", lang), "klynge-message")
        except Conflict as exc:
            self._say(t("plan.conflict", lang, who=", ".join(exc.saved_by) or "?"), "klynge-message")
            self._version = self._service.plan().version  # what was typed stays; the next save goes on top
        except AccessDenied:
            self._say(t("plan.denied", lang), "klynge-message")
        except Exception:
            log.exception("the cluster plan could not be saved")
            self._say(t("page.error.body", lang), "klynge-message")

    def _say(self, text: str, css: str, role: str = "alert") -> None:
        self._status.value = part("para", text, css=css, role=role)

    @observe("lang")
    def _on_lang(self, _change) -> None:
        self._relabel()

    def _relabel(self) -> None:
        lang = self.lang
        self._head.value = part("heading", 2, t("plan.title", lang), t("plan.intro", lang))
        self._mix_head.value = part("heading", 3, t("plan.mix", lang), t("plan.mix_help", lang))
        self._money_head.value = part("heading", 3, t("plan.economics", lang), t("plan.economics_help", lang))
        self._places_head.value = part("heading", 3, t("plan.places", lang), t("plan.places_help", lang))
        for name in FIELDS:
            self._labels[name].value = part("field_label", t(f"plan.{name}", lang))
        self._save.description = t("plan.save", lang)
