"""The facilitator's "Events" page: the kick-off, workshops, courses and meetings, who comes, who came.

:class:`EventsPage` is handed an :class:`~klynge.widgets.events_service.EventsService`. The
facilitator creates or edits an event (kind, title, start and end, an online link and/or a venue
at a member or a municipality's centre, agenda, materials one per line as ``title | link``), reads
the list of events, and for the event chosen: who signed up (and who of them is beyond the hour
from a physical venue), and an attendance report from Zoom or Teams to upload, with the people it
matched and each row it did not, to resolve to a person or dismiss. HTML comes from the macros
of ``widgets/events.html.j2``, where every value is escaped.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import ipywidgets as w
from traitlets import Unicode, observe

from ..errors import DataError, KlyngeError, ValidationError
from ..formatting import moment
from ..i18n import t
from ..model.event import EVENT_KINDS, local
from ..store import AttendanceImport, StoredEvent
from ..templating import part, snippet
from .events_service import EventsService
from .facilitator_style import style
from .maturity_page import attempt
from .members_page import _choose as choose

__all__ = ["EventsPage", "duration", "materials_text", "parse_materials", "when"]

log = logging.getLogger(__name__)

_TEMPLATE = "widgets/events.html.j2"

STYLE = """
.klynge-events .klynge-events-form .widget-text,.klynge-events .klynge-events-form .widget-textarea,
.klynge-events .klynge-events-form .widget-dropdown,.klynge-events .klynge-events-form .widget-datetimepicker{
 width:100%;max-width:40rem;flex-wrap:wrap}
.klynge-events .klynge-events-form textarea{min-height:5rem}
.klynge-events .klynge-events-form input[type=datetime-local]{min-width:14rem;min-height:38px;padding:4px 8px;
 font-size:1rem;border:1px solid #c9c4b8;border-radius:6px;background:#fff}
.klynge-events-unmatched .klynge-fac-row{align-items:center;flex-wrap:wrap;gap:6px;border-top:1px solid #ddd;
 padding:6px 0}
.klynge-events-unmatched .widget-dropdown{max-width:100%}
.klynge-events-table td.kind{overflow-wrap:normal;word-break:normal;white-space:nowrap}
/* the upload button writes "label (0)": its own text is hidden and the label (its title) shown */
.klynge-events .klynge-events-upload{font-size:0!important;width:auto;max-width:100%}
.klynge-events .klynge-events-upload i{font-size:1rem}
.klynge-events .klynge-events-upload::after{content:attr(title);font-size:1rem;margin-left:.4em}
.klynge-events-past td{color:#555}
"""

VENUES = ("online", "member", "municipality")


def when(event, lang: str) -> str:
    """The event's start and end as the language writes them (the end's time only, the same day)."""
    start, end = local(event.starts_at), local(event.ends_at)
    tail = end.strftime("%H:%M") if end.date() == start.date() else moment(end, lang)
    return f"{moment(start, lang)}–{tail}"


def duration(minutes: float, lang: str) -> str:
    """Minutes spent at an event: ``45 min``, or ``5 t 25 min`` from an hour on."""
    whole = round(minutes)
    if whole < 60:
        return t("events.minutes", lang, n=whole)
    if whole % 60 == 0:
        return t("events.hours", lang, h=whole // 60)
    return t("events.duration", lang, h=whole // 60, m=whole % 60)


def parse_materials(text: str) -> list[dict]:
    """Materials typed one per line as ``title | link`` (a bare link is its own title)."""
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        title, _, url = line.rpartition("|") if "|" in line else (line, "", line)
        rows.append({"title": title.strip() or url.strip(), "url": url.strip()})
    return rows


def materials_text(materials) -> str:
    return "\n".join(f"{m.title} | {m.url}" for m in materials)


def _wide() -> w.Layout:
    return w.Layout(width="100%", max_width="40rem")


def _named(widget: w.Widget, css: str) -> w.Widget:
    """``widget`` with the class ``css`` (tests and the browser find it by that)."""
    widget.add_class(css)
    return widget


class EventsPage(w.VBox):
    """Events: a form, the list, and for the event chosen who signed up and its attendance."""

    lang = Unicode("nb")

    def __init__(self, service: EventsService, now=lambda: datetime.now().astimezone()):
        super().__init__()
        self.add_class("klynge-events")
        self.add_class("klynge-fac")
        self._service, self._now = service, now
        self._rows: list[StoredEvent] = []
        self._editing: tuple[int, int] | None = None  # (event id, the version the edit started from)
        self.result: AttendanceImport | None = None
        self._head = w.HTML()
        self._form_head = w.HTML()
        self._kind = _named(w.Dropdown(options=list(EVENT_KINDS), value="workshop", layout=_wide()),
                            "klynge-events-kind")
        self._title = _named(w.Text(layout=_wide()), "klynge-events-title")
        self._starts = _named(w.NaiveDatetimePicker(layout=_wide()), "klynge-events-starts")
        self._ends = _named(w.NaiveDatetimePicker(layout=_wide()), "klynge-events-ends")
        self._link = _named(w.Text(layout=_wide(), placeholder="https://"), "klynge-events-link")
        self._venue_kind = _named(w.Dropdown(options=list(VENUES), value="online", layout=_wide()),
                                  "klynge-events-venue-kind")
        self._venue_kind.observe(lambda _c: self._show_venue(), "value")
        self._member = _named(w.Dropdown(options=[], layout=_wide()), "klynge-events-member")
        self._municipality = _named(w.Dropdown(options=[], layout=_wide()), "klynge-events-municipality")
        self._venue_text = _named(w.Text(layout=_wide()), "klynge-events-venue-text")
        self._agenda = _named(w.Textarea(layout=_wide()), "klynge-events-agenda")
        self._materials = _named(w.Textarea(layout=_wide()), "klynge-events-materials")
        self._save = _named(w.Button(button_style="primary"), "klynge-events-save")
        self._save.on_click(lambda _b: self.save())
        self._new = _named(w.Button(), "klynge-events-new")
        self._new.on_click(lambda _b: self.new())
        buttons = w.HBox([self._save, self._new])
        buttons.add_class("klynge-fac-row")
        self._status = _named(w.HTML(), "klynge-events-status")
        form = w.VBox([self._form_head, self._kind, self._title, self._starts, self._ends, self._venue_kind,
                       self._member, self._municipality, self._venue_text, self._link, self._agenda,
                       self._materials, buttons, self._status])
        form.add_class("klynge-fac-section")
        form.add_class("klynge-events-form")
        self._list_head = w.HTML()
        self._list = _named(w.HTML(), "klynge-events-list")
        self._pick = _named(w.Dropdown(options=[], layout=_wide()), "klynge-events-pick")
        self._pick.observe(lambda _c: self._draw_event(), "value")
        self._edit = _named(w.Button(), "klynge-events-edit")
        self._edit.on_click(lambda _b: self._pick.value is not None and self.edit(self._pick.value))
        self._remove = _named(w.Button(button_style="warning"), "klynge-events-remove")
        self._remove.on_click(lambda _b: self._pick.value is not None and self.remove(self._pick.value))
        pick = w.HBox([self._pick, self._edit, self._remove])
        pick.add_class("klynge-fac-row")
        listing = w.VBox([self._list_head, self._list, pick])
        listing.add_class("klynge-fac-section")
        self._people = _named(w.HTML(), "klynge-events-people-box")
        self._upload_head = w.HTML()
        self._upload = _named(w.FileUpload(accept=".csv,.txt,text/csv", multiple=False), "klynge-events-upload")
        self._upload.observe(self._on_upload, "value")
        self._result = _named(w.HTML(), "klynge-events-result")
        self._unmatched = _named(w.VBox(), "klynge-events-unmatched")
        details = w.VBox([self._people, self._upload_head, self._upload, self._result, self._unmatched])
        details.add_class("klynge-fac-section")
        details.add_class("klynge-events-details")
        self._details = details
        self.children = [style(), style(STYLE), self._head, listing, details, form]
        self.refresh()
        self.new()

    # -- reading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the events, the members and the people again."""
        try:
            self._service.refresh()
            self._rows = self._service.events()
            self._choices = self._service.choices()
            choose(self._member, self._service.members())
            choose(self._municipality, self._service.municipalities())
        except Exception:
            log.exception("the events could not be read")
            self._rows, self._choices = [], []
            self._say(t("page.error.body", self.lang), problem=True)
        self._relabel()

    def _chosen(self) -> StoredEvent | None:
        return next((e for e in self._rows if e.id == self._pick.value), None)

    # -- the form --------------------------------------------------------------------------
    def values(self) -> dict:
        """The form as the service takes it."""
        kind = self._venue_kind.value
        return {"kind": self._kind.value, "title": self._title.value, "starts_at": self._starts.value,
                "ends_at": self._ends.value, "online_url": self._link.value.strip(),
                "venue_organisation_id": self._member.value if kind == "member" else None,
                "venue_municipality": self._municipality.value if kind == "municipality" else None,
                "venue_text": self._venue_text.value if kind != "online" else "",
                "agenda": self._agenda.value, "materials": parse_materials(self._materials.value)}

    def save(self) -> None:
        """Save the event in the form (new, or the edit of the one chosen); say what happened beside it."""
        lang = self.lang

        def save() -> None:
            values = self.values()
            for field in ("starts_at", "ends_at"):
                if values[field] is None:
                    raise ValidationError([(t(f"field.{field}", lang), t("error.missing", lang))])
            editing = self._editing
            stored = self._service.save(values, lang, event_id=editing and editing[0],
                                        base_version=editing and editing[1])
            self._editing = (stored.id, stored.version)
            self._rows = self._service.events()
            self._pick.value = None
            self._relabel()
            self._pick.value = stored.id
            self._say(t("events.saved", lang, title=stored.event.title))

        attempt(self._save, self._say, save, lang, "events.conflict", "saving an event")

    def edit(self, event_id: int) -> None:
        """Put an event in the form; saving then adds a version on top of the one shown."""
        stored = next((e for e in self._rows if e.id == event_id), None)
        if stored is None:
            return
        e = stored.event
        self._editing = (stored.id, stored.version)
        self._kind.value = e.kind
        self._title.value = e.title
        self._starts.value = local(e.starts_at).replace(tzinfo=None)
        self._ends.value = local(e.ends_at).replace(tzinfo=None)
        self._link.value = e.online_url
        self._venue_kind.value = ("member" if e.venue_organisation_id is not None else
                                  "municipality" if e.venue_municipality is not None else "online")
        if e.venue_organisation_id is not None:
            self._member.value = e.venue_organisation_id
        if e.venue_municipality is not None:
            self._municipality.value = e.venue_municipality
        self._venue_text.value = e.venue_text
        self._agenda.value = e.agenda
        self._materials.value = materials_text(e.materials)
        self._status.value = ""
        self._relabel()

    def new(self) -> None:
        """Leave an edit: the form adds a new event (next week, 09:00 to 12:00, at first)."""
        self._editing = None
        start = (self._now() + timedelta(days=7)).replace(hour=9, minute=0, second=0, microsecond=0, tzinfo=None)
        self._starts.value, self._ends.value = start, start.replace(hour=12)
        self._title.value = self._link.value = self._venue_text.value = self._agenda.value = ""
        self._materials.value = ""
        self._kind.value, self._venue_kind.value = "workshop", "online"
        self._relabel()

    def remove(self, event_id: int) -> None:
        lang = self.lang

        def remove() -> None:
            self._service.remove(event_id)
            if self._editing and self._editing[0] == event_id:
                self._editing = None
            self._rows = self._service.events()
            self._relabel()
            self._say(t("events.removed", lang))

        attempt(self._remove, self._say, remove, lang, "events.conflict", "removing an event")

    def _say(self, text: str, problem: bool = False) -> None:
        self._status.value = part("para", text, css="klynge-message" if problem else "klynge-fac-ok",
                                  role="alert" if problem else "status")

    # -- attendance ------------------------------------------------------------------------
    def _on_upload(self, change) -> None:
        files = change["new"]
        if not files:
            return
        item = files[0]
        try:
            self.import_file(bytes(item["content"]), item["name"])
        finally:
            self._upload.value = ()

    def import_file(self, data: bytes, name: str) -> None:
        """Import an attendance report for the event chosen and show what it matched and what is left."""
        lang, stored = self.lang, self._chosen()
        if stored is None:
            return
        try:
            self.result = self._service.import_attendance(stored.id, data, name)
            self._rows = self._service.events()
            self._result.value = snippet(_TEMPLATE, "imported", self.result, name, lang)
        except DataError as exc:
            log.info("an attendance report was refused: %s", exc)
            self._result.value = part("para", t("events.import.bad", lang, problem=str(exc)), css="klynge-message",
                                      role="alert")
        except KlyngeError as exc:
            log.info("an attendance report was not imported: %s", exc)
            text = "; ".join(m for _f, m in exc.problems) if hasattr(exc, "problems") else str(exc)
            self._result.value = part("para", text, css="klynge-message", role="alert")
        except Exception:
            log.exception("an attendance report could not be imported")
            self._result.value = part("para", t("page.error.body", lang), css="klynge-message", role="alert")
        self._draw_list()
        self._draw_event(keep_result=True)

    def resolve(self, unmatched_id: int, person_id: int | None) -> None:
        if person_id is None:
            self._result.value = part("para", t("events.choose_first", self.lang), css="klynge-message", role="alert")
            return
        self._act(lambda: self._service.resolve(unmatched_id, person_id), "resolving")

    def dismiss(self, unmatched_id: int) -> None:
        self._act(lambda: self._service.dismiss(unmatched_id), "dismissing")

    def _act(self, action, what: str) -> None:
        try:
            action()
        except KlyngeError as exc:
            log.info("%s an unmatched row was refused: %s", what, exc)
            self._result.value = part("para", str(exc), css="klynge-message", role="alert")
        except Exception:
            log.exception("%s an unmatched row failed", what)
            self._result.value = part("para", t("page.error.body", self.lang), css="klynge-message", role="alert")
        self._rows = self._service.events()
        self._draw_list()
        self._draw_event(keep_result=True)

    # -- drawing ---------------------------------------------------------------------------
    @observe("lang")
    def _on_lang(self, _change) -> None:
        self._relabel()

    def _show_venue(self) -> None:
        kind = self._venue_kind.value
        self._member.layout.display = None if kind == "member" else "none"
        self._municipality.layout.display = None if kind == "municipality" else "none"
        self._venue_text.layout.display = None if kind != "online" else "none"

    def _relabel(self) -> None:
        lang = self.lang
        self._head.value = part("heading", 1, t("events.title", lang), t("events.intro", lang))
        self._form_head.value = part("heading", 2, t("events.form.edit" if self._editing else "events.form.new", lang))
        kind = self._kind.value
        self._kind.options = [(t(f"events.kind.{k}", lang), k) for k in EVENT_KINDS]
        self._kind.value = kind
        venue = self._venue_kind.value
        self._venue_kind.options = [(t(f"events.venue.{k}", lang), k) for k in VENUES]
        self._venue_kind.value = venue
        for box, key in ((self._kind, "events.kind"), (self._title, "field.title"), (self._starts, "field.starts_at"),
                         (self._ends, "field.ends_at"), (self._link, "field.online_url"),
                         (self._venue_kind, "events.place"), (self._member, "field.venue_organisation_id"),
                         (self._municipality, "field.venue_municipality"), (self._venue_text, "field.venue_text"),
                         (self._agenda, "field.agenda"), (self._materials, "field.materials"),
                         (self._pick, "events.pick")):
            box.description = t(key, lang)
            box.style.description_width = "initial"
        self._materials.placeholder = t("events.materials_help", lang)
        self._save.description = t("events.save_edit" if self._editing else "events.save", lang)
        self._new.description = t("events.new", lang)
        self._new.layout.display = None if self._editing else "none"
        self._edit.description = t("events.edit", lang)
        self._remove.description = t("events.remove", lang)
        self._list_head.value = part("heading", 2, t("events.list", lang))
        self._upload_head.value = part("heading", 3, t("events.import.title", lang), t("events.import.help", lang),
                                       intro_css="klynge-fac-muted")
        self._upload.description = self._upload.tooltip = t("events.import.button", lang)
        self._show_venue()
        self._draw_list()
        self._draw_event()

    def _draw_list(self) -> None:
        lang, now = self.lang, self._now()
        rows = [{"title": e.event.title, "when": when(e.event, lang), "kind": t(f"events.kind.{e.event.kind}", lang),
                 "place": self._place(e, lang), "signed": e.signed_up, "attended": e.attended,
                 "past": e.event.ends_at < now} for e in self._rows]
        self._list.value = snippet(_TEMPLATE, "listing", rows, lang)
        choose(self._pick, [(f"{e.event.title} · {when(e.event, lang)}", e.id) for e in self._rows])
        self._edit.disabled = self._remove.disabled = not self._rows

    def _place(self, stored: StoredEvent, lang: str) -> str:
        e = stored.event
        parts = [self._service.venue(e, lang).name] if e.physical else []
        if e.online_url:
            parts.append(t("events.online", lang))
        return " + ".join(parts)

    def _draw_event(self, keep_result: bool = False) -> None:
        lang, stored = self.lang, self._chosen()
        self._details.layout.display = None if stored is not None else "none"
        if not keep_result:
            self._result.value = ""
        if stored is None:
            self._unmatched.children = []
            return
        try:
            people = self._service.people(stored.id)
            far = {f.person_id: f for f in self._service.beyond_the_hour(stored.id)} if stored.event.physical else {}
            unmatched = self._service.unmatched(stored.id)
        except Exception:
            log.exception("the people of event %s could not be read", stored.id)
            self._people.value = part("para", t("page.error.body", lang), css="klynge-message", role="alert")
            return
        signed = [p for p in people if p.signed_up_at is not None]
        rows = [{"name": p.name, "organisation": p.organisation,
                 "signed": t("events.yes", lang) if p.signed_up_at else "–",
                 "attended": duration(p.attended_minutes, lang)
                 if p.attended_minutes is not None else "",
                 "far": t("events.minutes", lang, n=round(far[p.person_id].minutes))
                 if p.person_id in far and far[p.person_id].minutes != float("inf") else
                 (t("events.no_route", lang) if p.person_id in far else "")} for p in people]
        names = [f"{f.name} · {f.organisation} · " + (t("events.minutes", lang, n=round(f.minutes))
                                                     if f.minutes != float("inf") else t("events.no_route", lang))
                 for f in far.values()]
        title = t("events.people_title", lang, title=stored.event.title, n=len(signed))
        self._people.value = snippet(_TEMPLATE, "people", title, rows, names, stored.event.physical, bool(signed),
                                     lang)
        self._unmatched.children = [self._unmatched_widget(u) for u in unmatched]

    def _unmatched_widget(self, row) -> w.Widget:
        lang = self.lang
        label = w.HTML(snippet(_TEMPLATE, "unmatched_row", row, lang))
        person = w.Dropdown(options=[(t("events.choose_person", lang), 0), *self._choices], value=0,
                            layout=w.Layout(width="auto", max_width="100%"))
        person.add_class("klynge-events-person")
        auto = w.Layout(width="auto", max_width="100%")
        resolve = w.Button(description=t("events.resolve", lang), button_style="primary", layout=auto)
        resolve.add_class("klynge-events-resolve")
        resolve.on_click(lambda _b: self.resolve(row.id, person.value or None))
        dismiss = w.Button(description=t("events.dismiss", lang), layout=w.Layout(width="auto"))
        dismiss.add_class("klynge-events-dismiss")
        dismiss.on_click(lambda _b: self.dismiss(row.id))
        box = w.HBox([label, person, resolve, dismiss])
        box.add_class("klynge-fac-row")
        return box
