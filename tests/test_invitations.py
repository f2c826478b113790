"""Sending invitations through a real local SMTP server (aiosmtpd): the message, its language and link,
reminders on schedule, follow-ups, each failure kept to retry, the command line, and no password anywhere."""

from __future__ import annotations

import json
import logging
import socket
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.smtp import AuthResult
from sqlalchemy import MetaData, select

from klynge import invitations as service
from klynge import mail
from klynge.cli import run
from klynge.errors import AlreadyRegistered, KeyRejected, MailError, ValidationError
from klynge.model import InvitationRequest, MobilisationSettings
from klynge.settings import load_settings
from klynge.store import Identity, open_store

from .conftest import SECRET
from .smtp import PASSWORD, USER, authenticator, free_port

SENDER = "post@klynge.example"


@pytest.fixture
def store(tmp_path):
    """The service's tests run on SQLite; the store's own tests cover PostgreSQL."""
    with open_store(f"sqlite:///{tmp_path / 'klynge.db'}") as s:
        yield s


def _settings(tmp_path, url: str | None = None, password: str | None = PASSWORD):
    env = {"KLYNGE_HOME": str(tmp_path / "home"), "KLYNGE_DB": f"sqlite:///{tmp_path / 'klynge.db'}",
           "KLYNGE_BASE_URL": "https://klynge.example"}
    if url:
        env["KLYNGE_SMTP_URL"] = url if "?" in url else f"{url}?from={SENDER}"
        if password and "@127" in url:
            env["KLYNGE_SMTP_PASSWORD"] = password
    return load_settings(env)


@pytest.fixture
def server(smtp_server):
    """A local SMTP server that wants a login (over plain SMTP on the loopback): (inbox, port)."""
    return smtp_server(authenticator=authenticator, auth_required=True, auth_require_tls=False)


@pytest.fixture
def smtp(tmp_path, server):
    return _settings(tmp_path, f"smtp://{USER}@127.0.0.1:{server[1]}")


def _request(**change) -> InvitationRequest:
    values = {"name": "Karin Lund", "email": "karin@example.se", "relation": "customer", "lang": "sv",
              "note": "Vi vill gärna ha er med"}
    return InvitationRequest.model_validate({**values, **change})


def _text(message) -> str:
    return message.get_body(("plain",)).get_content()


def _key(link: str) -> str:
    return parse_qs(urlsplit(link).query)["key"][0]


def _link_in(message) -> str:
    return next(word for word in _text(message).split() if word.startswith("https://klynge.example/signin"))


def _everything_stored(store) -> str:
    tables = MetaData()
    tables.reflect(store.engine)
    with store.engine.connect() as c:
        return "\n".join(repr(row) for table in tables.sorted_tables for row in c.execute(select(table)))


pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


# -- the invitation ---------------------------------------------------------------------------------------------


def test_an_invitation_arrives_in_the_invitees_language_and_its_link_signs_them_in(
        store, cluster, smtp, server, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    fjell = cluster["who"]["fjell"]
    outcome = service.invite(smtp, store, fjell, _request())
    assert outcome.sent and outcome.link is None and outcome.error is None
    inv = outcome.invitation
    assert (inv.delivery, inv.attempts, inv.sent_at is not None) == ("sent", 1, True)
    assert inv.next_reminder_at == inv.sent_at + timedelta(days=MobilisationSettings().reminder_days)
    [received] = server[0].messages
    assert received["Subject"] == "Fjell Person (Fjellguidene) bjuder in dig till Nysesong"
    assert received["To"].addresses[0].addr_spec == "karin@example.se" and received["Content-Language"] == "sv"
    text = _text(received)
    assert "som kund hos Fjell Person (Fjellguidene)" in text and "Vi vill gärna ha er med" in text
    link = _link_in(received)
    assert f'href="{link}"' in received.get_body(("html",)).get_content()
    who = store.open_session(_key(link), smtp.server_secret())
    assert (who.role, who.person_id) == ("invitee", inv.person_id)
    assert store.invitation(fjell, inv.id).accepted_at is not None
    out = capsys.readouterr()
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("klynge"))
    assert PASSWORD not in caplog.text + out.out + out.err + _everything_stored(store)
    assert _key(link) not in ours  # a sign-in link is a credential: Klynge never logs it


def test_without_a_mail_server_the_link_is_returned_to_copy_and_says_so(tmp_path, store, cluster):
    outcome = service.invite(_settings(tmp_path), store, cluster["who"]["facilitator"], _request(lang="en"))
    assert not outcome.sent and outcome.category == "no_server"
    assert "KLYNGE_SMTP_URL" in outcome.error and "copy the sign-in link" in outcome.error
    assert outcome.invitation.delivery == "link" and outcome.invitation.attempts == 0
    assert store.open_session(_key(outcome.link), _settings(tmp_path).server_secret()).role == "invitee"
    with pytest.raises(MailError, match="no reminders were sent"):
        service.send_reminders(_settings(tmp_path), store, cluster["who"]["facilitator"])


def test_without_send_the_link_is_made_and_no_mail_goes_out(store, cluster, smtp, server):
    outcome = service.invite(smtp, store, cluster["who"]["facilitator"], _request(), send=False)
    assert outcome.link and outcome.error is None and outcome.invitation.delivery == "link"
    assert server[0].messages == []


def test_a_colleague_is_told_they_join_the_organisation_at_once(store, cluster, smtp, server):
    org = cluster["orgs"]["gard"]
    outcome = service.invite(smtp, store, cluster["who"]["gard"], _request(
        name="Per Gård", email="per@example.no", relation="board", lang="nb", note="", organisation_id=org))
    assert outcome.sent
    assert "styremedlem hos Gard Person (Gardsbutikken)" in _text(server[0].messages[0])
    who = store.open_session(_key(_link_in(server[0].messages[0])), smtp.server_secret())
    assert (who.role, who.organisation_id) == ("participant", org)


def test_an_address_already_in_the_network_sends_nothing_and_says_whose_it_is(store, cluster, smtp, server):
    with pytest.raises(AlreadyRegistered, match="Gard Person of Gardsbutikken") as caught:
        service.invite(smtp, store, cluster["who"]["fjell"], _request(email="gard@example.no"))
    assert server[0].messages == []
    assert service.taken_message(caught.value, "nb") == (
        "gard@example.no er allerede med i nettverket: Gard Person i Gardsbutikken")
    assert service.taken_message(caught.value, "sv").endswith("Gard Person på Gardsbutikken")


# -- reminders --------------------------------------------------------------------------------------------------


def test_two_reminders_follow_on_schedule_each_with_a_new_link_and_none_after(store, cluster, smtp, server):
    fac, inbox = cluster["who"]["facilitator"], server[0]
    first = service.invite(smtp, store, fac, _request(lang="en")).invitation
    sent = first.sent_at
    assert service.send_reminders(smtp, store, fac, sent + timedelta(days=6, hours=23)) == []
    [one] = service.send_reminders(smtp, store, fac, sent + timedelta(days=7, hours=2))
    assert one.sent and one.invitation.reminders == (sent + timedelta(days=7, hours=2),)
    assert one.invitation.next_reminder_at == sent + timedelta(days=14, hours=2)
    assert inbox.messages[1]["Subject"] == "Reminder: Facilitator invites you to Nysesong"
    assert "last reminder" not in _text(inbox.messages[1])
    with pytest.raises(KeyRejected, match="revoked"):  # the first mail's link no longer signs in
        store.check_key(_key(_link_in(inbox.messages[0])), smtp.server_secret())
    assert service.send_reminders(smtp, store, fac, sent + timedelta(days=10)) == []
    [two] = service.send_reminders(smtp, store, fac, sent + timedelta(days=15))
    assert len(two.invitation.reminders) == 2 and two.invitation.next_reminder_at is None
    assert "last reminder" in _text(inbox.messages[2])
    assert service.send_reminders(smtp, store, fac, sent + timedelta(days=60)) == []
    assert len(inbox.messages) == 3
    with pytest.raises(ValidationError, match="2 reminders already"):
        service.resend(smtp, store, fac, first.id)


def test_no_reminder_after_the_invitee_signed_in(store, cluster, smtp, server):
    fac = cluster["who"]["facilitator"]
    done = service.invite(smtp, store, fac, _request()).invitation
    waiting = service.invite(smtp, store, fac, _request(name="Nils", email="nils@example.no", lang="nb")).invitation
    store.open_session(_key(_link_in(server[0].messages[0])), smtp.server_secret())
    due = service.send_reminders(smtp, store, fac, done.sent_at + timedelta(days=8))
    assert [o.invitation.id for o in due] == [waiting.id]
    assert server[0].messages[-1]["Subject"].startswith("Påminnelse:")
    with pytest.raises(ValidationError, match="signed in already"):
        service.resend(smtp, store, fac, done.id)


def test_the_reminder_days_come_from_the_clusters_settings_when_there_are_any(store, cluster, smtp, server):
    class Mobilisation:
        reminder_days = 3

    store.mobilisation_settings = lambda who: Mobilisation()  # as the fees' store will answer
    inv = service.invite(smtp, store, cluster["who"]["facilitator"], _request()).invitation
    assert inv.next_reminder_at == inv.sent_at + timedelta(days=3)


# -- failures ---------------------------------------------------------------------------------------------------


def _no_password(store, caplog, capsys, *outcomes):
    out = capsys.readouterr()
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "mail.log")  # not the test server's
    shown = logged + out.out + out.err + _everything_stored(store) + "".join(map(repr, outcomes))
    assert PASSWORD not in shown


def test_a_refused_address_bounces_and_the_link_is_given_to_copy(store, cluster, smtp, server, caplog, capsys):
    outcome = service.invite(smtp, store, cluster["who"]["fjell"], _request(email="karin@refused.example"))
    assert not outcome.sent and outcome.category == "recipient_refused" and outcome.link
    assert "karin@refused.example" in outcome.error and "No such user" in outcome.error
    inv = outcome.invitation
    assert (inv.delivery, inv.attempts, inv.next_reminder_at) == ("bounced", 1, None)
    assert "No such user" in inv.last_error
    assert service.send_reminders(smtp, store, cluster["who"]["facilitator"], inv.created_at + timedelta(days=30)) == []
    _no_password(store, caplog, capsys, outcome)


def test_a_rejected_login_keeps_the_invitation_to_retry(tmp_path, store, cluster, server, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    wrong = _settings(tmp_path, f"smtp://{USER}@127.0.0.1:{server[1]}", PASSWORD + "-wrong")
    outcome = service.invite(wrong, store, cluster["who"]["fjell"], _request())
    assert not outcome.sent and outcome.category == "login_rejected" and outcome.link
    assert "rejected the login" in outcome.error and "tried again" in outcome.error
    assert (outcome.invitation.delivery, outcome.invitation.sent_at) == ("failed", None)
    right = _settings(tmp_path, f"smtp://{USER}@127.0.0.1:{server[1]}")
    again = service.resend(right, store, cluster["who"]["fjell"], outcome.invitation.id)
    assert again.sent and again.invitation.delivery == "sent" and again.invitation.attempts == 2
    assert again.invitation.last_error == "" and len(server[0].messages) == 1
    assert "Påminnelse" not in server[0].messages[0]["Subject"]  # the invitation itself, not a reminder
    with pytest.raises(KeyRejected, match="revoked"):  # the link given to copy was replaced by the mail's
        store.check_key(_key(outcome.link), right.server_secret())
    out = capsys.readouterr()
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "mail.log")
    assert PASSWORD + "-wrong" not in logged + out.out + out.err + _everything_stored(store) + repr(outcome)
    _no_password(store, caplog, capsys, outcome, again)


def test_a_server_that_echoes_the_password_has_it_scrubbed_from_the_record(tmp_path, store, cluster, smtp_server,
                                                                           caplog, capsys):
    def echoing(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=False, handled=False, message=f"535 bad password {auth_data.password.decode()}")

    _, port = smtp_server(authenticator=echoing, auth_require_tls=False)
    outcome = service.invite(_settings(tmp_path, f"smtp://{USER}@127.0.0.1:{port}"), store,
                             cluster["who"]["facilitator"], _request())
    assert "bad password ***" in outcome.invitation.last_error
    _no_password(store, caplog, capsys, outcome)


def test_a_server_down_or_silent_fails_and_the_next_run_sends(tmp_path, store, cluster, server, monkeypatch,
                                                              caplog, capsys):
    fac = cluster["who"]["facilitator"]
    down = _settings(tmp_path, f"smtp://{USER}@127.0.0.1:{free_port()}")
    first = service.invite(down, store, fac, _request())
    assert first.category == "connection_refused" and "nothing answers" in first.error
    monkeypatch.setattr(mail, "TIMEOUT", 0.5)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)  # the kernel completes the connection; nobody ever says hello
        quiet = _settings(tmp_path, f"smtp://{USER}@127.0.0.1:{silent.getsockname()[1]}")
        second = service.invite(quiet, store, fac, _request(name="Nils", email="nils@example.no"))
        assert second.category == "timed_out" and "did not answer in time" in second.error
        # a run stops at the first failure of the server itself: the other stays due
        [stopped] = service.send_reminders(quiet, store, fac)
        assert stopped.category == "timed_out" and stopped.invitation.id == first.invitation.id
    assert [i.attempts for i in store.invitations(fac)] == [2, 1]
    ok = _settings(tmp_path, f"smtp://{USER}@127.0.0.1:{server[1]}")
    retried = service.send_reminders(ok, store, fac)
    assert [o.sent for o in retried] == [True, True]
    assert {m["To"].addresses[0].addr_spec for m in server[0].messages} == {"karin@example.se", "nils@example.no"}
    assert all(not m["Subject"].startswith("Påminnelse") for m in server[0].messages)
    _no_password(store, caplog, capsys, first, second, *retried)


def test_a_mail_server_setting_that_cannot_be_used_keeps_the_invitation(tmp_path, store, cluster):
    broken = _settings(tmp_path, "imap://mail.example")
    outcome = service.invite(broken, store, cluster["who"]["facilitator"], _request())
    assert outcome.category == "settings" and "KLYNGE_SMTP_URL" in outcome.error and outcome.link
    assert outcome.invitation.delivery == "failed"


# -- follow-up --------------------------------------------------------------------------------------------------


def test_follow_up_reminds_the_silent_and_tells_the_started_their_work_waits(store, cluster, smtp, server, system):
    fac, inbox = cluster["who"]["facilitator"], server[0]
    silent = service.invite(smtp, store, fac, _request()).invitation
    started = service.invite(smtp, store, fac, _request(name="Ola", email="ola@example.no", lang="en")).invitation
    store.open_session(_key(_link_in(inbox.messages[1])), smtp.server_secret())
    reminded = service.follow_up(smtp, store, fac, silent.person_id)
    assert reminded.sent and len(reminded.invitation.reminders) == 1
    assert inbox.messages[2]["Subject"].startswith("Påminnelse:")
    waiting = service.follow_up(smtp, store, fac, started.person_id)
    assert waiting.sent and waiting.invitation.id == started.id
    message = inbox.messages[3]
    assert message["Subject"] == "Your work in Nysesong is waiting" and message["Content-Language"] == "en"
    assert "Continue in Klynge" in message.get_body(("html",)).get_content()
    assert store.check_key(_key(_link_in(message)), smtp.server_secret()).person_id == started.person_id
    # a member registered from the command line, never invited: the follow-up in the settings' language
    member = cluster["who"]["stuga"]
    assert service.follow_up(smtp, store, fac, member.person_id).invitation is None
    assert inbox.messages[4]["Subject"] == "Arbeidet ditt i Nysesong venter"


# -- the command line -------------------------------------------------------------------------------------------


def _cli_env(monkeypatch, tmp_path, port=None, password=PASSWORD):
    settings = _settings(tmp_path, f"smtp://{USER}@127.0.0.1:{port}" if port else None, password)
    for name, value in (("KLYNGE_HOME", settings.home), ("KLYNGE_DB", settings.db),
                        ("KLYNGE_BASE_URL", settings.base_url), ("KLYNGE_SMTP_URL", settings.smtp_url),
                        ("KLYNGE_SMTP_PASSWORD", settings.smtp_password)):
        if value:
            monkeypatch.setenv(name, value)
    return settings


def test_the_command_line_sends_an_invitation_and_prints_its_delivery(tmp_path, store, cluster, server, monkeypatch,
                                                                      capsys, caplog):
    _cli_env(monkeypatch, tmp_path, server[1])
    assert run(["invite", "--name", "Karin Lund", "--email", "karin@example.se", "--relation", "customer",
                 "--lang", "sv", "--note", "Välkommen", "--send"]) == 0
    out = capsys.readouterr()
    assert "karin@example.se" in out.out and "sent" in out.out and "https://" not in out.out
    [received] = server[0].messages
    assert received["Subject"].endswith("bjuder in dig till Nysesong") and "Välkommen" in _text(received)
    assert PASSWORD not in out.out + out.err + caplog.text


def test_the_command_line_without_send_prints_the_link_as_today(tmp_path, store, cluster, monkeypatch, capsys):
    _cli_env(monkeypatch, tmp_path)
    assert run(["invite", "--name", "Karin Lund", "--email", "karin@example.se", "--relation", "customer"]) == 0
    out = capsys.readouterr()
    assert "https://klynge.example/signin?key=" in out.out and "shown only now" in out.err
    assert store.person_by_email(cluster["who"]["facilitator"], "karin@example.se").role == "invitee"
    # a facilitator or researcher is still registered the way they always were, without an invitation
    assert run(["invite", "--name", "Rut", "--email", "rut@example.no", "--role", "researcher"]) == 0
    assert store.person_by_email(cluster["who"]["facilitator"], "rut@example.no").role == "researcher"


def test_a_failed_send_exits_non_zero_and_says_the_invitation_is_kept(tmp_path, store, cluster, server, monkeypatch,
                                                                     capsys):
    _cli_env(monkeypatch, tmp_path, server[1], PASSWORD + "-wrong")
    assert run(["invite", "--name", "Karin Lund", "--email", "karin@example.se", "--send"]) == 1
    out = capsys.readouterr()
    assert "rejected the login" in out.err and "kept" in out.err and "Traceback" not in out.err
    assert "https://klynge.example/signin?key=" in out.out  # the link to copy meanwhile
    assert PASSWORD not in out.out + out.err


def test_the_command_line_says_what_an_invitation_needs(tmp_path, store, cluster, monkeypatch):
    _cli_env(monkeypatch, tmp_path)
    with pytest.raises(ValidationError, match="needs --email"):
        run(["invite", "--name", "Karin", "--send"])
    with pytest.raises(ValidationError, match="register a facilitator without them"):
        run(["invite", "--name", "Rut", "--email", "rut@example.no", "--role", "facilitator", "--send"])
    with pytest.raises(ValidationError, match="give --invite too"):
        run(["members", str(tmp_path / "none.csv"), "--send"])


def test_invite_remind_sends_what_is_due_and_reports_as_json(tmp_path, store, cluster, server, monkeypatch, capsys):
    settings = _cli_env(monkeypatch, tmp_path, server[1])
    fac = cluster["who"]["facilitator"]
    service.invite(settings, store, fac, _request())
    bounced = service.invite(settings, store, fac, _request(name="X", email="x@refused.example")).invitation
    assert run(["invite", "remind"]) == 0
    assert "nothing is due" in capsys.readouterr().out
    later = bounced.created_at + timedelta(days=8)
    monkeypatch.setattr(service, "now", lambda: later)
    assert run(["invite", "remind", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["sent"] == 1 and report["failed"] == 0 and report["outcomes"][0]["email"] == "karin@example.se"
    assert len(server[0].messages) == 2


def test_members_from_a_file_are_invited_and_sent(tmp_path, store, cluster, server, monkeypatch, capsys):
    _cli_env(monkeypatch, tmp_path, server[1])
    sheet = tmp_path / "members.csv"
    sheet.write_text("Organisation,Organisation number,Country,Municipality,Name,Email\n"
                     "Fjellguidene,974760673,NO,5021,Karin Lund,karin@example.se\n"
                     "Fjellguidene,974760673,NO,5021,Nils Berg,nils@refused.example\n", encoding="utf-8")
    code = run(["members", str(sheet), "--invite", "--send", "--lang", "en"])
    out = capsys.readouterr()
    assert code == 1 and "karin@example.se" in out.out and "nils@refused.example" in out.err
    assert [m["To"].addresses[0].addr_spec for m in server[0].messages] == ["karin@example.se"]
    assert server[0].messages[0]["Subject"] == "The facilitator team invites you to Nysesong"
    assert "1 organisations added" not in out.out and "already known" in out.out
    invited = store.invitations(cluster["who"]["facilitator"])
    assert [(i.email, i.delivery, i.organisation_id) for i in invited] == [
        ("karin@example.se", "sent", cluster["orgs"]["fjell"]), ("nils@refused.example", "bounced",
                                                                 cluster["orgs"]["fjell"])]



def test_members_left_unsent_by_a_mail_server_that_is_down_go_out_with_the_pass_after_their_hold(
        tmp_path, store, cluster, server, monkeypatch, capsys):
    _cli_env(monkeypatch, tmp_path, free_port())  # nothing answers there
    sheet = tmp_path / "members.csv"
    sheet.write_text("Organisation,Organisation number,Country,Municipality,Name,Email\n"
                     "Fjellguidene,974760673,NO,5021,Karin Lund,karin@example.se\n"
                     "Fjellguidene,974760673,NO,5021,Nils Berg,nils@example.no\n", encoding="utf-8")
    assert run(["members", str(sheet), "--invite", "--send", "--lang", "en"]) == 1
    assert "1 invitations are queued, not sent; from 10 minutes on" in capsys.readouterr().err
    fac = cluster["who"]["facilitator"]
    [failed, queued] = store.invitations(fac)
    assert (failed.delivery, queued.delivery) == ("failed", "queued")
    up = _settings(tmp_path, f"smtp://{USER}@127.0.0.1:{server[1]}")
    assert [o.invitation.id for o in service.send_reminders(up, store, fac)] == [failed.id]  # the other is held
    later = queued.next_reminder_at
    assert [o.invitation.id for o in service.send_reminders(up, store, fac, later)] == [queued.id]
    assert sorted(m["To"].addresses[0].addr_spec for m in server[0].messages) == ["karin@example.se",
                                                                                   "nils@example.no"]

# -- the demo ---------------------------------------------------------------------------------------------------


def test_the_demo_holds_a_referral_tree_and_open_invitations_and_sends_nothing(tmp_path, store, server):
    from klynge.demo import load_demo

    settings = _settings(tmp_path, f"smtp://{USER}@127.0.0.1:{server[1]}")
    before = service.now()
    load_demo(store, settings, progress=False)
    fac = store.check_key(store.issue_key(
        Identity.system(), store.person_by_email(Identity.system(), "ingrid@nysesong.example").id, SECRET), SECRET)
    found = store.invitations(fac)
    assert server[0].messages == []  # loading the demo mails no one
    by_person = {i.person_id: i for i in found}
    # a referral tree of at least three levels: facilitator -> member -> member -> member

    def level(inv):
        parent = by_person.get(inv.inviter_id)
        return 1 if parent is None else 1 + level(parent)

    depth = max(level(i) for i in found)
    assert depth >= 3
    accepted = [i for i in found if i.accepted_at is not None]
    waiting = [i for i in found if i.accepted_at is None]
    assert len(accepted) >= 15 and all(i.accepted_at < before for i in accepted)
    assert sorted(i.delivery for i in waiting) == ["bounced", "failed", "sent", "sent"]
    assert all(i.email.endswith(("@example.no", "@example.se")) for i in waiting)
    assert {i.relation for i in found} >= {"supplier", "customer", "support", "finance", "research", "colleague"}
    [reminded] = [i for i in waiting if i.reminders]
    assert reminded.next_reminder_at > before and len(reminded.reminders) == 1
    # the reminders the demo's history makes due are sent by the next run, on schedule
    due = store.due_reminders(Identity.system(), reminded.next_reminder_at)
    assert {i.delivery for i in due} == {"sent", "failed"}


def test_an_invitee_signs_in_to_the_participant_app():
    from klynge.server.signin import app_path

    assert app_path("/k/", "invitee") == app_path("/k/", "participant") == "/k/voila/render/participant.ipynb"
