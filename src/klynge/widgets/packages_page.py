"""The participant's "Packages" step: compose packages with other members, and answer theirs.

The page lists the packages my organisation composes and those it has a part in, each with
where it stands: who accepted, who has not answered, who withdrew and why. Opening one of mine
(or a new one) shows the studio: title, description, months (the calendar starts in
September), target segment, theme, days, party size, and the parts, chosen from the cluster's
offers (filtered by kind, place and month), each with its day, its place in the order, how
guests travel to it and the seller's margin. As the package changes, the checks say in plain
words what its parts allow. A save names the revision it started from: others' changes to
other fields are merged; a field both changed is said, with a choice to keep mine or take
theirs. The history restores an earlier revision. A package of another organisation opens to
read, with buttons to accept taking part or to withdraw with a reason.

The page is handed a :class:`~klynge.widgets.packages_service.PackagesService`; HTML comes from
``widgets/packages.html.j2``. Nothing here shows a traceback: failures are logged and said.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal
from functools import partial

import ipywidgets as w
import traitlets as tr

from ..errors import Conflict, FormProblems, NoSuggestion, NotFound
from ..formatting import moment, money
from ..i18n import t
from ..model import OFFER_KINDS, THEMES, TRAVEL_MODES, PackageComponent
from ..model import Package as PackageModel
from ..report.offer_text import capacity_text, price_text
from ..templating import part, snippet
from .download import Download
from .drafts import who_saved
from .facilitator_style import style
from .packages_service import Check, Opened, PackageRow, PackagesService, PartOffer
from .profile_form import Busy, Field, capital, months_text, relabel_options, toggles
from .profile_service import CALENDAR, parse_amount

__all__ = ["PackagesPage"]

log = logging.getLogger(__name__)

_TEMPLATE = "widgets/packages.html.j2"
SHOWN = 12  # offers the finder lists at once
FILES = ("texts", "png", "pdf")  # the package's files for booking channels

#: Messages that say something went wrong; the others say it went well.
_BAD = ("packages.not_saved", "packages.conflict", "packages.error", "packages.denied", "packages.gone_package",
        "shell.session_ended", "profile.denied", "profile.error")

STYLE = """
.klynge-packages .klynge-package-card{border:1px solid var(--klynge-line,#d9e2ec);border-radius:10px;
  padding:10px 14px;margin:8px 0;background:var(--klynge-card,#fff);max-width:100%;box-sizing:border-box}
.klynge-packages h3{margin:0 0 2px;font-size:1.05rem}
.klynge-packages .klynge-package-agreed{color:#15803d}
.klynge-packages .klynge-package-withdrawn{color:#b45309}
.klynge-packages .klynge-package-gone{color:#b91c1c;font-weight:600}
.klynge-packages .klynge-package-checks{list-style:none;padding:0;margin:4px 0}
.klynge-packages .klynge-package-checks li{margin:4px 0;padding:4px 10px;border-left:4px solid #9aa9b8}
.klynge-packages .klynge-check-error{border-color:#b91c1c!important;background:#fef2f2}
.klynge-packages .klynge-check-warning{border-color:#b45309!important;background:#fff7ed}
.klynge-packages .sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.klynge-packages .klynge-package-part,.klynge-packages .klynge-package-offer{border-top:1px solid
  var(--klynge-line,#d9e2ec);padding:6px 0;max-width:100%}
.klynge-packages .klynge-packages-months{display:flex;flex-wrap:wrap;gap:4px}
.klynge-packages .klynge-packages-months .jupyter-button{min-width:3.2rem;padding:4px 8px}
.klynge-packages .klynge-message{color:#b91c1c}
.klynge-packages .klynge-profile-ok{color:#15803d}
.klynge-packages textarea{width:100%;max-width:40rem;box-sizing:border-box}
.klynge-packages .klynge-package-part input[type=number]{width:4.5rem}
.klynge-packages .klynge-package-offer{display:flex;flex-wrap:wrap;gap:6px 12px;align-items:center}
.klynge-packages .klynge-package-offer>.widget-html{flex:1 1 14rem;min-width:0}
.klynge-packages .klynge-package-offer>.jupyter-button{flex:0 0 auto}
"""


def _status(key: str, values: dict, lang: str) -> str:
    if not key:
        return ""
    return part("span", t(key, lang, **values), css="klynge-message" if key in _BAD else "klynge-profile-ok",
                role="status")


class PackagesPage(w.VBox):
    """My packages and those I supply, the studio that composes one, and a supplier's answer."""

    lang = tr.Unicode("nb")

    def __init__(self, service: PackagesService, lang: str = "nb"):
        super().__init__()
        self.add_class("klynge-packages")
        self.add_class("klynge-fac")
        self._service = service
        self._busy = Busy()
        self._said: dict[str, tuple[str, dict]] = {}
        self._rows: tuple[list[PackageRow], list[PackageRow]] = ([], [])
        self._opened: Opened | None = None  # the package in the studio or the reader (None: a new one)
        self._base: int | None = None
        self._parts: list[dict] = []  # the studio's parts, in order: component fields, margin as typed
        self._known: dict[int, PartOffer] = {}  # offers of the parts, and of the finder's results
        self._results: list[PartOffer] = []
        self._filling = False
        self._head = w.HTML()
        self._list_status = w.HTML()
        self._lists = w.VBox()
        self._lists.add_class("klynge-packages-lists")
        self._new = w.Button(icon="plus")
        self._new.add_class("klynge-packages-new")
        self._new.on_click(lambda _b: self._work("list", self._compose, None))
        self._studio = self._build_studio()
        self._reader = self._build_reader()
        self.children = [style(), style(STYLE), self._head, self._list_status, self._new, self._lists,
                         self._studio, self._reader, self._files_box, self._download]
        self._files_box.layout.display = "none"
        self._busy.add(self._new, self._save, self._keep, self._theirs, self._restore, self._accept, self._withdraw,
                       *self._files.values(), self._suggest)
        self.lang = lang
        self._relabel()
        self.refresh()

    # -- building ----------------------------------------------------------------------------
    def _build_studio(self) -> w.VBox:
        self._studio_title = w.HTML()
        self._agreement = w.HTML()
        # typed text reaches the kernel when the field is left: the checks run once per change, not per key
        self._title = w.Text(continuous_update=False)
        self._description = w.Textarea(rows=3, continuous_update=False)
        self._months, months_box = toggles(CALENDAR, "klynge-packages-month")
        months_box.add_class("klynge-packages-months")
        self._months_label = w.HTML()
        self._segment = w.Text(continuous_update=False)
        self._arrival_from, self._arrival_mode = w.Text(continuous_update=False), w.Dropdown()
        self._ready = w.Checkbox(value=False, indent=False)
        self._ready.add_class("klynge-packages-ready")
        self._theme, self._visibility = w.Dropdown(), w.Dropdown()
        self._days, self._guests = w.BoundedIntText(value=1, min=1, max=30), w.BoundedIntText(value=2, min=1, max=500)
        self._fields = {
            "title": Field(self._title, name="p-title"), "description": Field(self._description, name="p-description"),
            "months": Field(self._months_label, months_box, name="p-months"),
            "target_segment": Field(self._segment, name="p-segment"), "theme": Field(self._theme, name="p-theme"),
            "days": Field(self._days, name="p-days"), "guests": Field(self._guests, name="p-guests"),
            "visibility": Field(self._visibility, name="p-visibility"),
            "arrival_from": Field(self._arrival_from, name="p-arrival-from"),
            "arrival_mode": Field(self._arrival_mode, name="p-arrival-mode"),
            "status": Field(self._ready, name="p-status"),
        }
        self._parts_title = w.HTML()
        self._parts_box = w.VBox()
        self._parts_box.add_class("klynge-packages-parts")
        self._parts_field = Field(self._parts_title, self._parts_box, name="p-parts")
        self._checks = w.HTML()
        self._checks.add_class("klynge-packages-checks")
        # the finder: the cluster's offers, to add as parts
        self._finder_title = w.HTML()
        self._kind, self._place, self._month = w.Dropdown(), w.Dropdown(), w.Dropdown()
        self._kind.add_class("klynge-packages-kind")
        self._place.add_class("klynge-packages-place")
        self._month.add_class("klynge-packages-filter-month")
        self._search = w.Text(continuous_update=False)
        self._search.add_class("klynge-packages-search")
        for control in (self._kind, self._place, self._month, self._search):
            control.observe(lambda _c: self._find(), "value")
        filters = w.HBox([self._kind, self._place, self._month, self._search])
        filters.add_class("klynge-fac-row")
        self._found = w.VBox()
        self._found.add_class("klynge-packages-found")
        finder = w.VBox([self._finder_title, filters, self._found])
        finder.add_class("klynge-fac-section")
        # the optimiser's ideas, each a draft with one click
        self._ideas_title, self._ideas_status = w.HTML(), w.HTML()
        self._suggest = w.Button(icon="lightbulb-o")
        self._suggest.add_class("klynge-packages-suggest")
        self._suggest.on_click(lambda _b: self._work("ideas", self._find_ideas))
        self._ideas = w.VBox()
        self._ideas.add_class("klynge-packages-ideas")
        ideas = w.VBox([self._ideas_title, self._suggest, self._ideas_status, self._ideas])
        ideas.add_class("klynge-fac-section")
        # saving, conflicts and history
        self._save = w.Button(button_style="primary")
        self._save.add_class("klynge-packages-save")
        self._save.on_click(lambda _b: self._work("studio", self._save_package))
        self._close = w.Button()
        self._close.add_class("klynge-packages-close")
        self._close.on_click(lambda _b: self._work("list", self._shut))
        self._status = w.HTML()
        self._status.add_class("klynge-packages-status")
        self._keep, self._theirs = w.Button(button_style="primary"), w.Button()
        self._keep.add_class("klynge-packages-keep-mine")
        self._theirs.add_class("klynge-packages-take-theirs")
        self._keep.on_click(lambda _b: self._work("studio", self._save_package, again=True))
        self._theirs.on_click(lambda _b: self._work("studio", self._take_theirs))
        self._conflict = w.HBox([self._keep, self._theirs])
        self._conflict.add_class("klynge-fac-row")
        self._conflict.layout.display = "none"
        self._revisions = w.Dropdown()
        self._revisions.add_class("klynge-packages-revisions")
        self._restore = w.Button()
        self._restore.add_class("klynge-packages-restore")
        self._restore.on_click(lambda _b: self._work("studio", self._restore_revision))
        self._history = w.HBox([self._revisions, self._restore])
        self._history.add_class("klynge-fac-row")
        self._download = Download()
        self._files = {what: w.Button(icon="download") for what in FILES}
        for what, button in self._files.items():
            button.add_class(f"klynge-packages-file-{what}")
            button.on_click(lambda _b, x=what: self._work(self._where(), self._make_file, x))
        self._files_title = w.HTML()
        files = w.VBox([self._files_title, w.HBox(list(self._files.values()))])
        files.children[1].add_class("klynge-fac-row")
        files.add_class("klynge-fac-section")
        files.add_class("klynge-packages-files")
        self._files_box = files
        actions = w.HBox([self._save, self._close, self._status])
        actions.add_class("klynge-fac-row")
        form = w.VBox([self._studio_title, self._agreement, *self._fields.values()])
        form.add_class("klynge-fac-section")
        parts = w.VBox([self._parts_field, self._checks])
        parts.add_class("klynge-fac-section")
        studio = w.VBox([form, parts, finder, ideas, actions, self._conflict, self._history])
        studio.add_class("klynge-packages-studio")
        studio.layout.display = "none"
        for widget in (self._title, self._description, self._segment, self._theme, self._days, self._guests,
                       self._visibility, self._arrival_from, self._arrival_mode, self._ready, *self._months.values()):
            widget.observe(self._changed, "value")
        return studio

    def _build_reader(self) -> w.VBox:
        self._read_title, self._read_body, self._read_checks = w.HTML(), w.HTML(), w.HTML()
        self._read_agreement = w.HTML()
        self._reason = w.Textarea(rows=2)
        self._reason_field = Field(self._reason, name="p-reason")
        self._accept = w.Button(button_style="success")
        self._accept.add_class("klynge-packages-accept")
        self._accept.on_click(lambda _b: self._work("reader", self._answer, True))
        self._withdraw = w.Button(button_style="warning")
        self._withdraw.add_class("klynge-packages-withdraw")
        self._withdraw.on_click(lambda _b: self._work("reader", self._answer, False))
        self._read_close = w.Button()
        self._read_close.add_class("klynge-packages-close")
        self._read_close.on_click(lambda _b: self._work("list", self._shut))
        self._read_status = w.HTML()
        self._read_status.add_class("klynge-packages-status")
        buttons = w.HBox([self._accept, self._withdraw, self._read_close])
        buttons.add_class("klynge-fac-row")
        reader = w.VBox([self._read_title, self._read_agreement, self._read_body, self._read_checks,
                         self._reason_field, buttons, self._read_status])
        reader.add_class("klynge-fac-section")
        reader.add_class("klynge-packages-reader")
        reader.layout.display = "none"
        return reader

    # -- the lists ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the packages again (when the step is shown again); an open studio keeps what is typed."""
        try:
            self._service.refresh()
            self._rows = self._service.packages()
        except Exception:
            log.exception("the packages could not be read")
            self._say("list", "packages.error")
        self._draw_lists()
        if self._reader.layout.display != "none" and self._opened is not None:
            self._work("reader", self._read, self._opened.row.owner_id, self._opened.row.name)

    def _draw_lists(self) -> None:
        lang = self.lang
        mine, supplied = self._rows
        children: list[w.Widget] = [w.HTML(part("heading", 2, t("packages.mine", lang)))]
        children += [self._card(r) for r in mine] or [w.HTML(part("para", t("packages.none_mine", lang),
                                                                  css="klynge-fac-muted"))]
        children.append(w.HTML(part("heading", 2, t("packages.supplied", lang), t("packages.supplied_intro", lang),
                                    intro_css="klynge-fac-muted")))
        children += [self._card(r) for r in supplied] or [w.HTML(part("para", t("packages.none_supplied", lang),
                                                                      css="klynge-fac-muted"))]
        self._lists.children = children

    def _card(self, row: PackageRow) -> w.Widget:
        lang = self.lang
        p = row.package
        meta = " · ".join(x for x in (months_text(p.months, lang), t(f"packages.theme.{p.theme}", lang) if p.theme
                                      else "", t("packages.days", lang, n=p.days or 1)) if x)
        head = w.HTML(snippet(_TEMPLATE, "summary", p.title, row.owner, meta, lang) + self._agreement_html(row))
        button = w.Button(description=t("packages.edit" if row.mine else "packages.read", lang),
                          tooltip=t("packages.open_tip", lang, title=p.title),
                          layout=w.Layout(width="auto", align_self="flex-start"))
        button.add_class("klynge-packages-open")
        button.on_click(lambda _b, r=row: self._work("list", self._open, r))
        card = w.VBox([head, button])
        card.add_class("klynge-package-card")
        card.add_class(f"klynge-package-{row.name}")
        return card

    def _agreement_html(self, row: PackageRow) -> str:
        a, name = row.agreement, self._service.name
        return snippet(_TEMPLATE, "agreement", a.agreed, bool(a.suppliers),
                       ", ".join(name(o) for o in a.accepted), ", ".join(name(o) for o in a.pending),
                       [(name(o), ans.reason) for o, ans in a.withdrawn.items()], self.lang)

    def _open(self, row: PackageRow) -> None:
        if row.mine:
            self._compose(row)
        else:
            self._read(row.owner_id, row.name)

    def _shut(self) -> None:
        self._studio.layout.display = self._reader.layout.display = self._files_box.layout.display = "none"
        self._lists.layout.display = self._new.layout.display = ""
        self._opened = None
        self.refresh()

    # -- the studio --------------------------------------------------------------------------
    def _compose(self, row: PackageRow | None, number: int | None = None) -> None:
        """Open my package ``row`` (at revision ``number``), or a new one, in the studio."""
        if row is None:
            self._opened, self._base = None, None
            package = PackageModel(title=t("packages.new_title", self.lang))
        else:
            self._opened = self._service.open(row.owner_id, row.name, number)
            self._base = self._opened.row.revision
            package = self._opened.row.package
            self._known.update(self._opened.parts)
        self._fill(package)
        self._conflict.layout.display = "none"
        self._said.pop("studio", None)
        self._show_problems(None)
        self._studio.layout.display = ""
        self._reader.layout.display = "none"
        self._lists.layout.display = self._new.layout.display = "none"
        self._files_box.layout.display = "" if self._opened is not None else "none"
        self._draw_history()
        self._find()
        self._relabel()

    def _fill(self, package) -> None:
        self._filling = True
        try:
            self._title.value, self._description.value = package.title, package.description
            for m, b in self._months.items():
                b.value = m in package.months
            self._segment.value = package.target_segment
            self._arrival_from.value, self._arrival_mode.value = package.arrival_from, package.arrival_mode
            self._ready.value = package.status == "ready"
            self._theme.value = package.theme
            self._days.value, self._guests.value = package.days or 1, package.guests
            self._visibility.value = package.visibility
            self._parts = [_editable(c) for c in package.components]
        finally:
            self._filling = False
        self._draw_parts()

    def _form(self) -> dict:
        return {"title": self._title.value, "description": self._description.value,
                "months": [m for m, b in self._months.items() if b.value], "target_segment": self._segment.value,
                "theme": self._theme.value, "days": self._days.value, "guests": self._guests.value,
                "visibility": self._visibility.value, "arrival_from": self._arrival_from.value,
                "arrival_mode": self._arrival_mode.value, "status": "ready" if self._ready.value else "draft"}

    def _changed(self, _change=None) -> None:
        if not self._filling:
            self._recheck()

    def _draw_parts(self) -> None:
        lang = self.lang
        rows = []
        for i, comp in enumerate(self._parts):
            known = self._known.get(comp["offer_id"])
            title = known.offer.title if known else t("packages.unknown_offer", lang, id=comp["offer_id"])
            text = snippet(_TEMPLATE, "part", i + 1, title, self._service.name(comp["organisation_id"]),
                           t(f"batch.offer.{known.offer.kind}", lang) if known else "",
                           known.place if known else "", months_text(known.offer.months, lang) if known else "",
                           known is None or known.gone, lang)
            day = w.BoundedIntText(value=comp["day"], min=1, max=30, description=t("packages.day", lang))
            day.observe(lambda c, i=i: self._set(i, "day", c["new"]), "value")
            mode = w.Dropdown(options=[(t(f"packages.mode.{m}", lang), m) for m in TRAVEL_MODES], value=comp["mode"],
                              description=t("packages.mode", lang))
            mode.observe(lambda c, i=i: self._set(i, "mode", c["new"]), "value")
            mode.layout.display = "none" if i == 0 else None  # the first part has no leg before it
            kind = w.Dropdown(options=[(t(f"packages.margin.{k}", lang), k) for k in ("commission", "net")],
                              value=comp["margin_kind"], description=t("packages.margin", lang))
            kind.observe(lambda c, i=i: self._set(i, "margin_kind", c["new"]), "value")
            margin = w.Text(value=comp["margin_percent"], description="%", continuous_update=False)
            margin.add_class("klynge-packages-margin")
            margin.observe(lambda c, i=i: self._set(i, "margin_percent", c["new"]), "value")
            up = w.Button(icon="arrow-up", tooltip=t("packages.up", lang, title=title), disabled=i == 0)
            down = w.Button(icon="arrow-down", tooltip=t("packages.down", lang, title=title),
                            disabled=i == len(self._parts) - 1)
            remove = w.Button(description=t("packages.remove", lang),
                              tooltip=t("packages.remove_tip", lang, title=title))
            for b, css in ((up, "up"), (down, "down"), (remove, "remove")):
                b.add_class(f"klynge-packages-{css}")
                b.layout.width = "auto"
            up.on_click(lambda _b, i=i: self._move(i, -1))
            down.on_click(lambda _b, i=i: self._move(i, +1))
            remove.on_click(lambda _b, i=i: self._drop(i))
            controls = w.HBox([day, mode, kind, margin, up, down, remove])
            controls.add_class("klynge-fac-row")
            row = w.VBox([w.HTML(text), controls])
            row.add_class("klynge-package-part")
            rows.append(row)
        if not rows:
            rows = [w.HTML(part("para", t("packages.no_parts", lang), css="klynge-fac-muted"))]
        self._parts_box.children = rows
        self._recheck()

    def _set(self, i: int, key: str, value) -> None:
        self._parts[i][key] = value
        self._recheck()

    def _move(self, i: int, step: int) -> None:
        j = i + step
        if 0 <= j < len(self._parts):
            self._parts[i], self._parts[j] = self._parts[j], self._parts[i]
            self._draw_parts()

    def _drop(self, i: int) -> None:
        del self._parts[i]
        self._draw_parts()

    def _add(self, found: PartOffer) -> None:
        self._known[found.id] = found
        day = min(max((p["day"] for p in self._parts), default=1), self._days.value)
        self._parts.append(_editable(PackageComponent(offer_id=found.id, organisation_id=found.offer.organisation_id,
                                                      day=day)))
        self._draw_parts()

    def _loose(self):
        """The package as it stands, unchecked, for the checks (they run whatever is typed)."""
        comps = [PackageComponent.model_construct(**{**p, "margin_percent": _margin(p["margin_percent"])})
                 for p in self._parts]
        form = {k: v for k, v in self._form().items() if k not in ("months", "days")}
        return PackageModel.model_construct(**form, months=[m for m in CALENDAR if self._months[m].value],
                                            days=max([self._days.value, *(p["day"] for p in self._parts)]),
                                            components=comps)

    def _recheck(self) -> None:
        try:
            found = self._service.check(self._loose(), self._known, self.lang)
            self._checks.value = _checks_html(found, self.lang)
        except Exception:
            log.exception("the package could not be checked")
            self._checks.value = _status("packages.error", {}, self.lang)

    # -- finding offers -----------------------------------------------------------------------
    def _find(self) -> None:
        if self._filling or self._studio.layout.display == "none":
            return
        lang = self.lang
        try:
            self._results = self._service.offers(kind=self._kind.value or "", municipality=self._place.value or "",
                                                 month=int(self._month.value or 0), text=self._search.value)
        except Exception:
            log.exception("the offers could not be read")
            self._results = []
        rows = []
        chosen = {p["offer_id"] for p in self._parts}
        for found in self._results[:SHOWN]:
            o = found.offer
            text = snippet(_TEMPLATE, "offer", o.title, found.organisation, t(f"batch.offer.{o.kind}", lang),
                           found.place, months_text(o.months, lang), capacity_text(o, lang),
                           price_text(o, lang, vat=False))
            add = w.Button(description=t("packages.add", lang), tooltip=t("packages.add_tip", lang, title=o.title),
                           disabled=found.id in chosen, layout=w.Layout(width="auto"))
            add.add_class("klynge-packages-add")
            add.on_click(lambda _b, f=found: self._add(f) or self._find())
            row = w.HBox([w.HTML(text), add])
            row.add_class("klynge-package-offer")
            rows.append(row)
        more = len(self._results) - SHOWN
        if more > 0:
            rows.append(w.HTML(part("para", t("packages.more_offers", lang, n=more), css="klynge-fac-muted")))
        if not rows:
            rows = [w.HTML(part("para", t("packages.no_offers", lang), css="klynge-fac-muted"))]
        self._found.children = rows

    # -- saving ------------------------------------------------------------------------------
    def _save_package(self, again: bool = False) -> None:
        lang = self.lang
        self._conflict.layout.display = "none"
        try:
            package = self._service.build(self._form(), self._parts, lang)
        except FormProblems as exc:
            self._show_problems(exc)
            self._say("studio", "packages.not_saved", n=len(exc.problems))
            return
        self._show_problems(None)
        name = self._opened.row.name if self._opened else None
        try:
            rev = self._service.save(package, self._base, name)
        except Conflict as exc:
            if not again:
                fields = ", ".join(t(f"packages.field.{c.item_id}", lang) for c in exc.clashes)
                self._conflict.layout.display = ""
                self._say("studio", "packages.conflict", who=who_saved(exc.saved_by, self._service.person, lang),
                          fields=fields)
                return
            rev = self._service.save(package, exc.head, name)
        row = self._service.open(self._service.organisation_id, rev.document).row
        self._compose(row)
        self._say("studio", "packages.merged" if rev.merged else "packages.saved", n=rev.number)

    def _take_theirs(self) -> None:
        row = self._opened.row if self._opened else None
        self._compose(row)
        self._say("studio", "packages.reloaded")

    def _draw_history(self) -> None:
        lang = self.lang
        if self._opened is None:
            self._history.layout.display = "none"
            return
        history = list(reversed(self._service.history(self._opened.row.name)))
        options = [(t("packages.revision", lang, n=h.number, who=h.author, when=moment(h.saved_at, lang)), h.number)
                   for h in history[1:]]
        self._revisions.options = options
        self._history.layout.display = "" if options else "none"

    def _restore_revision(self) -> None:
        number = self._revisions.value
        if not number or self._opened is None:
            return
        new = self._service.restore(self._opened.row.name, number)
        self._compose(self._opened.row)
        self._say("studio", "packages.restored", n=number, new=new)

    def _show_problems(self, exc: FormProblems | None) -> None:
        found = dict(exc.by_field) if exc else {}
        for name, field in self._fields.items():
            field.say(found.get(name, ""))
        self._parts_field.say(found.get("parts", ""))

    # -- the optimiser's ideas ------------------------------------------------------------------
    def _find_ideas(self) -> None:
        """Ask the optimiser for packages in the months and theme chosen, and list them."""
        lang = self.lang
        self._ideas.children = []
        self._say("ideas", "")
        try:
            found, notes = self._service.suggestions([m for m, b in self._months.items() if b.value],
                                                     self._theme.value or "", lang)
        except NoSuggestion as exc:
            self._ideas_status.value = part("para", str(exc), css="klynge-message", role="status")
            return
        cards = []
        for i, idea in enumerate(found):
            text = snippet(_TEMPLATE, "idea", i + 1, list(zip(idea.titles, (self._service.name(o) for o in
                                                                             idea.part_organisations))),
                           months_text(idea.months, lang), money(idea.price, idea.currency, lang),
                           [r.text(lang) for r in idea.reasons], [r.text(lang) for r in idea.binding],
                           idea.status(lang), lang)
            draft = w.Button(description=t("packages.draft", lang), layout=w.Layout(width="auto"))
            draft.add_class("klynge-packages-draft")
            draft.on_click(lambda _b, x=idea: self._work("studio", self._draft, x))
            card = w.VBox([w.HTML(text), draft])
            card.add_class("klynge-package-card")
            cards.append(card)
        self._ideas.children = cards
        self._ideas_status.value = part("para", " ".join(notes), css="klynge-fac-muted") if notes else ""

    def _draft(self, idea) -> None:
        """Open a new package in the studio made of the idea's parts, to change and save."""
        known = {p.id: p for p in self._service.offers()}
        title = " + ".join(idea.titles)
        self._compose(None)
        self._known.update({i: known[i] for i in idea.offer_ids if i in known})
        self._fill(idea.to_package(title if len(title) <= 120 else title[:119] + "…"))
        self._say("studio", "packages.drafted")

    # -- texts and the poster -------------------------------------------------------------------
    def _where(self) -> str:
        return "studio" if self._studio.layout.display != "none" else "reader"

    def _make_file(self, what: str) -> None:
        """Make the package's texts or poster (as saved, or as typed in the studio) and send it as a download."""
        if self._where() == "studio":
            try:
                package = self._service.build(self._form(), self._parts, self.lang)
            except FormProblems as exc:
                self._show_problems(exc)
                self._say("studio", "packages.not_made", n=len(exc.problems))
                return
        else:
            package = self._opened.row.package
        name, data, mime = self._service.download(package, self._known, what, self.lang)
        self._download.send_file(name, data, mime)
        self._say(self._where(), "packages.made", file=name)

    # -- reading another member's package, and answering ---------------------------------------
    def _read(self, owner_id: int, name: str) -> None:
        lang = self.lang
        try:
            self._opened = self._service.open(owner_id, name)
        except NotFound:
            self._say("list", "packages.gone_package")
            self._shut()
            return
        row, parts = self._opened.row, self._opened.parts
        self._known.update(parts)
        p = row.package
        self._read_title.value = snippet(_TEMPLATE, "summary", p.title, row.owner, " · ".join(
            x for x in (months_text(p.months, lang), t("packages.days", lang, n=p.days or 1),
                        t("packages.party", lang, n=p.guests)) if x), lang)
        self._read_agreement.value = self._agreement_html(row)
        items = [(c.day, parts[c.offer_id].offer.title if c.offer_id in parts else
                  t("packages.unknown_offer", lang, id=c.offer_id), self._service.name(c.organisation_id))
                 for c in p.components]
        self._read_body.value = snippet(_TEMPLATE, "view", p.description, items, lang)
        self._read_checks.value = _checks_html(self._service.check(p, parts, lang, seller=row.owner_id), lang)
        mine = row.agreement.accepted.get(self._service.organisation_id) or row.agreement.withdrawn.get(
            self._service.organisation_id)
        self._reason.value = mine.reason if mine is not None else ""
        if mine is not None and mine.revision < row.revision:  # the answer still counts; say it is older
            self._say("reader", "packages.changed_since", answered=mine.revision, now=row.revision)
        self._reason_field.say("")
        self._studio.layout.display = "none"
        self._reader.layout.display = self._files_box.layout.display = ""
        self._lists.layout.display = self._new.layout.display = "none"
        self._relabel()

    def _answer(self, accept: bool) -> None:
        row = self._opened.row
        try:
            self._service.answer(row.owner_id, row.name, row.revision, accept=accept, reason=self._reason.value,
                                 lang=self.lang)
        except FormProblems as exc:
            self._reason_field.say(next(iter(exc.by_field.values()), ""))
            self._say("reader", "packages.say_why")
            return
        self._read(row.owner_id, row.name)
        self._say("reader", "packages.accepted" if accept else "packages.withdrawn")

    # -- messages and language ------------------------------------------------------------------
    def _say(self, where: str, key: str, **values) -> None:
        self._said[where] = (key, values)
        self._show_said()

    def _show_said(self) -> None:
        for where, widget in (("list", self._list_status), ("studio", self._status), ("reader", self._read_status),
                              ("ideas", self._ideas_status)):
            key, values = self._said.get(where, ("", {}))
            widget.value = _status(key, values, self.lang)

    def _work(self, where: str, action: Callable, *args, **kwargs) -> None:
        self._busy.run(partial(self._say, where), action, *args, **kwargs)

    @tr.observe("lang")
    def _on_lang(self, _change) -> None:
        self._relabel()
        self._draw_lists()
        if self._studio.layout.display != "none":
            self._draw_parts()
            self._find()

    def _relabel(self) -> None:
        lang = self.lang
        self._head.value = part("heading", 1, t("packages.title", lang), t("packages.intro", lang))
        self._new.description = t("packages.new", lang)
        editing = self._opened is not None and self._opened.row.mine
        self._studio_title.value = part("heading", 2, t("packages.edit_title" if editing else "packages.new_heading",
                                                        lang))
        self._agreement.value = self._agreement_html(self._opened.row) if editing else ""
        for widget, key in ((self._title, "title"), (self._description, "description"),
                            (self._segment, "target_segment"), (self._theme, "theme"), (self._days, "days"),
                            (self._guests, "guests"), (self._visibility, "visibility"),
                            (self._arrival_from, "arrival_from"), (self._arrival_mode, "arrival_mode")):
            widget.description = t(f"packages.field.{key}", lang)
        self._segment.placeholder = t("packages.segment_hint", lang)
        self._arrival_from.placeholder = t("packages.arrival_hint", lang)
        self._ready.description = t("packages.ready", lang)
        self._months_label.value = part("field_label", t("packages.field.months", lang),
                                        t("packages.months_help", lang))
        names = t("batch.months", lang).split(",")
        for m, b in self._months.items():
            b.description = b.tooltip = capital(names[m - 1])
        self._filling = True
        try:
            relabel_options(self._arrival_mode, [(t(f"packages.mode.{m}", lang), m) for m in TRAVEL_MODES])
            relabel_options(self._theme, [(t("packages.theme.none", lang), "")] +
                            [(t(f"packages.theme.{x}", lang), x) for x in THEMES])
            relabel_options(self._visibility, [(t(f"packages.visibility.{v}", lang), v)
                                               for v in ("cluster", "public", "private")])
            any_ = t("partners.page.any", lang)
            relabel_options(self._kind, [(any_, "")] + [(capital(t(f"batch.offer.{k}", lang)), k)
                                                        for k in OFFER_KINDS])
            relabel_options(self._place, [(any_, "")] + self._places())
            relabel_options(self._month, [(any_, 0)] + [(capital(names[m - 1]), m) for m in CALENDAR])
            for box in (self._theme, self._visibility, self._kind, self._place, self._month):
                if box.value is None and box.options:  # a dropdown without a choice shows nothing: "all"
                    box.value = box.options[0][1]
        finally:
            self._filling = False
        self._parts_title.value = part("heading", 3, t("packages.parts", lang), t("packages.parts_help", lang),
                                       intro_css="klynge-fac-muted")
        self._finder_title.value = part("heading", 3, t("packages.finder", lang), t("packages.finder_help", lang),
                                        intro_css="klynge-fac-muted")
        labels = {"packages.kind": (self._kind,), "packages.place": (self._place,), "packages.month": (self._month,),
                  "packages.search": (self._search,), "packages.save": (self._save,),
                  "packages.close": (self._close, self._read_close), "profile.keep_mine": (self._keep,),
                  "profile.take_theirs": (self._theirs,), "packages.history": (self._revisions,),
                  "packages.restore": (self._restore,), "packages.reason": (self._reason,),
                  "packages.accept": (self._accept,), "packages.withdraw": (self._withdraw,)}
        for key, widgets in labels.items():
            for widget in widgets:
                widget.description = t(key, lang)
        self._reason.placeholder = t("packages.reason_hint", lang)
        self._ideas_title.value = part("heading", 3, t("packages.ideas", lang), t("packages.ideas_help", lang),
                                       intro_css="klynge-fac-muted")
        self._suggest.description = t("packages.suggest", lang)
        self._files_title.value = part("heading", 3, t("packages.files", lang), t("packages.files_help", lang),
                                       intro_css="klynge-fac-muted")
        for what, button in self._files.items():
            button.description = t(f"packages.file.{what}", lang)
        for box in (self._kind, self._place, self._month, self._search, self._theme, self._visibility, self._days,
                    self._guests, self._title, self._segment, self._revisions, self._arrival_from,
                    self._arrival_mode):
            box.style.description_width = "initial"
        self._show_said()

    def _places(self) -> list[tuple[str, str]]:
        try:
            return self._service.places()
        except Exception:
            log.exception("the offers' places could not be read")
            return []


def _editable(comp: PackageComponent) -> dict:
    """A part as the studio edits it: the component's fields, the margin as text."""
    data = comp.model_dump(mode="json")
    data["margin_percent"] = str(comp.margin_percent.normalize()) if comp.margin_percent else "0"
    return data


def _margin(typed: str) -> Decimal:
    """A margin as typed, for the checks: 0 until it is a number of per cent (saving says what is wrong)."""
    found = parse_amount(typed)
    return found if found is not None and 0 <= found <= 100 else Decimal(0)


def _checks_html(found: list[Check], lang: str) -> str:
    order = {"error": 0, "warning": 1, "info": 2}
    return snippet(_TEMPLATE, "checks", [(c.severity, c.text) for c in sorted(found, key=lambda c: order[c.severity])],
                   lang)

