"""The profile step: the organisation's data, its offers, and its low-season picture, in one page.

The page holds the organisation's form (name, description, organisation number, municipality
and a pin on the :class:`~klynge.widgets.map_picker.MapPicker`, phase, certifications, needs
and sub-clusters), the :class:`~klynge.widgets.offer_form.OfferForm` with the offers, and a
picture of how much of the offers' capacity falls in the low season. It is handed a
:class:`~klynge.widgets.profile_service.ProfileService`; all it knows of the store is what the
service returns. Every problem with what the person typed is shown beside the field, in their
language; what they typed stays in the form until it is saved or they choose to load someone
else's newer version. Unsaved input is also kept in the browser (:class:`~klynge.widgets.drafts.Drafts`)
and put back after a reload. Nothing here shows a traceback: unexpected errors are logged and the page
says, in plain words, that nothing was saved.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable

import ipywidgets as w
import traitlets as tr

from ..formatting import day
from ..i18n import t
from ..model import PHASES
from ..templating import part, snippet
from .drafts import DraftNotice, Drafts, Filling
from .map_picker import MapPicker
from .offer_form import OfferForm
from .profile_form import Busy, Field, attempt, capital, months_text, relabel_options, status_html, tick
from .profile_service import FormProblems, Profile, ProfileService, season_png

__all__ = ["MapPicker", "ProfilePage"]

log = logging.getLogger(__name__)

_TEMPLATE = "widgets/profile.html.j2"


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
        self._said: tuple[str, dict] = ("", {})
        self._problems_shown = False
        self._cert_names: dict = {}
        self._busy = Busy()
        self._filling = Filling()  # the form is being filled from the store: not the person's input
        self._drafts = Drafts(service.draft_key("profile"), self._restore_org)
        self._notice = DraftNotice(self._discard_org, lang)
        self._offers = OfferForm(service, lang, busy=self._busy)
        self._offers.on_read(self._adopt)
        self._offers.on_change(self._render_season)
        self._build()
        self.lang = lang
        self.refresh()

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
        self._centre.on_click(lambda _b: self._work(self._use_centre))
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
            "name": Field(self._name, name="name"), "description": Field(self._description, name="description"),
            "orgnr": Field(self._orgnr, name="orgnr"), "municipality": Field(self._municipality, name="municipality"),
            "place": Field(self._place_label, self._map, self._centre, name="place"),
            "phase": Field(self._phase, name="phase"),
            "certifications": Field(self._certs_label, self._certs_box, name="certifications"),
            "needs": Field(self._needs, name="needs"),
            "subclusters": Field(self._subs_label, self._subs_box, name="subclusters"),
        }
        self._save = w.Button(button_style="primary")
        self._save.add_class("klynge-profile-save")
        self._save.on_click(lambda _b: self._work(self._save_org))
        self._status = w.HTML()
        self._status.add_class("klynge-profile-status")
        self._keep_mine, self._take_theirs = w.Button(button_style="primary"), w.Button()
        self._keep_mine.add_class("klynge-profile-keep-mine")
        self._take_theirs.add_class("klynge-profile-take-theirs")
        self._keep_mine.on_click(lambda _b: self._work(self._save_org, again=True))
        self._take_theirs.on_click(lambda _b: self._work(self._take_org))
        self._conflict = w.HBox([self._keep_mine, self._take_theirs])
        self._conflict.add_class("klynge-profile-conflict")
        self._conflict.layout.display = "none"
        self._org_title = w.HTML()
        actions = w.HBox([self._save, self._status])
        actions.add_class("klynge-profile-actions")
        org = w.VBox([self._org_title, self._notice, *self._org_fields.values(), actions, self._conflict])
        org.add_class("klynge-card")
        org.add_class("klynge-profile-org")

        self._season_title, self._season = w.HTML(), w.HTML()
        self._season.add_class("klynge-profile-season")
        season = w.VBox([self._season_title, self._season])
        season.add_class("klynge-card")
        season.add_class("klynge-profile-season-card")
        self._research_title, self._research_state = w.HTML(), w.HTML()
        self._research = w.Checkbox(indent=False)
        self._research.add_class("klynge-profile-research-consent")
        self._research.observe(self._on_research, "value")
        research = w.VBox([self._research_title, self._research, self._research_state])
        research.add_class("klynge-card")
        research.add_class("klynge-profile-research")
        side = w.VBox([self._offers, season, research])
        side.add_class("klynge-profile-side")
        grid = w.Box([org, side])
        grid.add_class("klynge-profile-grid")
        self.children = [self._head, grid, self._drafts]
        self._busy.add(self._save, self._keep_mine, self._take_theirs, self._centre)
        for widget in (self._name, self._orgnr, self._description, self._needs, self._municipality, self._phase):
            widget.observe(self._track, "value")
        self._map.observe(self._track, ["lat", "lon"])

    # -- reading --------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the profile (again, when the page is shown again); what the person typed and did not save stays."""
        try:
            self._load()
        except Exception:
            log.exception("the profile could not be read")
            self._say("profile.error")
        self._relabel()

    def _load(self) -> None:
        typed = self._profile is not None and self._org_form() != self._loaded
        self._read()
        if not typed:
            self._base = self._profile.version
            self._fill_org()
        self._offers.show(self._profile)
        self._render_season()
        self._show_research(self._service.research_consent())

    def _read(self) -> None:
        """Read the profile from the store; the offer form goes on from it too."""
        self._profile = self._offers.profile = self._service.load()

    def _adopt(self, profile: Profile) -> None:
        """Go on from the profile the offer form read (the organisation's form keeps its base version)."""
        self._profile = profile

    def _fill_org(self) -> None:
        with self._filling:
            self._fill_org_fields()
        self._loaded = self._org_form()
        self._track()

    def _fill_org_fields(self) -> None:
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
        for box in self._certs.values():
            box.observe(self._track, "value")
        subs = self._service.subclusters()
        self._subs = {s.slug: w.Checkbox(value=s.slug in org.subclusters, indent=False, description=s.name)
                      for s in subs}
        self._subs_box.children = list(self._subs.values())
        for box in self._subs.values():
            box.observe(self._track, "value")
        for field in self._org_fields.values():
            field.say("")
        self._problems_shown = False

    def _org_form(self) -> dict:
        return {"name": self._name.value, "description": self._description.value, "orgnr": self._orgnr.value,
                "municipality": self._municipality.value, "lat": self._map.lat, "lon": self._map.lon,
                "phase": self._phase.value, "needs": self._needs.value,
                "certifications": [k for k, box in self._certs.items() if box.value],
                "subclusters": [k for k, box in self._subs.items() if box.value]}

    # -- unsaved input, kept in the browser ----------------------------------------------------
    def _track(self, _change=None) -> None:
        """Hand the form's unsaved input (with the version it started from) to the browser's copy."""
        if self._filling or self._profile is None:
            return
        form = self._org_form()
        self._drafts.keep({"base": self._base, "form": form} if form != self._loaded else None)
        if form == self._loaded:
            self._notice.show(False)

    def _restore_org(self, found: dict) -> bool:
        """Put input kept from an earlier visit into the form, unless something is typed here already."""
        form, base = found.get("form"), found.get("base")
        if self._profile is None or self._service.readonly or not isinstance(form, dict) or not isinstance(base, int):
            return False
        if self._org_form() != self._loaded or {**self._loaded, **form} == self._loaded:
            return False
        with self._filling:
            for name in ("name", "orgnr", "description", "needs"):
                getattr(self, f"_{name}").value = str(form.get(name, getattr(self, f"_{name}").value))
            if form.get("municipality") in {code for _label, code in self._municipality.options}:
                self._municipality.value = form["municipality"]
            if form.get("phase") in PHASES:
                self._phase.value = form["phase"]
            self._map.lat, self._map.lon = form.get("lat", self._map.lat), form.get("lon", self._map.lon)
            for key, boxes in (("certifications", self._certs), ("subclusters", self._subs)):
                tick(boxes, form.get(key, [name for name, box in boxes.items() if box.value]))
        self._base = base  # saving from there: what others saved since shows as a conflict
        self._notice.show()
        self._track()
        return True

    def _discard_org(self) -> None:
        """Drop the kept input: the form shows what is stored."""
        self._read()
        self._base = self._profile.version
        self._fill_org()
        self._drafts.forget()
        self._say("")

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

        if not attempt(save, again=again, conflict=self._conflict, conflict_key="profile.conflict",
                       rebase=lambda head: setattr(self, "_base", head), show_problems=self._show_problems,
                       say=self._say, lang=self.lang, me=self._service.person):
            return
        self._show_problems(None)
        self._read()  # the form shows what was stored (numbers in their stored form)
        self._base = self._profile.version
        self._fill_org()
        self._notice.show(False)
        self._say("profile.saved")
        self._relabel()
        self._render_season()

    def _take_org(self) -> None:
        self._read()
        self._base = self._profile.version
        self._fill_org()
        self._conflict.layout.display = "none"
        self._notice.show(False)
        self._say("profile.reloaded")
        self._relabel()

    def _show_problems(self, exc: FormProblems | None) -> None:
        found = dict(exc.by_field) if exc else {}
        found.setdefault("place", found.pop("lat", "") or found.pop("lon", ""))  # the pin's coordinates: one field
        for name, field in self._org_fields.items():
            field.say(found.get(name, ""))
        self._problems_shown = exc is not None

    # -- the low season -------------------------------------------------------------------
    def _render_season(self) -> None:
        lang, org = self.lang, self._profile.organisation
        season = self._service.season([o.value for o in self._profile.offers], org.municipality)
        share = t("profile.season_share", lang, share=season.percent)
        area = t("profile.season_area", lang, area=season.area, share=season.area_percent) if season.area else ""
        if season.empty:
            self._season.value = snippet(_TEMPLATE, "season", share, area, "", "", "", lang)
            return
        idle = (t("profile.season_idle", lang, months=months_text(list(season.idle), lang))
                if season.idle else "")
        alt = " ".join(x for x in (t("profile.season_alt", lang), share + ".", area + "." if area else "") if x)
        data = base64.b64encode(season_png(season, lang)).decode()
        self._season.value = snippet(_TEMPLATE, "season", share, area, idle, data, alt, lang)

    # -- research use of the shared notes --------------------------------------------------
    def _show_research(self, consent) -> None:
        self._consent = consent
        with self._filling:
            self._research.value = bool(consent and consent.consented)
        self._research.disabled = not self._service.may_consent
        self._relabel_research()

    def _on_research(self, change) -> None:
        if self._filling or self._profile is None:
            return
        self._work(lambda: self._show_research(self._service.set_research_consent(bool(change["new"]))))

    def _relabel_research(self) -> None:
        lang, consent = self.lang, getattr(self, "_consent", None)
        self._research_title.value = part("heading", 2, t("profile.research", lang), t("profile.research_intro", lang),
                                          intro_css="klynge-muted")
        self._research.description = t("profile.research_consent", lang)
        if consent is None:
            state = t("profile.research_none", lang)
        else:
            key = "profile.research_given" if consent.consented else "profile.research_withdrawn"
            state = t(key, lang, person=consent.given_by_name, day=day(consent.given_at, lang))
        self._research_state.value = part("para", f"{t('profile.research_help', lang)} {state}", css="klynge-muted")

    # -- messages and language ------------------------------------------------------------
    def _say(self, key: str, **values) -> None:
        self._said = (key, values)
        self._status.value = status_html(key, values, self.lang)

    def _work(self, action: Callable, *args, **kwargs) -> None:
        """Run a button's work with the page's buttons disabled; a failure is logged and said in plain words."""
        self._busy.run(self._say, action, *args, **kwargs)

    @tr.observe("lang")
    def _on_lang(self, _change) -> None:
        self._offers.lang = self.lang
        self._notice.relabel(self.lang)
        self._relabel()
        if self._profile is not None:
            try:
                self._render_season()
            except Exception:
                log.exception("the low-season picture could not be drawn")
        if self._problems_shown:  # say them again in the new language
            try:
                self._service.check_organisation(self._profile.organisation, self._org_form(), self.lang)
            except FormProblems as exc:
                self._show_problems(exc)

    def _relabel(self) -> None:
        lang = self.lang
        self._head.value = part("heading", 1, t("nav.profile", lang), t("profile.intro", lang))
        self._org_title.value = part("heading", 2, t("profile.organisation", lang))
        for widget, field in ((self._name, "name"), (self._orgnr, "orgnr"), (self._description, "description"),
                              (self._needs, "needs"), (self._municipality, "municipality"), (self._phase, "phase")):
            widget.description = t(f"field.{field}", lang)
        self._needs.placeholder = t("profile.needs_hint", lang)
        self._description.placeholder = t("profile.description_hint", lang)
        self._orgnr.placeholder = t("profile.orgnr_hint", lang)
        self._place_label.value = part("field_label", t("profile.place", lang), t("profile.place_help", lang))
        self._map.labels = {"help": t("profile.map_help", lang), "position": t("profile.position", lang),
                            "none": t("profile.no_position", lang)}
        self._centre.description = t("profile.use_centre", lang)
        relabel_options(self._phase, [(capital(t(f"batch.phase.{p}", lang)), p) for p in PHASES])
        self._certs_label.value = part("field_label", t("field.certifications", lang))
        for cid, box in self._certs.items():
            box.description = self._cert_names[cid].get(lang)
        self._subs_label.value = part("field_label", t("field.subclusters", lang))
        self._save.description = t("profile.save", lang)
        self._keep_mine.description = t("profile.keep_mine", lang)
        self._take_theirs.description = t("profile.take_theirs", lang)
        self._season_title.value = part("heading", 2, t("profile.season", lang), t("profile.season_intro", lang),
                                        intro_css="klynge-muted")
        self._status.value = status_html(*self._said, lang)
        self._relabel_research()
