"""The facilitator's "Mobilisation" page without a browser: a real SQLite store, real pictures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, insert

from klynge.apps.facilitator import FacilitatorApp
from klynge.apps.session import AppSession
from klynge.errors import AccessDenied, NotFound
from klynge.model import ClusterPlan, Note, SdgEntry
from klynge.settings import load_settings
from klynge.store import schema as s
from klynge.widgets.funnel_page import FunnelPage
from klynge.widgets.funnel_service import FunnelService, read_funnel, stopped_weeks


@pytest.fixture
def db_url(tmp_path):
    """SQLite only: the page reads through the store's API, which the store suite runs on PostgreSQL too."""
    return f"sqlite:///{tmp_path / 'klynge.db'}"


@dataclass(frozen=True)
class _Invitation:
    email: str


@dataclass(frozen=True)
class _Outcome:
    """What the invitation service's follow_up returns (its contract: invitation, link, error)."""

    invitation: _Invitation
    link: str | None = None
    error: str | None = None


@pytest.fixture
def invited(store, cluster):
    """Fjell has a canvas; Fjell invited a silent invitee 12 days ago; the plan aims for Åre and Oppdal."""
    who, orgs = cluster["who"], cluster["orgs"]
    store.save_canvas(who["fjell"], orgs["fjell"], "business_model", [Note(id="a", block="channels", text="Nett")],
                      None)
    now = datetime.now(UTC)
    with store.engine.begin() as c:
        pid = c.execute(insert(s.people).values(cluster_id=cluster["id"], name="Siv <Stille>", email="siv@x.no",
                                                role="invitee", created_at=now)).inserted_primary_key[0]
        c.execute(insert(s.invitations).values(
            cluster_id=cluster["id"], person_id=pid, inviter_id=who["fjell"].person_id,
            inviter_organisation_id=orgs["fjell"], relation="supplier", note="", lang="nb",
            created_at=now - timedelta(days=12), delivery="sent", reminders=[], attempts=1, last_error=""))
        bounced = c.execute(insert(s.people).values(cluster_id=cluster["id"], name="Bo Bounce", email="bo@x.no",
                                                    role="invitee", created_at=now)).inserted_primary_key[0]
        c.execute(insert(s.invitations).values(
            cluster_id=cluster["id"], person_id=bounced, relation="finance", note="", lang="en",
            created_at=now - timedelta(days=3), delivery="bounced", reminders=[], attempts=1, last_error="550"))
    store.save_cluster_plan(who["facilitator"], ClusterPlan(target_municipalities=["2321", "5021", "5001"]))
    return {**cluster, "silent": pid, "bounced": bounced}


def _row(page, group, person_id):
    return next(r for r in page.groups[group].rows if r.row.person_id == person_id)


def test_the_page_shows_the_funnel_the_tree_what_is_missing_and_the_groups(store, invited):
    page = FunnelPage(FunnelService(store, invited["who"]["facilitator"]))
    page.lang = "en"
    funnel = page._funnel.value
    assert "data:image/png;base64," in funnel and "The funnel" in funnel
    assert "<strong>Invited</strong>: 5" in funnel and "<strong>Registered</strong>: 3 (60" in funnel
    assert "<strong>Active</strong>: 1 (20" in funnel and "canvas: 1" in funnel
    tree = page._tree.value
    assert "Who brought whom" in tree and "Members brought 1, the facilitators 4." in tree
    assert "Fjellguidene — 1 directly, 1 in all" in tree
    missing = page._missing.value
    assert "Trondheim" in missing and "Oppdal" not in missing.split("Municipalities without a member")[1]
    assert "Åre" not in missing.split("Municipalities without a member")[1]  # Stugbyn is in Åre
    assert "public support" in missing
    silent = _row(page, "silent", invited["silent"])
    assert "Siv &lt;Stille&gt;" in silent._who.value and "invited 12 days ago" in silent._who.value
    assert "invited by Fjell Person" in silent._who.value and "refused" not in silent._who.value
    assert silent.button.description == "Send a reminder"
    assert "the address was refused" in _row(page, "silent", invited["bounced"])._who.value
    page.lang = "sv"
    assert "Tratten" in page._funnel.value and silent.button.description == "Skicka en påminnelse"


@pytest.mark.parametrize(("outcome", "shown", "said"), [
    (_Outcome(_Invitation("siv@x.no")), "sent", "The reminder is sent to Siv <Stille>."),
    (_Outcome(_Invitation("siv@x.no"), link="https://klynge.example/signin#k"), "link", "copy the sign-in link"),
    (_Outcome(_Invitation("siv@x.no"), link="https://klynge.example/signin#k", error="the mail server refused"),
     "error", "The reminder was not sent: the mail server refused"),
])
def test_a_reminder_shows_its_outcome_beside_its_button(store, invited, outcome, shown, said):
    sent = []

    def send(settings, store_, who, person_id):
        sent.append((who.role, person_id))
        return outcome

    page = FunnelPage(FunnelService(store, invited["who"]["facilitator"], send=send))
    page.lang = "en"
    row = _row(page, "silent", invited["silent"])
    row.button.click()
    assert sent == [("facilitator", invited["silent"])]
    assert row.outcome == shown and not row.button.disabled
    from html import unescape
    assert said in unescape(row._said.value)
    assert (row._link.value == "https://klynge.example/signin#k") == bool(outcome.link)
    assert (row._link.layout.display != "none") == bool(outcome.link)


@pytest.mark.parametrize(("error", "said"), [(NotFound("no invitation for that person"), "no invitation"),
                                             (RuntimeError("boom"), "could not be shown"),
                                             (ImportError("klynge.invitations"), "cannot be sent from here")])
def test_a_failing_reminder_says_so_in_plain_words(store, invited, error, said):
    def send(*_args):
        raise error

    page = FunnelPage(FunnelService(store, invited["who"]["facilitator"], send=send))
    page.lang = "en"
    row = _row(page, "silent", invited["silent"])
    row.button.click()
    assert row.outcome == "error" and said in row._said.value and "Traceback" not in row._said.value


def test_a_participant_sees_a_plain_message_and_not_the_funnel(store, invited):
    with pytest.raises(AccessDenied):
        read_funnel(store, invited["who"]["fjell"])
    page = FunnelPage(FunnelService(store, invited["who"]["fjell"]))
    assert page.view is None and "klynge-message" in page._funnel.value and page._tree.value == ""


def test_the_json_holds_counts_missing_and_the_follow_up_list(store, invited):
    view = read_funnel(store, invited["who"]["facilitator"])
    data = view.as_json()
    assert data["stages"]["invited"]["count"] == 5 and data["stages"]["active"]["count"] == 1
    assert [m["name"] for m in data["missing"]["municipalities"]] == ["Trondheim"]
    assert [r["person_id"] for r in data["follow_up"]["silent"]] == [invited["silent"], invited["bounced"]]
    assert data["stopped_weeks"] == stopped_weeks(store, invited["who"]["facilitator"]) == 6


def test_many_silent_members_show_a_page_at_a_time(store, cluster):
    now = datetime.now(UTC)
    with store.engine.begin() as c:
        c.execute(insert(s.people), [dict(cluster_id=cluster["id"], name=f"P{i}", email=f"p{i}@x.no",
                                          role="invitee", created_at=now) for i in range(60)])
    page = FunnelPage(FunnelService(store, cluster["who"]["facilitator"]))
    page.lang = "en"
    group = page.groups["silent"]
    assert len(group.rows) == 25 and group._more.description == "Show more (35 left)"
    group._more.click()
    group._more.click()
    assert len(group.rows) == 60 and group._more.layout.display == "none"


def test_the_facilitator_app_has_the_mobilisation_page_after_members(store, cluster, tmp_path, db_url):
    settings = load_settings(home=str(tmp_path / "home"), db=db_url)
    app = FacilitatorApp(AppSession(settings, store, cluster["who"]["facilitator"], "en"))
    assert list(app.shell._pages)[:2] == ["members", "funnel"]
    app.shell.show("funnel")
    assert isinstance(app.shell.page("funnel"), FunnelPage)


class _Drawn(FunnelService):
    """The page's real service, noting each picture it draws."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.drawn: list[tuple[str, str]] = []

    def funnel_png(self, view, lang):
        self.drawn.append(("funnel", lang))
        return super().funnel_png(view, lang)

    def tree_png(self, view, lang):
        self.drawn.append(("tree", lang))
        return super().tree_png(view, lang)


def _run(pending: list) -> None:
    """What the kernel does once the page has gone to the browser: the drawing it was asked for."""
    while pending:
        pending.pop(0)()


def test_the_numbers_and_the_list_come_first_and_each_picture_says_it_is_being_drawn(store, invited):
    pending: list = []
    service = _Drawn(store, invited["who"]["facilitator"])
    page = FunnelPage(service, "en", later=pending.append)
    assert service.drawn == [] and page.drawing == ("funnel", "tree")
    for box in (page._funnel, page._tree):
        assert "klynge-funnel-drawing" in box.value and 'role="status"' in box.value
        assert "Drawing the picture…" in box.value and "<img" not in box.value
    assert "<strong>Invited</strong>: 5" in page._funnel.value and "Fjellguidene — 1 directly" in page._tree.value
    assert _row(page, "silent", invited["silent"]).button.description == "Send a reminder"
    pending.pop(0)()  # the funnel first: it is on screen while the tree is drawn
    assert "data:image/png;base64," in page._funnel.value and "Drawing" not in page._funnel.value
    assert "Drawing the picture…" in page._tree.value and page.drawing == ("tree",)
    _run(pending)
    assert "data:image/png;base64," in page._tree.value and page.drawing == ()
    assert service.drawn == [("funnel", "en"), ("tree", "en")]  # in the page's language only, once each


def test_a_picture_is_drawn_once_for_its_data_and_language(store, invited):
    pending: list = []
    service = _Drawn(store, invited["who"]["facilitator"])
    page = FunnelPage(service, "en", later=pending.append)
    page.lang = "sv"  # switched before the pictures were drawn: drawn in Swedish only
    _run(pending)
    assert service.drawn == [("funnel", "sv"), ("tree", "sv")] and "Tratten" in page._funnel.value
    page.refresh()  # shown again, nothing changed: the pictures stay as they are
    assert pending == [] and "data:image/png;base64," in page._tree.value
    page.lang = "en"
    _run(pending)
    page.lang = "sv"  # back to a language drawn before
    assert pending == [] and len(service.drawn) == 4
    store.save_sdg(invited["who"]["gard"], invited["orgs"]["gard"], [SdgEntry(target="8.9", relevance=3)], None)
    page.refresh()  # one more member active: the funnel is drawn again, the tree (who brought whom) is not
    assert "Ritar bilden …" in page._funnel.value and "data:image/png;base64," in page._tree.value
    _run(pending)
    assert service.drawn[4:] == [("funnel", "sv")] and "<strong>Aktiva</strong>: 2" in page._funnel.value


def test_opening_the_page_reads_the_same_few_statements_whatever_the_cluster_size(store, cluster):
    def statements() -> list[str]:
        seen: list[str] = []
        listen = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(store.engine, "before_cursor_execute", listen)
        try:
            page = FunnelPage(FunnelService(store, cluster["who"]["facilitator"]), "en")
            page.groups["silent"]._more.click()
        finally:
            event.remove(store.engine, "before_cursor_execute", listen)
        assert "data:image/png;base64," in page._tree.value
        return [q for q in seen if q.lstrip().upper().startswith("SELECT")]

    small = statements()
    now = datetime.now(UTC)
    with store.engine.begin() as c:
        ids = c.execute(insert(s.organisations).returning(s.organisations.c.id), [dict(
            cluster_id=cluster["id"], name=f"Org {i}", kind="company", sector="food", country="NO", orgnr=f"X{i}",
            municipality="5001", size="micro", phase="idea", certifications=[], version=1, updated_at=now)
            for i in range(300)]).scalars().all()
        people = c.execute(insert(s.people).returning(s.people.c.id), [dict(
            cluster_id=cluster["id"], organisation_id=oid, name=f"P {oid}", email=f"p{oid}@x.no", role="participant",
            created_at=now) for oid in ids]).scalars().all()
        c.execute(insert(s.invitations), [dict(
            cluster_id=cluster["id"], person_id=pid, inviter_organisation_id=ids[i - 1] if i else None,
            relation="supplier", note="", lang="nb", created_at=now, delivery="sent", reminders=[], attempts=1,
            last_error="") for i, pid in enumerate(people)])
    large = statements()
    # the funnel's three queries, the plan and the settings, each after checking the caller, never one per row
    assert len(large) == len(small) <= 8
