"""The facilitator's "Fees & hours" page: the settings, the fees per organisation, the hours and the exports.

:class:`ContributionsPage` is handed a :class:`~klynge.widgets.contributions_service.ContributionsService`.
From the top: the fees of a year, one row per organisation (amount, where it stands, the days),
with a small form to mark one invoiced, paid or waived on a day; the cluster's in-kind hours and
their value per organisation and month; the downloads (the accounting export and the co-funding
report as CSV, both as XLSX); and the settings (currency, fee per kind of organisation, value of
an hour per activity, reminder days, stopped weeks), each problem beside its field. HTML comes
from ``widgets/contributions.html.j2``.
"""

from __future__ import annotations

import logging
from decimal import Decimal

import ipywidgets as w
from traitlets import Unicode, observe

from ..errors import AccessDenied, Conflict, FormProblems, KlyngeError, Refused
from ..formatting import Amount, day, money, number
from ..i18n import t
from ..model import ACTIVITIES, CURRENCIES, ORGANISATION_KINDS
from ..model.contribution import today
from ..templating import snippet
from .contributions_service import EXPORTS, PLAIN, ContributionsService, FeeRow, form_values, refusal
from .download import Download
from .facilitator_style import style

__all__ = ["ContributionsPage", "failed", "say"]

log = logging.getLogger(__name__)

_T = "widgets/contributions.html.j2"
_MARKS = ("invoiced", "paid", "waived")

STYLE = """
.klynge-contrib .klynge-contrib-grid{display:flex;flex-wrap:wrap;gap:4px 16px;align-items:flex-start}
.klynge-contrib .klynge-contrib-field{margin:4px 0;width:15rem;max-width:100%;box-sizing:border-box}
.klynge-contrib .klynge-contrib-field>.widget-inline-hbox,.klynge-contrib .klynge-contrib-mark{
  flex-direction:column;align-items:flex-start;gap:2px;height:auto;width:auto;max-width:100%;margin:2px 0;
  box-sizing:border-box}
.klynge-contrib .widget-label{height:auto!important;min-height:0;line-height:1.3;white-space:normal!important;
  overflow:visible!important}
.klynge-contrib .klynge-contrib-field input,.klynge-contrib .klynge-contrib-field select,
.klynge-contrib .klynge-contrib-mark input,.klynge-contrib .klynge-contrib-mark select,
.klynge-contrib .klynge-fees-year select{flex:0 0 auto;width:14rem!important;max-width:100%;min-width:0;height:32px;
  box-sizing:border-box}
.klynge-contrib .klynge-fees-year{flex-direction:row;align-items:center;height:auto}
.klynge-contrib .klynge-fees-year select{width:8rem!important}
.klynge-contrib .klynge-fee-organisation select{width:20rem!important}
.klynge-contrib input[type=date]{border:1px solid var(--klynge-line,#c9d2d0);border-radius:6px;padding:4px 8px;
  background:#fff}
.klynge-contrib .klynge-fac-row{align-items:flex-end}
.klynge-contrib .klynge-contrib-save{align-self:flex-start;margin-top:6px}
.klynge-contrib .klynge-message{color:#b91c1c;margin:2px 0}
.klynge-contrib .klynge-fee-paid .klynge-fee-status{color:#15803d;font-weight:600}
.klynge-contrib .klynge-fee-none .klynge-fee-status{color:var(--klynge-muted,#55615f)}
@media (max-width:700px){
  .klynge-contrib,.klynge-contrib .widget-vbox,.klynge-contrib .widget-html,.klynge-contrib .widget-html-content{
    min-width:0;max-width:100%}
  .klynge-contrib .klynge-contrib-field,.klynge-contrib .klynge-contrib-mark,
  .klynge-contrib .klynge-contrib-field>.widget-inline-hbox{width:100%}
  .klynge-contrib .klynge-contrib-field input,.klynge-contrib .klynge-contrib-field select,
  .klynge-contrib .klynge-contrib-mark input,.klynge-contrib .klynge-contrib-mark select{width:100%!important}
  .klynge-contrib .klynge-fac-row{flex-direction:column;align-items:stretch}
}
"""


class ContributionsPage(w.VBox):
    """Fees per organisation and year, in-kind hours per organisation and month, the exports, the settings."""

    lang = Unicode("nb")

    def __init__(self, service: ContributionsService):
        super().__init__()
        self.add_class("klynge-contrib")
        self.add_class("klynge-fac")
        self._service = service
        self._rows: list[FeeRow] = []
        self._head = w.HTML()

        # -- fees
        self._fees_head = w.HTML()
        year = today().year
        self._year = w.Dropdown(options=[year - 1, year, year + 1], value=year)
        self._year.add_class("klynge-fees-year")
        self._year.observe(lambda _c: self._load_fees(), names="value")
        self._fees = w.HTML()
        self._fees.add_class("klynge-fees")
        self._organisation = w.Dropdown(options=[])
        self._mark = w.Dropdown(options=[])
        self._on = w.DatePicker(value=today())
        self._note = w.Text()
        for name, field in (("organisation", self._organisation), ("status", self._mark), ("on", self._on),
                            ("note", self._note)):
            field.add_class(f"klynge-fee-{name}")
            field.add_class("klynge-contrib-mark")
            field.style.description_width = "initial"
        self._save_mark = w.Button(button_style="primary")
        self._save_mark.add_class("klynge-fee-save")
        self._save_mark.on_click(lambda _b: self.mark())
        self._mark_status = w.HTML()
        mark = w.HBox([self._organisation, self._mark, self._on, self._note, self._save_mark])
        mark.add_class("klynge-fac-row")
        fees = w.VBox([self._fees_head, self._year, mark, self._mark_status, self._fees])
        fees.add_class("klynge-fac-section")

        # -- hours
        self._hours_head = w.HTML()
        self._hours = w.HTML()
        self._hours.add_class("klynge-hours")
        hours = w.VBox([self._hours_head, self._hours])
        hours.add_class("klynge-fac-section")

        # -- downloads
        self._files_head = w.HTML()
        self._buttons = {kind: w.Button() for kind in EXPORTS}
        for kind, button in self._buttons.items():
            button.add_class(f"klynge-export-{kind.replace('_', '-')}")
            button.on_click(lambda _b, kind=kind: self.download(kind))
        self._download = Download()
        self._files_status = w.HTML()
        row = w.HBox(list(self._buttons.values()))
        row.add_class("klynge-fac-row")
        files = w.VBox([self._files_head, row, self._files_status, self._download])
        files.add_class("klynge-fac-section")

        # -- settings
        self._settings_head = w.HTML()
        self._fields: dict[str, w.Widget] = {"currency": w.Dropdown(options=list(CURRENCIES), value=CURRENCIES[0])}
        for name in (*PLAIN[1:], *(f"fee_{k}" for k in ORGANISATION_KINDS), *(f"rate_{a}" for a in ACTIVITIES)):
            self._fields[name] = w.Text()
        self._problems = {name: w.HTML() for name in self._fields}
        self._boxes = {}
        for name, field in self._fields.items():
            field.add_class(f"klynge-setting-{name.replace('_', '-')}")
            field.style.description_width = "initial"
            box = w.VBox([field, self._problems[name]])
            box.add_class("klynge-contrib-field")
            self._boxes[name] = box
        self._kinds_head, self._rates_head = w.HTML(), w.HTML()
        grid = [self._grid([self._boxes[n] for n in PLAIN]), self._kinds_head,
                self._grid([self._boxes[f"fee_{k}"] for k in ORGANISATION_KINDS]), self._rates_head,
                self._grid([self._boxes[f"rate_{a}"] for a in ACTIVITIES])]
        self._save = w.Button(button_style="primary")
        self._save.add_class("klynge-contrib-save")
        self._save.on_click(lambda _b: self.save())
        self._status = w.HTML()
        self._version: int | None = None
        settings = w.VBox([self._settings_head, *grid, self._save, self._status])
        settings.add_class("klynge-fac-section")

        self.children = [style(), style(STYLE), self._head, fees, hours, files, settings]
        self._relabel()
        self._load_settings()
        self.refresh()

    @staticmethod
    def _grid(boxes: list[w.Widget]) -> w.Box:
        box = w.Box(boxes)
        box.add_class("klynge-contrib-grid")
        return box

    def refresh(self) -> None:
        """Read the fees and the hours again."""
        self._load_fees()
        self._load_hours()

    # -- fees ------------------------------------------------------------------------------
    def _load_fees(self) -> None:
        try:
            self._rows = self._service.fee_rows(self._year.value)
        except Exception as exc:
            self._rows = []
            self._fees.value = self._failed(exc, "the fees")
            return
        self._draw_fees()

    def _draw_fees(self) -> None:
        lang = self.lang
        chosen = self._organisation.value
        self._organisation.options = [(r.organisation, r.organisation_id) for r in self._rows]
        if chosen in [r.organisation_id for r in self._rows]:
            self._organisation.value = chosen
        rows = [{"organisation": r.organisation, "orgnr": r.orgnr, "kind": t(f"kind.{r.kind}", lang),
                 "amount": money(r.amount, r.currency, lang) if r.amount is not None else t("fees.no_amount", lang),
                 "status": r.status, "status_text": t(f"fees.status.{r.status}", lang),
                 **{f: day(getattr(r.fee, f), lang) if r.fee is not None and getattr(r.fee, f) else ""
                    for f in ("invoiced_on", "paid_on", "waived_on")}} for r in self._rows]
        counts = {s: sum(1 for r in self._rows if r.status == s) for s in ("none", *_MARKS)}
        paid = {}
        for r in self._rows:
            if r.status == "paid":
                paid[r.currency] = paid.get(r.currency, Decimal(0)) + r.fee.amount
        labels = {f: t(f"export.fees.{f}", lang) for f in ("organisation", "amount", "status", "invoiced_on",
                                                            "paid_on", "waived_on")}
        labels["summary"] = t("fees.summary", lang, paid=counts["paid"], invoiced=counts["invoiced"],
                              waived=counts["waived"], none=counts["none"],
                              amount=", ".join(money(v, c, lang) for c, v in sorted(paid.items())) or "0")
        self._fees.value = snippet(_T, "fees", rows, labels, t("fees.no_members", lang))

    def mark(self, organisation_id: int | None = None, status: str | None = None, on=None) -> None:
        """Mark the chosen organisation's fee (or the one given) for the year shown; the message says how it went."""
        lang = self.lang
        if organisation_id is not None:
            self._organisation.value = organisation_id
        if status is not None:
            self._mark.value = status
        if on is not None:
            self._on.value = on
        row = next((r for r in self._rows if r.organisation_id == self._organisation.value), None)
        if row is None:
            self._say(self._mark_status, t("fees.pick_organisation", lang))
            return
        if self._on.value is None:
            self._say(self._mark_status, t("fees.pick_day", lang))
            return
        self._save_mark.disabled = True
        try:
            fee = self._service.mark(row.organisation_id, self._year.value, self._mark.value, self._on.value,
                                     base_version=row.version, note=self._note.value.strip() or None)
            self._note.value = ""
            self._say(self._mark_status, t(f"fees.marked.{fee.status}", lang, organisation=row.organisation,
                                           year=fee.year, day=self._on.value), "klynge-fac-ok", "status")
        except Refused as exc:
            self._say(self._mark_status, f"{row.organisation}: {refusal(exc, lang)}")
        except Conflict as exc:
            self._say(self._mark_status, t("fees.conflict", lang, who=", ".join(exc.saved_by) or "?"))
        except AccessDenied:
            self._say(self._mark_status, t("fees.denied", lang))
        except Exception as exc:
            self._mark_status.value = self._failed(exc, "the fee")
        finally:
            self._save_mark.disabled = False
        self._load_fees()

    # -- hours -----------------------------------------------------------------------------
    def _load_hours(self) -> None:
        try:
            self._totals = self._service.hours_totals()
            self._currency = self._service.currency()
        except Exception as exc:
            self._totals = None
            self._hours.value = self._failed(exc, "the hours")
            return
        self._draw_hours()

    def _draw_hours(self) -> None:
        if self._totals is None:
            return
        lang, cur = self.lang, self._currency
        rows = [{"organisation": r.organisation, "month": _month(r.month, lang), "hours": number(r.hours, lang, 2),
                 "value": money(r.value, cur, lang)} for r in self._totals]
        labels = {f: t(f"export.hours.{f}", lang) for f in ("organisation", "month", "hours", "value")}
        hours = sum((r.hours for r in self._totals), Decimal(0))
        labels["total"] = t("hours.total", lang, hours=number(hours, lang, 2),
                            value=Amount(sum((r.value for r in self._totals), Decimal(0)), cur))
        self._hours.value = snippet(_T, "totals", rows, labels, t("hours.none_cluster", lang))

    # -- downloads -------------------------------------------------------------------------
    def download(self, kind: str) -> None:
        """Make one export in the page's language and send it to the browser."""
        try:
            made = self._service.export(kind, self.lang)
            self._download.send_file(made.filename, made.data, made.mime)
            self._say(self._files_status, t("contrib.downloaded", self.lang, file=made.filename), "klynge-fac-ok",
                      "status")
        except Exception as exc:
            self._files_status.value = self._failed(exc, "the export")

    # -- settings --------------------------------------------------------------------------
    def _load_settings(self) -> None:
        try:
            current = self._service.settings()
            self._plan = self._service.plan()
        except Exception as exc:
            self._status.value = self._failed(exc, "the settings")
            return
        self._version = current.version
        for name, value in form_values(current.value).items():
            self._fields[name].value = value
        self._placeholders()

    def values(self) -> dict[str, str]:
        """The settings form's texts, by field."""
        return {name: field.value for name, field in self._fields.items()}

    def set_values(self, **values) -> None:
        """Type into the settings form (the tests' way in)."""
        for name, value in values.items():
            self._fields[name].value = value

    def save(self) -> None:
        """Check the settings form and save it; problems appear beside their fields."""
        lang = self.lang
        self._save.disabled = True
        for box in self._problems.values():
            box.value = ""
        try:
            self._version = self._service.save_settings(self.values(), self._version, lang)
            self._say(self._status, t("contrib.saved", lang), "klynge-fac-ok", "status")
            self.refresh()
        except FormProblems as exc:
            for name, message in exc.by_field.items():
                if name in self._problems:
                    self._problems[name].value = snippet(_T, "message", message)
            self._say(self._status, t("contrib.check", lang))
        except Conflict as exc:
            self._say(self._status, t("contrib.conflict", lang, who=", ".join(exc.saved_by) or "?"))
            try:  # what was typed stays; the next save goes on top of what is stored now
                self._version = self._service.settings().version
            except KlyngeError:
                log.info("the mobilisation settings could not be read again")
        except AccessDenied:
            self._say(self._status, t("contrib.denied", lang))
        except Exception as exc:
            self._status.value = self._failed(exc, "the settings")
        finally:
            self._save.disabled = False

    # -- words -----------------------------------------------------------------------------
    def _say(self, box: w.HTML, text: str, css: str = "klynge-message", role: str = "alert") -> None:
        say(box, text, css, role)

    def _failed(self, exc: Exception, what: str) -> str:
        return failed(exc, what, self.lang)

    def _placeholders(self) -> None:
        plan = getattr(self, "_plan", None)
        if plan is None:
            return
        lang = self.lang
        fee = t("contrib.plan_value", lang, value=number(plan.fee, lang, 2)) if plan.fee is not None else ""
        rate = t("contrib.plan_value", lang, value=number(plan.rate, lang, 2)) if plan.rate is not None else ""
        for k in ORGANISATION_KINDS:
            self._fields[f"fee_{k}"].placeholder = fee
        for a in ACTIVITIES:
            self._fields[f"rate_{a}"].placeholder = rate

    @observe("lang")
    def _on_lang(self, _change) -> None:
        self._relabel()
        if self._rows:
            self._draw_fees()
        self._draw_hours()

    def _relabel(self) -> None:
        lang = self.lang
        self._head.value = snippet(_T, "head", t("contrib.title", lang), t("contrib.intro", lang))
        self._fees_head.value = snippet(_T, "head", t("fees.title", lang), t("fees.intro", lang), 2)
        self._hours_head.value = snippet(_T, "head", t("hours.cluster_title", lang), t("hours.cluster_intro", lang), 2)
        self._files_head.value = snippet(_T, "head", t("contrib.files_title", lang), t("contrib.files_intro", lang), 2)
        self._settings_head.value = snippet(_T, "head", t("contrib.settings_title", lang),
                                            t("contrib.settings_intro", lang), 2)
        self._kinds_head.value = snippet(_T, "head", t("field.fees_by_kind", lang), t("contrib.kinds_help", lang), 3)
        self._rates_head.value = snippet(_T, "head", t("field.hour_rates", lang), t("contrib.rates_help", lang), 3)
        self._year.description = t("export.fees.year", lang)
        self._year.style.description_width = "initial"
        self._organisation.description = t("export.fees.organisation", lang)
        chosen = self._mark.value
        self._mark.options = [(t(f"fees.mark.{m}", lang), m) for m in _MARKS]
        self._mark.value = chosen if chosen in _MARKS else "paid"
        self._mark.description = t("export.fees.status", lang)
        self._on.description = t("fees.on", lang)
        self._note.description = t("export.fees.note", lang)
        self._save_mark.description = t("fees.save", lang)
        for kind, button in self._buttons.items():
            button.description = t(f"contrib.export.{kind}", lang)
        for name, field in self._fields.items():
            if name.startswith("fee_"):
                label = t(f"kind.{name.removeprefix('fee_')}", lang)
            elif name.startswith("rate_"):
                label = t(f"hours.activity.{name.removeprefix('rate_')}", lang)
            else:
                label = t(f"field.{name}", lang)
            field.description = label[:1].upper() + label[1:]
        self._save.description = t("contrib.save", lang)
        self._placeholders()


def say(box: w.HTML, text: str, css: str = "klynge-message", role: str = "alert") -> None:
    """Put a message into ``box``: an alert by default, or a quiet status."""
    box.value = snippet(_T, "message", text, css, role)


def failed(exc: Exception, what: str, lang: str) -> str:
    """The message for a failure: the store's words for what it refused, a plain apology otherwise (logged)."""
    if isinstance(exc, KlyngeError):
        log.info("%s: %s", what, exc)
        return snippet(_T, "message", str(exc))
    log.exception("%s failed", what)
    return snippet(_T, "message", t("page.error.body", lang))


def _month(month: str, lang: str) -> str:
    """``2026-10`` as the language names the month ("oktober 2026", "October 2026")."""
    from ..report.package_text import month_names

    year, m = month.split("-")
    return f"{month_names(lang)[int(m) - 1]} {year}"
