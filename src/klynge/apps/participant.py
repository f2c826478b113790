"""The participant app: home, profile, canvases, SDGs, partners, packages, exports and invitations, in one kernel.

An invitee (invited to register an organisation, with none yet) sees only the registration page.

``notebooks/apps/participant.ipynb`` calls :func:`app`. Everything the app shows comes from the
store through the session's identity, which the browser can neither see nor change.
"""

from __future__ import annotations

import logging

import ipywidgets as w

from .. import reference
from ..canvases import default_registry
from ..errors import KeyRejected, KlyngeError
from ..i18n import t
from ..progress import CANVASES, canvas_progress, profile_progress
from ..templating import part
from ..widgets.canvases_page import CanvasesPage
from ..widgets.coherence import LAYERS, CoherenceView, Layer
from ..widgets.home import HomePage, HomeSummary, StepCard
from ..widgets.shell import Page, Shell
from .session import AppSession, open_session

__all__ = ["ParticipantApp", "app"]

log = logging.getLogger(__name__)


class ParticipantApp:
    """Builds the participant's pages from a session; holds no state the browser could change."""

    def __init__(self, session: AppSession):
        self.session = session
        self.registry = default_registry(tuple(session.settings.template_dirs))
        who = session.identity
        self.organisation_id = who.organisation_id
        pages = [Page("home", "nav.home", self._home)]
        if who.role == "invitee":  # invited to register an organisation: nothing else until they have
            pages = [Page("register", "nav.register", self._registration)]
        elif self.organisation_id is not None:
            pages += [Page("profile", "nav.profile", self._profile),
                      Page("canvases", "nav.canvases", self._canvases),
                      Page("sdg", "nav.sdg", self._sdg),
                      Page("partners", "nav.partners", self._partners),
                      Page("packages", "nav.packages", self._packages),
                      Page("library", "nav.library", self._library),
                      Page("invite", "nav.invite", self._invite),
                      Page("events", "nav.events", self._events),
                      Page("workshop", "workshop.nav", self._workshop),
                      Page("concepts", "concept.nav", self._concepts),
                      Page("lessons", "lesson.nav", self._lessons),
                      Page("hours", "hours.nav", self._hours),
                      Page("exports", "nav.exports", self._exports)]
        banner = "sandbox.banner" if session.settings.sandbox else ""
        self.shell = Shell(pages, who=who.name, lang=session.lang, banner=banner)

    # -- home ---------------------------------------------------------------------------
    def _home(self) -> HomePage:
        return HomePage(self.summary, self.open)

    def open(self, target: str) -> None:
        """Open a step, or one canvas of the canvases step (``"canvases:social_layer"``)."""
        self.shell.go(target.replace(":", "/"))  # one step in the browser's history, not two

    def summary(self) -> HomeSummary:
        """What the home page shows, freshly read."""
        store, who = self.session.store, self.session.identity
        if self.organisation_id is None:
            return HomeSummary(person=who.name, role=who.role)
        org = store.organisation(who, self.organisation_id).value
        try:
            place = reference.municipality(org.municipality).name
        except KlyngeError:
            place = org.municipality
        from ..widgets.sdg_service import SdgService

        offers = [o.value for o in store.offers(who, self.organisation_id)]
        sdg = SdgService(store, who, self.organisation_id, registry=self.registry)
        steps = [StepCard("nav.profile", profile_progress(org, offers), "profile")]
        for template_id in CANVASES:
            template = self.registry.get(template_id)
            doc, _ = store.canvas(who, self.organisation_id, template_id)
            progress = canvas_progress(template_id, [b.id for b in template.blocks], doc)
            steps.append(StepCard(f"canvas.{template_id}", progress, f"canvases:{template_id}"))
        steps.append(StepCard("nav.sdg", sdg.step_progress(), "sdg"))
        return HomeSummary(person=who.name, role=who.role, organisation=org.name, place=place,
                           kind=org.kind, steps=steps)

    # -- profile, SDG mapping, exports ----------------------------------------------------
    def _profile(self) -> w.Widget:
        from ..widgets.profile_page import ProfilePage
        from ..widgets.profile_service import ProfileService

        return ProfilePage(ProfileService(self.session.store, self.session.identity, self.organisation_id))

    def _sdg(self) -> w.Widget:
        from ..widgets.sdg_page import SdgPage
        from ..widgets.sdg_service import SdgService

        return SdgPage(SdgService(self.session.store, self.session.identity, self.organisation_id,
                                  registry=self.registry))

    def _partners(self) -> w.Widget:
        from ..widgets.partners_page import PartnersPage
        from ..widgets.partners_service import PartnersService

        return PartnersPage(PartnersService(self.session.store, self.session.identity, self.organisation_id))

    def _packages(self) -> w.Widget:
        from ..widgets.packages_page import PackagesPage
        from ..widgets.packages_service import PackagesService

        return PackagesPage(PackagesService(self.session.store, self.session.identity, self.organisation_id))

    def _hours(self) -> w.Widget:
        from ..widgets.hours_page import HoursPage
        from ..widgets.hours_service import HoursService

        return HoursPage(HoursService(self.session.store, self.session.identity))
    def _events(self) -> w.Widget:
        from ..widgets.my_events_page import MyEventsPage
        from ..widgets.my_events_service import MyEventsService

        return MyEventsPage(MyEventsService(self.session.store, self.session.identity))

    def _library(self) -> w.Widget:
        from ..widgets.library_page import LibraryPage
        from ..widgets.library_service import LibraryService

        return LibraryPage(LibraryService(self.session.store, self.session.identity, self.organisation_id,
                                          max_bytes=self.session.settings.library_max_mb * 1_000_000))

    def _workshop(self) -> w.Widget:
        from ..widgets.workshop_service import WorkshopService
        from ..widgets.workshops_page import WorkshopStep

        return WorkshopStep(WorkshopService(self.session.store, self.session.identity), self.session.lang)

    def _concepts(self) -> w.Widget:
        from ..widgets.concepts_page import ConceptsPage
        from ..widgets.concepts_service import ConceptsService

        return ConceptsPage(ConceptsService(self.session.store, self.session.identity), self.session.lang)

    def _lessons(self) -> w.Widget:
        from ..widgets.lessons_page import LessonsPage
        from ..widgets.lessons_service import LessonsService

        return LessonsPage(LessonsService(self.session.store, self.session.identity), self.session.lang)

    def _exports(self) -> w.Widget:
        from ..widgets.export_service import ExportService
        from ..widgets.exports_page import ExportsPage

        return ExportsPage(ExportService(self.session.store, self.session.identity, self.organisation_id,
                                         registry=self.registry, outputs=self.session.settings.outputs))

    # -- invitations and registration ----------------------------------------------------
    def _invite(self) -> w.Widget:
        from ..widgets.invite_page import InvitePage
        from ..widgets.invite_service import InviteService

        session = self.session
        return InvitePage(InviteService(session.store, session.identity, session.settings, self.organisation_id))

    def _registration(self) -> w.Widget:
        from ..widgets.registration_page import RegistrationPage
        from ..widgets.registration_service import RegistrationService

        session = self.session
        return RegistrationPage(RegistrationService(session.store, session.identity, session.settings))

    # -- canvases -----------------------------------------------------------------------
    def _canvases(self) -> CanvasesPage:
        choices = [(cid, f"canvas.{cid}") for cid in CANVASES] + [("coherence", "coherence.tab")]
        return CanvasesPage(choices, self._canvas_widget)

    def _canvas_widget(self, choice: str) -> w.Widget:
        if choice == "coherence":
            return CoherenceView(self._layers)
        from ..widgets.board import CanvasBoard
        from ..widgets.canvas_service import CanvasService

        service = CanvasService(self.session.store, self.session.identity, self.organisation_id, choice,
                                registry=self.registry)
        return CanvasBoard(service, lang=self.shell.lang)

    def _layers(self) -> list[Layer]:
        store, who = self.session.store, self.session.identity
        layers = []
        for template_id in LAYERS:
            doc, _ = store.canvas(who, self.organisation_id, template_id)
            notes: dict[str, list[str]] = {}
            for note in sorted(doc.notes, key=lambda n: (n.block, n.order)):
                if note.text.strip():
                    notes.setdefault(note.block, []).append(note.text)
            layers.append(Layer(self.registry.get(template_id), notes))
        return layers


def _notice(title_key: str, body_key: str, lang: str = "nb") -> w.Widget:
    box = w.HTML(part("notice", 1, t(title_key, lang), t(body_key, lang)))
    box.add_class("klynge-notice")
    return box


def _warm_up() -> None:
    """Load what every person's app needs, before the kernel knows whose it is.

    A preheated kernel runs this while it waits for its page; the templates, the reference
    places and goals and the board's code are then ready when the person arrives. What is
    loaded is then moved out of the garbage collector's way: otherwise a full collection,
    scanning all of it, lands in the middle of the person's first clicks.
    """
    import gc

    from ..widgets import board, canvas_service, sdg_service  # noqa: F401

    registry = default_registry()
    for template_id in CANVASES:
        registry.get(template_id)
    reference.municipalities()
    reference.targets()
    reference.certifications()
    reference.shortlist("general")
    gc.collect()
    gc.freeze()


def app() -> w.Widget:
    """The participant app for this kernel's person, or a friendly notice; never a traceback."""
    _quiet_logging()
    try:
        _warm_up()
        return ParticipantApp(open_session()).shell
    except KeyRejected:
        return _notice("page.login.title", "page.login.body")
    except Exception:
        log.exception("the participant app could not start")
        return _notice("page.error.title", "page.error.body")


def _quiet_logging() -> None:
    """Send the app's log to the kernel's real stderr (the server log), never into the page."""
    import sys

    root = logging.getLogger("klynge")
    if not root.handlers:
        handler = logging.StreamHandler(sys.__stderr__)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        root.propagate = False
