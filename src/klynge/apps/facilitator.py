"""The facilitator app: the members' progress, invitations and keys, meetings within the hour, the low
season's gaps and the package settings, package ideas from the optimiser, the partner network, the latest
batch's findings with their evidence, the members' decisions and the maturity self-assessment, the batch
that makes the reports, and the cluster in numbers."""

from __future__ import annotations

import logging

import ipywidgets as w
from traitlets import Unicode, observe

from ..errors import KeyRejected
from ..store.access import decide
from ..templating import snippet
from ..widgets.batch_panel import BatchPanel
from ..widgets.deferred import after_this_message
from ..widgets.members_page import MembersPage
from ..widgets.shell import Page, Shell
from .batch_service import BatchService
from .participant import _notice, _quiet_logging
from .session import AppSession, open_session

__all__ = ["FacilitatorApp", "app"]

log = logging.getLogger(__name__)

_COUNTS = ("organisations", "people", "municipalities", "offers", "canvases",
           "organisations_with_sdg_assessment", "packages")


class Overview(w.VBox):
    """The cluster's numbers, freshly counted whenever the page is opened."""

    lang = Unicode("nb")

    def __init__(self, session: AppSession):
        super().__init__()
        self._session = session
        self._html = w.HTML()
        self.children = [self._html]
        self.refresh()

    def refresh(self) -> None:
        store, who = self._session.store, self._session.identity
        self._cluster = store.cluster(who).name
        self._counts = store.status(who)
        self._render()

    @observe("lang")
    def _on_lang(self, _change) -> None:
        self._render()

    def _render(self) -> None:
        lang = self.lang
        self._html.value = snippet("widgets/shell.html.j2", "overview", self._cluster,
                                   [(k, self._counts[k]) for k in _COUNTS], lang)


class FacilitatorApp:
    """Members, reports and numbers, for a facilitator's session."""

    def __init__(self, session: AppSession):
        self.session = session
        service = BatchService(session.settings, session.store, session.identity)
        pages = [Page("members", "nav.members", self._members),
                 Page("funnel", "funnel.nav", self._funnel),
                 Page("meetings", "nav.meetings", self._meetings),
                 Page("events", "nav.events", self._events),
                 Page("gaps", "nav.gaps", self._gaps),
                 Page("suggestions", "suggest.page.nav", self._suggestions),
                 Page("network", "nav.network", self._network),
                 Page("findings", "findings.nav", self._findings),
                 Page("decisions", "decisions.nav", self._decisions),
                 Page("workshops", "workshops.nav", self._workshops),
                 Page("concepts", "concept.nav", self._concepts),
                 Page("lessons", "lesson.nav", self._lessons),
                 Page("contributions", "contrib.nav", self._contributions),
                 Page("batch", "nav.batch", lambda: BatchPanel(service)),
                 Page("overview", "nav.overview", lambda: Overview(session))]
        self.shell = Shell(pages, who=session.identity.name, lang=session.lang)
        after_this_message(_warm_up)

    def _members(self) -> MembersPage:
        from ..widgets.members_service import MembersService

        session = self.session
        return MembersPage(MembersService(session.store, session.identity, session.settings))

    def _funnel(self) -> w.Widget:
        from ..widgets.funnel_page import FunnelPage
        from ..widgets.funnel_service import FunnelService

        session = self.session
        return FunnelPage(FunnelService(session.store, session.identity, session.settings), self.shell.lang)

    def _meetings(self) -> w.Widget:
        from ..widgets.meetings_page import MeetingsPage
        from ..widgets.meetings_service import MeetingsService

        return MeetingsPage(MeetingsService(self.session.store, self.session.identity))

    def _events(self) -> w.Widget:
        from ..widgets.events_page import EventsPage
        from ..widgets.events_service import EventsService

        return EventsPage(EventsService(self.session.store, self.session.identity))

    def _gaps(self) -> w.Widget:
        from ..widgets.gaps_page import GapsPage
        from ..widgets.gaps_service import GapsService

        return GapsPage(GapsService(self.session.store, self.session.identity))
    def _suggestions(self) -> w.Widget:
        from ..widgets.suggestions_page import SuggestionsPage
        from ..widgets.suggestions_service import SuggestionsService

        return SuggestionsPage(SuggestionsService(self.session.store, self.session.identity))

    def _network(self) -> w.Widget:
        from ..widgets.network_page import NetworkPage
        from ..widgets.partners_service import PartnersService

        return NetworkPage(PartnersService(self.session.store, self.session.identity))

    def _findings(self) -> w.Widget:
        from ..widgets.findings_page import FindingsPage
        from ..widgets.findings_service import FindingsService
        from ..widgets.plan_form import PlanForm
        from ..widgets.plan_service import PlanService

        session = self.session
        return FindingsPage(FindingsService(session.store, session.identity, session.settings.outputs),
                            on_decide=self.decide, on_reports=lambda: self.shell.go("batch"),
                            targets=PlanForm(PlanService(session.store, session.identity)))

    def decide(self, finding_id: str, option_id: str | None = None) -> None:
        """Open the Decisions page with a new decision on ``finding_id`` (and ``option_id``) chosen."""
        self.shell.go("decisions")
        page = self.shell.page("decisions")
        if page is not None and hasattr(page, "decisions"):
            page.selected_index = 0
            page.decisions.choose(finding_id, option_id)

    def _decisions(self) -> w.Widget:
        from ..widgets.decisions_page import DecisionsMaturityPage
        from ..widgets.decisions_service import DecisionsService, MaturityService, findings_from_outputs

        session = self.session
        outputs = session.settings.outputs
        store, who = session.store, session.identity
        return DecisionsMaturityPage(DecisionsService(store, who, lambda lang: findings_from_outputs(outputs, lang)),
                                     MaturityService(store, who))

    def _workshops(self) -> w.Widget:
        from ..widgets.decisions_service import findings_from_outputs
        from ..widgets.gaps_service import GapsService
        from ..widgets.workshop_service import WorkshopService
        from ..widgets.workshops_page import WorkshopsPage

        session = self.session
        store, who, outputs = session.store, session.identity, session.settings.outputs
        return WorkshopsPage(WorkshopService(store, who, lambda lang: findings_from_outputs(outputs, lang),
                                             lambda: GapsService(store, who).picture()["gaps"]), session.lang)

    def _concepts(self) -> w.Widget:
        from ..widgets.concepts_page import ConceptsPage
        from ..widgets.concepts_service import ConceptsService

        return ConceptsPage(ConceptsService(self.session.store, self.session.identity), self.session.lang)

    def _lessons(self) -> w.Widget:
        from ..widgets.decisions_service import findings_from_outputs
        from ..widgets.lessons_page import LessonsPage
        from ..widgets.lessons_service import LessonsService

        session = self.session
        outputs = session.settings.outputs
        return LessonsPage(LessonsService(session.store, session.identity,
                                          lambda lang: findings_from_outputs(outputs, lang)), session.lang)

    def _contributions(self) -> w.Widget:
        from ..widgets.contributions_page import ContributionsPage
        from ..widgets.contributions_service import ContributionsService

        return ContributionsPage(ContributionsService(self.session.store, self.session.identity))


def _warm_up() -> None:
    """Import what the Mobilisation page reads with (networkx, half a second), once the app is on its way to
    the browser, so that the page's first opening does not wait for it."""
    from ..widgets import funnel_service  # noqa: F401


def app() -> w.Widget:
    """The facilitator app for this kernel's person, or a friendly notice; never a traceback."""
    _quiet_logging()
    try:
        session = open_session()
        who = session.identity
        if not decide(who, "manage", cluster_id=who.cluster_id):
            return _notice("page.facilitators.title", "page.facilitators.body", session.lang)
        return FacilitatorApp(session).shell
    except KeyRejected:
        return _notice("page.login.title", "page.login.body")
    except Exception:
        log.exception("the facilitator app could not start")
        return _notice("page.error.title", "page.error.body")
