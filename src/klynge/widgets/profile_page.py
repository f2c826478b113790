"""The profile step: the organisation's data, its offers, and its low-season picture.

The page is handed a :class:`~klynge.widgets.profile_service.ProfileService`; all it knows of the
store is what the service returns. Every problem with what the person typed is shown beside the
field, in their language; what they typed stays in the form until it is saved or they choose to
load someone else's newer version. Nothing here shows a traceback: unexpected errors are logged
and the page says, in plain words, that nothing was saved.
"""

from __future__ import annotations

import base64
import logging
import math
from collections.abc import Callable
from html import escape

import anywidget
import ipywidgets as w
import traitlets as tr

from .. import resources
from ..errors import AccessDenied, Conflict, NotFound
from ..i18n import t
from ..model import CURRENCIES, LANGUAGE_CODES, OFFER_KINDS, PHASES, TRENDS, Offer
from .profile_service import CALENDAR, FormProblems, Profile, ProfileService, season_png

__all__ = ["MapPicker", "ProfilePage"]

log = logging.getLogger(__name__)

#: The part of the map the picker draws: Trøndelag and Jämtland Härjedalen, with a margin.
BOUNDS = {"south": 61.4, "north": 65.6, "west": 8.0, "east": 16.9}
#: The Norway-Sweden border through the region, approximately (lat, lon), south to north.
BORDER = [[61.4, 12.3], [62.0, 12.25], [62.3, 12.15], [62.6, 12.2], [62.9, 12.1], [63.3, 12.1], [63.6, 12.4],
          [63.9, 12.9], [64.2, 13.7], [64.5, 14.1], [64.9, 14.1], [65.3, 14.4], [65.6, 14.5]]
_ORG_FIELDS = ("name", "description", "orgnr", "municipality", "place", "phase", "certifications", "needs",
               "subclusters")
_OFFER_FIELDS = ("title", "description", "kind", "municipality", "months", "capacity_per_day", "price",
                 "duration_hours", "languages", "trend")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _amount(amount) -> str:
    """A price as a person would write it: ``450`` or ``450.50``."""
    return str(int(amount)) if amount == amount.to_integral_value() else f"{amount:.2f}"


def months_text(months: list[int], lang: str) -> str:
    """Months as runs in the programme's order, e.g. ``Okt–Des, Feb``."""
    names = t("batch.months", lang).split(",")
    chosen = [m for m in CALENDAR if m in set(months)]
    runs: list[list[int]] = []
    for m in chosen:
        if runs and CALENDAR.index(m) == CALENDAR.index(runs[-1][-1]) + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    return ", ".join(names[r[0] - 1] if len(r) == 1 else f"{names[r[0] - 1]}–{names[r[-1] - 1]}" for r in runs)


class MapPicker(anywidget.AnyWidget):
    """A light map of the region: the reference municipalities as dots and a pin to place.

    The pin moves with a click or the arrow keys (Shift for longer steps). The browser may move
    the pin; whatever it sends is clamped to the region, and the profile checks it again on saving.
    """

    _esm = resources.path("widgets", "profile", "map.js")
    _css = resources.path("widgets", "profile", "map.css")

    lat = tr.Float(None, allow_none=True, help="latitude of the pin, or None").tag(sync=True)
    lon = tr.Float(None, allow_none=True, help="longitude of the pin, or None").tag(sync=True)
    places = tr.List(tr.Dict(), help="the dots: code, name, lat, lon").tag(sync=True)
    selected = tr.Unicode("", help="the code of the chosen municipality").tag(sync=True)
    labels = tr.Dict(help="help, position and none, in the current language").tag(sync=True)
    bounds = tr.Dict(BOUNDS, help="south, north, west, east of the drawing").tag(sync=True)
    border = tr.List(BORDER, help="the national border as (lat, lon) points").tag(sync=True)

    @tr.validate("lat", "lon")
    def _inside(self, proposal):
        value = proposal["value"]
        if value is None:
            return None
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            raise tr.TraitError("a coordinate is a finite number")
        lo, hi = (BOUNDS["south"], BOUNDS["north"]) if proposal["trait"].name == "lat" else \
            (BOUNDS["west"], BOUNDS["east"])
        return round(min(hi, max(lo, float(value))), 4)


class _Field(w.VBox):
    """An input with the message that explains what is wrong with it."""

    def __init__(self, *inputs: w.Widget, name: str):
        self.error = w.HTML()
        self.error.add_class("klynge-profile-error")
        super().__init__([*inputs, self.error])
        self.add_class("klynge-profile-field")
        self.add_class(f"klynge-profile-{name}")

    def say(self, message: str) -> None:
        self.error.value = f'<span role="alert">{escape(message)}</span>' if message else ""
        (self.add_class if message else self.remove_class)("klynge-profile-invalid")


def _toggles(values, cls: str) -> tuple[dict, w.Box]:
    buttons = {v: w.ToggleButton(value=False) for v in values}
    for v, b in buttons.items():
        b.add_class(f"{cls}-{v}")
    box = w.Box(list(buttons.values()))
    box.add_class(cls)
    return buttons, box


class ProfilePage(w.VBox):
    """The organisation's profile, its offers and its low-season picture, in one page."""

    lang = tr.Unicode("nb")

    def __init__(self, service: ProfileService, lang: str = "nb"):
        super().__init__()
        self.add_class("klynge-profile")
        self._service = service
        self._profile: Profile | None = None
        self._base = 0  # the profile version the form started from
        self._loaded: dict = {}  # the form as loaded, to tell typed changes apart
        self._editing: int | None = None  # the offer being edited (None: a new one)
        self._offer_base: int | None = None
        self._offer_open = False
        self._offer_loaded: dict = {}
        self._said: dict[str, tuple[str, dict]] = {}
        self._shown_problems: set[str] = set()  # forms whose problems are on screen: "org", "offer"
        self._removing: int | None = None
        self._cert_names: dict = {}
        self._build()
        self.lang = lang
        try:
            self._load()
        except Exception:
            log.exception("the profile could not be read")
            self._say("org", "profile.error")
        self._relabel()

    # -- building -------------------------------------------------------------------------
    def _build(self) -> None:
        self._head = w.HTML()
        self._name, self._orgnr = w.Text(), w.Text()
        self._description, self._needs = w.Textarea(rows=4), w.Textarea(rows=3)
        self._municipality = w.Dropdown()
        self._municipality.observe(self._on_municipality, "value")
        self._map = MapPicker()
        self._centre = w.Button(icon="crosshairs")
        self._centre.add_class("klynge-profile-centre")
        self._centre.on_click(lambda _b: self._work("org", self._use_centre))
        self._place_label = w.HTML()
        self._phase = w.Dropdown()
        self._certs: dict[str, w.Checkbox] = {}
        self._certs_box = w.Box()
        self._certs_box.add_class("klynge-profile-checks")
        self._subs: dict[str, w.Checkbox] = {}
        self._subs_box = w.Box()
        self._subs_box.add_class("klynge-profile-checks")
        self._certs_label, self._subs_label = w.HTML(), w.HTML()
        self._org_fields = {
            "name": _Field(self._name, name="name"), "description": _Field(self._description, name="description"),
            "orgnr": _Field(self._orgnr, name="orgnr"), "municipality": _Field(self._municipality, name="municipality"),
            "place": _Field(self._place_label, self._map, self._centre, name="place"),
            "phase": _Field(self._phase, name="phase"),
            "certifications": _Field(self._certs_label, self._certs_box, name="certifications"),
            "needs": _Field(self._needs, name="needs"),
            "subclusters": _Field(self._subs_label, self._subs_box, name="subclusters"),
        }
        self._save = w.Button(button_style="primary")
        self._save.add_class("klynge-profile-save")
        self._save.on_click(lambda _b: self._work("org", self._save_org))
        self._status = w.HTML()
        self._status.add_class("klynge-profile-status")
        self._keep_mine, self._take_theirs = w.Button(button_style="primary"), w.Button()
        self._keep_mine.add_class("klynge-profile-keep-mine")
        self._take_theirs.add_class("klynge-profile-take-theirs")
        self._keep_mine.on_click(lambda _b: self._work("org", self._save_org, again=True))
        self._take_theirs.on_click(lambda _b: self._work("org", self._take_org))
        self._conflict = w.HBox([self._keep_mine, self._take_theirs])
        self._conflict.add_class("klynge-profile-conflict")
        self._conflict.layout.display = "none"
        self._org_title = w.HTML()
        actions = w.HBox([self._save, self._status])
        actions.add_class("klynge-profile-actions")
        org = w.VBox([self._org_title, *self._org_fields.values(), actions, self._conflict])
        org.add_class("klynge-card")
        org.add_class("klynge-profile-org")

        self._offers_title, self._offer_list = w.HTML(), w.VBox()
        self._offer_list.add_class("klynge-profile-offers")
        self._add = w.Button(icon="plus")
        self._add.add_class("klynge-profile-add")
        self._add.on_click(lambda _b: self._work("offers", self._open_offer, None))
        self._offers_status = w.HTML()
        self._offers_status.add_class("klynge-profile-status")
        self._form = self._build_offer_form()
        offers = w.VBox([self._offers_title, self._offer_list, self._offers_status, self._add, self._form])
        offers.add_class("klynge-card")
        offers.add_class("klynge-profile-offers-card")

        self._season_title, self._season = w.HTML(), w.HTML()
        self._season.add_class("klynge-profile-season")
        season = w.VBox([self._season_title, self._season])
        season.add_class("klynge-card")
        season.add_class("klynge-profile-season-card")
        side = w.VBox([offers, season])
        side.add_class("klynge-profile-side")
        grid = w.Box([org, side])
        grid.add_class("klynge-profile-grid")
        self.children = [self._head, grid]

    def _build_offer_form(self) -> w.VBox:
        self._o_title, self._o_description = w.Text(), w.Textarea(rows=3)
        self._o_kind, self._o_municipality, self._o_trend = w.Dropdown(), w.Dropdown(), w.Dropdown()
        self._o_months, months_box = _toggles(CALENDAR, "klynge-profile-month")
        months_box.add_class("klynge-profile-months")
        self._o_months_label = w.HTML()
        self._o_capacity = w.IntText(value=10)
        self._o_price = w.Text(placeholder="450")
        self._o_currency = w.Dropdown(options=list(CURRENCIES))
        self._o_vat = w.Checkbox(value=True, indent=False)
        price = w.HBox([self._o_price, self._o_currency, self._o_vat])
        price.add_class("klynge-profile-price")
        self._o_duration = w.FloatText(value=2.0, step=0.5)
        self._o_languages, languages_box = _toggles(LANGUAGE_CODES, "klynge-profile-language")
        languages_box.add_class("klynge-profile-languages")
        self._o_languages_label = w.HTML()
        self._offer_fields = {
            "title": _Field(self._o_title, name="o-title"),
            "description": _Field(self._o_description, name="o-description"),
            "kind": _Field(self._o_kind, name="o-kind"),
            "municipality": _Field(self._o_municipality, name="o-municipality"),
            "months": _Field(self._o_months_label, months_box, name="o-months"),
            "capacity_per_day": _Field(self._o_capacity, name="o-capacity"),
            "price": _Field(price, name="o-price"),
            "duration_hours": _Field(self._o_duration, name="o-duration"),
            "languages": _Field(self._o_languages_label, languages_box, name="o-languages"),
            "trend": _Field(self._o_trend, name="o-trend"),
        }
        self._form_title = w.HTML()
        self._o_save = w.Button(button_style="primary")
        self._o_save.add_class("klynge-profile-save-offer")
        self._o_save.on_click(lambda _b: self._work("offer", self._save_offer))
        self._o_cancel = w.Button()
        self._o_cancel.add_class("klynge-profile-cancel-offer")
        self._o_cancel.on_click(lambda _b: self._work("offer", self._close_offer))
        self._o_status = w.HTML()
        self._o_status.add_class("klynge-profile-status")
        self._o_keep, self._o_theirs = w.Button(button_style="primary"), w.Button()
        self._o_keep.on_click(lambda _b: self._work("offer", self._save_offer, again=True))
        self._o_theirs.on_click(lambda _b: self._work("offer", self._take_offer))
        self._o_conflict = w.HBox([self._o_keep, self._o_theirs])
        self._o_conflict.add_class("klynge-profile-conflict")
        self._o_conflict.layout.display = "none"
        actions = w.HBox([self._o_save, self._o_cancel, self._o_status])
        actions.add_class("klynge-profile-actions")
        form = w.VBox([self._form_title, *self._offer_fields.values(), actions, self._o_conflict])
        form.add_class("klynge-profile-offer-form")
        form.layout.display = "none"
        return form

    # -- reading --------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the profile again (the page is shown again); what the person typed and did not save stays."""
        try:
            self._load()
        except Exception:
            log.exception("the profile could not be read again")
            self._say("org", "profile.error")
        self._relabel()

    def _load(self) -> None:
        typed = self._profile is not None and self._org_form() != self._loaded
        self._profile = self._service.load()
        if not typed:
            self._base = self._profile.version
            self._fill_org()
        self._render_offers()
        self._render_season()

    def _fill_org(self) -> None:
        org = self._profile.organisation
        places = self._service.municipalities(org.country)
        options = [(m.name, m.code) for m in places]
        if org.municipality not in {m.code for m in places}:
            options.append((org.municipality, org.municipality))
        self._municipality.options = options
        self._map.places = [{"code": m.code, "name": m.name, "lat": m.lat, "lon": m.lon}
                            for m in self._service.municipalities()]
        self._name.value, self._orgnr.value = org.name, org.orgnr
        self._description.value, self._needs.value = org.description, org.needs
        self._municipality.value = org.municipality
        self._map.lat, self._map.lon = org.lat, org.lon
        self._map.selected = org.municipality
        self._phase.options = [(v, v) for v in PHASES]
        self._phase.value = org.phase
        certs = self._service.certifications(org.country, org.certifications)
        self._certs = {c.id: w.Checkbox(value=c.id in org.certifications, indent=False) for c in certs}
        self._cert_names = {c.id: c.name for c in certs}
        self._certs_box.children = list(self._certs.values())
        subs = self._service.subclusters()
        self._subs = {s.slug: w.Checkbox(value=s.slug in org.subclusters, indent=False, description=s.name)
                      for s in subs}
        self._subs_box.children = list(self._subs.values())
        for field in self._org_fields.values():
            field.say("")
        self._shown_problems.discard("org")
        self._loaded = self._org_form()

    def _org_form(self) -> dict:
        return {"name": self._name.value, "description": self._description.value, "orgnr": self._orgnr.value,
                "municipality": self._municipality.value, "lat": self._map.lat, "lon": self._map.lon,
                "phase": self._phase.value, "needs": self._needs.value,
                "certifications": [k for k, box in self._certs.items() if box.value],
                "subclusters": [k for k, box in self._subs.items() if box.value]}

    def _on_municipality(self, change) -> None:
        self._map.selected = change["new"] or ""

    def _use_centre(self) -> None:
        code = self._municipality.value
        found = next((m for m in self._service.municipalities() if m.code == code), None)
        if found is not None:
            self._map.lat, self._map.lon = found.centre_lat, found.centre_lon

    # -- the organisation ---------------------------------------------------------------
    def _save_org(self, again: bool = False) -> None:
        def save() -> None:
            self._service.save_organisation(self._profile.organisation, self._org_form(), self._base, self.lang)

        if not self._attempt("org", save, self._conflict, "profile.conflict", again,
                             lambda head: setattr(self, "_base", head)):
            return
        self._show_problems("org", None)
        self._profile = self._service.load()  # the form shows what was stored (numbers in their stored form)
        self._base = self._profile.version
        self._fill_org()
        self._say("org", "profile.saved")
        self._relabel()
        self._render_season()

    def _attempt(self, where: str, save: Callable[[], None], conflict: w.Widget, conflict_key: str, again: bool,
                 rebase: Callable[[int], None]) -> bool:
        """Run a save; say its problems or its conflict. True when it went through.

        ``again`` is the person's choice to save their version over one saved in between:
        the save is made once more from the version now current.
        """
        conflict.layout.display = "none"
        while True:
            try:
                save()
                return True
            except FormProblems as exc:
                self._show_problems(where, exc)
                self._say(where, "profile.not_saved", n=len(exc.problems))
                return False
            except Conflict as exc:
                if not again:
                    conflict.layout.display = ""
                    self._say(where, conflict_key, who=", ".join(exc.saved_by) or t("board.someone", self.lang))
                    return False
                rebase(exc.head)
                again = False

    def _take_org(self) -> None:
        self._profile = self._service.load()
        self._base = self._profile.version
        self._fill_org()
        self._conflict.layout.display = "none"
        self._say("org", "profile.reloaded")
        self._relabel()

    def _show_problems(self, form: str, exc: FormProblems | None) -> None:
        fields = self._org_fields if form == "org" else self._offer_fields
        found = dict(exc.by_field) if exc else {}
        if form == "org":  # the pin's two coordinates are one field on screen
            found.setdefault("place", found.pop("lat", "") or found.pop("lon", ""))
        for name, field in fields.items():
            field.say(found.get(name, ""))
        (self._shown_problems.add if exc else self._shown_problems.discard)(form)

    # -- offers ---------------------------------------------------------------------------
    def _render_offers(self) -> None:
        lang = self.lang
        rows = []
        for item in self._profile.offers:
            offer: Offer = item.value
            vat = t("profile.vat_yes" if offer.price.vat_included else "profile.vat_no", lang)
            text = (f"<div class='klynge-profile-offer-title'><b>{escape(offer.title)}</b>"
                    f" · {escape(t('batch.offer.' + offer.kind, lang))}</div>"
                    f"<div class='klynge-muted'>{escape(months_text(offer.months, lang))} · "
                    f"{escape(t('profile.per_day', lang, n=offer.capacity_per_day))} · "
                    f"{escape(_amount(offer.price.amount))} "
                    f"{escape(offer.price.currency)} {escape(vat)}</div>")
            edit = w.Button(description=t("profile.edit", lang))
            remove = w.Button(description=t("profile.remove", lang))
            edit.tooltip = t("profile.edit_offer", lang, title=offer.title)
            remove.tooltip = t("profile.remove_offer", lang, title=offer.title)
            edit.add_class("klynge-profile-edit")
            remove.add_class("klynge-profile-remove")
            edit.on_click(lambda _b, oid=offer.id: self._work("offers", self._open_offer, oid))
            remove.on_click(lambda _b, oid=offer.id: self._work("offers", self._ask_remove, oid))
            parts: list[w.Widget] = [w.HTML(text)]
            if self._removing == offer.id:
                yes, no = w.Button(description=t("profile.remove_yes", lang), button_style="danger"), \
                    w.Button(description=t("board.cancel", lang))
                yes.add_class("klynge-profile-remove-yes")
                yes.on_click(lambda _b, oid=offer.id, v=item.version: self._work("offers", self._remove, oid, v))
                no.on_click(lambda _b: self._work("offers", self._ask_remove, None))
                confirm = w.HTML(f"<span role='alert'>{escape(t('profile.remove_confirm', lang, title=offer.title))}"
                                 "</span>")
                buttons = w.HBox([confirm, yes, no])
                buttons.add_class("klynge-profile-confirm")
            else:
                buttons = w.HBox([edit, remove])
            buttons.add_class("klynge-profile-offer-actions")
            parts.append(buttons)
            row = w.VBox(parts)
            row.add_class("klynge-profile-offer")
            rows.append(row)
        if not rows:
            rows = [w.HTML(f"<p class='klynge-empty'>{escape(t('profile.no_offers', lang))}</p>")]
        self._offer_list.children = rows

    def _ask_remove(self, offer_id: int | None) -> None:
        self._removing = offer_id
        self._render_offers()

    def _remove(self, offer_id: int, version: int) -> None:
        self._removing = None
        try:
            self._service.remove_offer(offer_id, version)
            self._say("offers", "profile.offer_removed")
        except Conflict as exc:
            self._say("offers", "profile.remove_conflict", who=", ".join(exc.saved_by) or t("board.someone", self.lang))
        except NotFound:
            self._say("offers", "profile.offer_gone")
        self._reload_offers()

    def _reload_offers(self) -> None:
        self._profile = self._service.load()
        self._render_offers()
        self._render_season()

    def _open_offer(self, offer_id: int | None) -> None:
        org = self._profile.organisation
        found = next((o for o in self._profile.offers if o.value.id == offer_id), None)
        self._editing, self._offer_base = (offer_id, found.version) if found else (None, None)
        offer = found.value if found else None
        places = self._service.municipalities(org.country) + [m for m in self._service.municipalities()
                                                               if m.country != org.country]
        options = [(m.name, m.code) for m in places]
        code = offer.municipality if offer else org.municipality
        if code not in {c for _n, c in options}:
            options.append((code, code))
        self._o_municipality.options = options
        self._o_municipality.value = code
        self._o_title.value = offer.title if offer else ""
        self._o_description.value = offer.description if offer else ""
        self._o_kind.value = offer.kind if offer else OFFER_KINDS[0]
        for m, b in self._o_months.items():
            b.value = bool(offer and m in offer.months)
        self._o_capacity.value = offer.capacity_per_day if offer else 10
        self._o_price.value = _amount(offer.price.amount) if offer else ""
        self._o_currency.value = offer.price.currency if offer else ("SEK" if org.country == "SE" else "NOK")
        self._o_vat.value = offer.price.vat_included if offer else True
        self._o_duration.value = offer.duration_hours if offer else 2.0
        chosen = set(offer.languages) if offer else {"sv" if org.country == "SE" else "nb"}
        for code_, b in self._o_languages.items():
            b.value = code_ in chosen
        self._o_trend.value = offer.trend if offer else "stable"
        self._show_problems("offer", None)
        self._o_conflict.layout.display = "none"
        self._said.pop("offer", None)
        self._form.layout.display = ""
        self._add.layout.display = "none"
        self._offer_open = True
        self._offer_loaded = self._offer_form()
        self._relabel()

    def _offer_form(self) -> dict:
        return {"title": self._o_title.value, "description": self._o_description.value, "kind": self._o_kind.value,
                "municipality": self._o_municipality.value,
                "months": [m for m, b in self._o_months.items() if b.value],
                "capacity_per_day": self._o_capacity.value, "price_amount": self._o_price.value,
                "currency": self._o_currency.value, "vat_included": self._o_vat.value,
                "duration_hours": self._o_duration.value,
                "languages": [c for c, b in self._o_languages.items() if b.value], "trend": self._o_trend.value}

    def _save_offer(self, again: bool = False) -> None:
        def save() -> None:
            self._service.save_offer(self._offer_form(), self.lang, self._editing, self._offer_base)

        try:
            if not self._attempt("offer", save, self._o_conflict, "profile.offer_conflict", again,
                                 lambda head: setattr(self, "_offer_base", head)):
                return
        except NotFound:
            self._say("offer", "profile.offer_gone")
            self._editing, self._offer_base = None, None
            return
        self._close_offer()
        self._say("offers", "profile.offer_saved")
        self._reload_offers()

    def _take_offer(self) -> None:
        self._profile = self._service.load()
        self._open_offer(self._editing)

    def _close_offer(self) -> None:
        self._form.layout.display = "none"
        self._add.layout.display = ""
        self._offer_open = False
        self._editing = self._offer_base = None
        self._show_problems("offer", None)
        self._said.pop("offer", None)
        self._o_status.value = ""

    # -- the low season -------------------------------------------------------------------
    def _render_season(self) -> None:
        lang, org = self.lang, self._profile.organisation
        season = self._service.season([o.value for o in self._profile.offers], org.municipality)
        share = t("profile.season_share", lang, share=season.percent)
        area = t("profile.season_area", lang, area=season.area, share=season.area_percent) if season.area else ""
        if season.empty:
            self._season.value = (f"<p class='klynge-profile-share'>{escape(share)}</p>"
                                  f"<p class='klynge-empty'>{escape(t('profile.season_empty', lang))}</p>")
            return
        idle = (t("profile.season_idle", lang, months=months_text(list(season.idle), lang))
                if season.idle else "")
        alt = " ".join(x for x in (t("profile.season_alt", lang), share + ".", area + "." if area else "") if x)
        data = base64.b64encode(season_png(season, lang)).decode()
        self._season.value = (
            f"<figure class='klynge-profile-figure'><img src='data:image/png;base64,{data}' alt='{escape(alt)}'>"
            f"<figcaption><p class='klynge-profile-share'>{escape(share)}</p>"
            + (f"<p>{escape(area)}</p>" if area else "")
            + (f"<p>{escape(idle)}</p>" if idle else "")
            + f"<p class='klynge-muted'>{escape(t('profile.season_key', lang))}</p></figcaption></figure>")

    # -- messages and language ------------------------------------------------------------
    def _say(self, where: str, key: str, **values) -> None:
        self._said[where] = (key, values)
        self._show_said()

    def _show_said(self) -> None:
        targets = {"org": self._status, "offers": self._offers_status, "offer": self._o_status}
        for where, widget in targets.items():
            key, values = self._said.get(where, ("", {}))
            bad = key in ("profile.not_saved", "profile.error", "profile.conflict", "profile.offer_conflict",
                          "profile.remove_conflict", "profile.offer_gone", "profile.denied")
            widget.value = (f"<span role='status' class='{'klynge-message' if bad else 'klynge-profile-ok'}'>"
                            f"{escape(t(key, self.lang, **values))}</span>") if key else ""

    def _work(self, where: str, action: Callable, *args, **kwargs) -> None:
        """Run a button's work with the buttons disabled; a failure is logged and said in plain words."""
        buttons = [self._save, self._o_save, self._add, self._keep_mine, self._take_theirs, self._o_keep,
                   self._o_theirs, self._centre]
        for b in buttons:
            b.disabled = True
        try:
            action(*args, **kwargs)
        except AccessDenied:
            log.warning("profile: refused a change the person may not make")
            self._say(where, "profile.denied")
        except Exception:
            log.exception("profile: %s failed", getattr(action, "__name__", "an action"))
            self._say(where, "profile.error")
        finally:
            for b in buttons:
                b.disabled = False

    @tr.observe("lang")
    def _on_lang(self, _change) -> None:
        self._relabel()
        if self._profile is not None:
            self._render_offers()
            try:
                self._render_season()
            except Exception:
                log.exception("the low-season picture could not be drawn")
        for form in list(self._shown_problems):
            self._recheck(form)

    def _recheck(self, form: str) -> None:
        """Say the problems on screen again in the new language."""
        try:
            if form == "org":
                self._service.check_organisation(self._profile.organisation, self._org_form(), self.lang)
            else:
                self._service.check_offer(self._offer_form(), self.lang)
        except FormProblems as exc:
            self._show_problems(form, exc)

    def _relabel(self) -> None:
        lang = self.lang
        self._head.value = f"<h1>{escape(t('nav.profile', lang))}</h1><p>{escape(t('profile.intro', lang))}</p>"
        self._org_title.value = f"<h2>{escape(t('profile.organisation', lang))}</h2>"
        for widget, field in ((self._name, "name"), (self._orgnr, "orgnr"), (self._description, "description"),
                              (self._needs, "needs"), (self._municipality, "municipality"), (self._phase, "phase"),
                              (self._o_title, "title"), (self._o_description, "description"),
                              (self._o_kind, "kind"), (self._o_municipality, "municipality"),
                              (self._o_capacity, "capacity_per_day"), (self._o_price, "price"),
                              (self._o_duration, "duration_hours"), (self._o_trend, "trend")):
            widget.description = t(f"field.{field}", lang)
        self._needs.placeholder = t("profile.needs_hint", lang)
        self._description.placeholder = t("profile.description_hint", lang)
        self._orgnr.placeholder = t("profile.orgnr_hint", lang)
        self._place_label.value = (f"<div class='klynge-profile-label'>{escape(t('profile.place', lang))}</div>"
                                   f"<div class='klynge-muted'>{escape(t('profile.place_help', lang))}</div>")
        self._map.labels = {"help": t("profile.map_help", lang), "position": t("profile.position", lang),
                            "none": t("profile.no_position", lang)}
        self._centre.description = t("profile.use_centre", lang)
        self._relabel_options(self._phase, [(_capital(t(f"batch.phase.{p}", lang)), p) for p in PHASES])
        self._certs_label.value = f"<div class='klynge-profile-label'>{escape(t('field.certifications', lang))}</div>"
        for cid, box in self._certs.items():
            box.description = self._cert_names[cid].get(lang)
        self._subs_label.value = f"<div class='klynge-profile-label'>{escape(t('field.subclusters', lang))}</div>"
        self._save.description = t("profile.save", lang)
        self._keep_mine.description = t("profile.keep_mine", lang)
        self._take_theirs.description = t("profile.take_theirs", lang)
        self._offers_title.value = f"<h2>{escape(t('profile.offers', lang))}</h2>"
        self._add.description = t("profile.add_offer", lang)
        title = t("profile.edit_title" if self._editing else "profile.new_offer", lang)
        self._form_title.value = f"<h3>{escape(title)}</h3>"
        self._relabel_options(self._o_kind, [(_capital(t(f"batch.offer.{k}", lang)), k) for k in OFFER_KINDS])
        self._relabel_options(self._o_trend, [(_capital(t(f"batch.trend.{k}", lang)), k) for k in TRENDS])
        names = t("batch.months", lang).split(",")
        self._o_months_label.value = (f"<div class='klynge-profile-label'>{escape(t('field.months', lang))}</div>"
                                      f"<div class='klynge-muted'>{escape(t('profile.months_help', lang))}</div>")
        for m, b in self._o_months.items():
            b.description = b.tooltip = _capital(names[m - 1])
        self._o_languages_label.value = f"<div class='klynge-profile-label'>{escape(t('field.languages', lang))}</div>"
        for code, b in self._o_languages.items():
            b.description = t(f"profile.language.{code}", lang)
            b.tooltip = b.description
        self._o_vat.description = t("field.vat_included", lang)
        self._o_currency.description = t("field.currency", lang)
        self._o_price.placeholder = t("profile.price_hint", lang)
        self._o_save.description = t("profile.save_offer", lang)
        self._o_cancel.description = t("board.cancel", lang)
        self._o_keep.description = t("profile.keep_mine", lang)
        self._o_theirs.description = t("profile.take_theirs", lang)
        self._season_title.value = (f"<h2>{escape(t('profile.season', lang))}</h2>"
                                    f"<p class='klynge-muted'>{escape(t('profile.season_intro', lang))}</p>")
        self._show_said()

    @staticmethod
    def _relabel_options(dropdown: w.Dropdown, options: list[tuple[str, str]]) -> None:
        value = dropdown.value
        dropdown.options = options
        if value in {v for _label, v in options}:
            dropdown.value = value
