"""A served Klynge sends the invitations' reminders itself, through a real local SMTP server (aiosmtpd):
no command is run, a mail server that is down is tried again at the next pass, and the server keeps serving."""

from __future__ import annotations

import logging
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest

from klynge.model import Cluster, InvitationRequest
from klynge.store import Identity, open_store
from klynge.store.records import now

from ..serving import answers, free_port, klynge_serve
from ..smtp import PASSWORD, USER, authenticator

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

INVITEE = "karin@example.se"


def _due_invitation(home: Path) -> int:
    """A cluster whose one invitation went out eight days ago, its first reminder due a day ago."""
    system = Identity.system()
    with open_store(f"sqlite:///{home / 'klynge.db'}") as store:
        cid = store.create_cluster(system, Cluster(name="Nysesong"))
        made = store.create_invitation(system, InvitationRequest(
            name="Karin Lund", email=INVITEE, relation="customer", lang="en"), cluster_id=cid)
        store.record_delivery(system, made.id, delivery="sent", at=now() - timedelta(days=8),
                              next_reminder_at=now() - timedelta(days=1))
        return made.id


def _reminders(home: Path, invitation_id: int) -> int:
    with open_store(f"sqlite:///{home / 'klynge.db'}") as store:
        return len(store.invitation(Identity.system(), invitation_id).reminders)


def _env(smtp_port: int) -> dict[str, str]:
    # a pass every 1.2 s
    return {"KLYNGE_SMTP_URL": f"smtp://{USER}@127.0.0.1:{smtp_port}?from=post@klynge.example",
            "KLYNGE_SMTP_PASSWORD": PASSWORD, "KLYNGE_REMIND_EVERY": "0.02"}


def _wait_for_lines(log: Path, pattern: str, count: int = 1, timeout: float = 90) -> list[str]:
    """The lines of the server's log that match ``pattern``, once there are ``count`` of them."""
    deadline = time.time() + timeout
    while True:
        lines = [line for line in log.read_text().splitlines() if re.search(pattern, line)]
        if len(lines) >= count or time.time() > deadline:
            assert len(lines) >= count, f"no {count} lines like {pattern!r} in the log:\n{log.read_text()}"
            return lines
        time.sleep(0.3)


def _nothing_secret_in(log: Path) -> None:
    text = log.read_text()
    assert PASSWORD not in text
    assert INVITEE not in text and "signin?key" not in text


def test_a_served_klynge_sends_a_due_reminder_without_any_command(tmp_path, smtp_server):
    home = tmp_path / "home"
    home.mkdir()
    invitation_id = _due_invitation(home)
    inbox, smtp_port = smtp_server(authenticator=authenticator, auth_required=True, auth_require_tls=False)
    port = free_port()
    with klynge_serve(home, f"http://127.0.0.1:{port}", port, "--no-preheat", env=_env(smtp_port)):
        reminder = inbox.arrived(INVITEE, timeout=90)
        assert reminder["Subject"] == "Reminder: The facilitator team invites you to Nysesong"
        log = home / "server.log"
        assert _wait_for_lines(log, r"reminders: \d+ sent")[0].endswith("reminders: 1 sent, 0 failed, 0 bounced")
        # the passes after it find nothing due: the reminder went out once
        _wait_for_lines(log, r"reminders: 0 sent, 0 failed, 0 bounced", count=2)
    assert len(inbox.to(INVITEE)) == 1 and _reminders(home, invitation_id) == 1
    _nothing_secret_in(log)


def test_with_the_mail_server_down_the_server_keeps_serving_and_the_reminder_goes_out_once_it_is_back(
        tmp_path, smtp_server):
    home = tmp_path / "home"
    home.mkdir()
    invitation_id = _due_invitation(home)
    smtp_port, port = free_port(), free_port()  # nothing listens on the mail server's port yet
    url = f"http://127.0.0.1:{port}"
    with klynge_serve(home, url, port, "--no-preheat", env=_env(smtp_port)) as process:
        log = home / "server.log"
        failed = _wait_for_lines(log, r"the mail server failed", count=2)
        assert failed[0].endswith("reminders: 0 sent, 1 failed, 0 bounced; the mail server failed "
                                  "(connection_refused), the next pass tries again")
        assert process.poll() is None and answers(url)
        inbox, _ = smtp_server(port=smtp_port, authenticator=authenticator, auth_required=True,
                               auth_require_tls=False)
        reminder = inbox.arrived(INVITEE, timeout=90)
        assert reminder["Subject"].startswith("Reminder:")
        _wait_for_lines(log, r"reminders: 1 sent, 0 failed")
        _wait_for_lines(log, r"reminders: 0 sent, 0 failed, 0 bounced", count=2)
        assert process.poll() is None and answers(url)
    assert len(inbox.to(INVITEE)) == 1 and _reminders(home, invitation_id) == 1
    _nothing_secret_in(log)


def _settings(home: Path, **env) -> object:
    from klynge.settings import load_settings

    return load_settings({"KLYNGE_HOME": str(home), "KLYNGE_BASE_URL": "https://klynge.example", **env})


def test_a_pass_that_the_mail_server_refuses_logs_one_line_without_the_password_and_raises_nothing(
        tmp_path, smtp_server, caplog):
    from klynge.server.reminders import ReminderPasses

    home = tmp_path / "home"
    home.mkdir()
    invitation_id = _due_invitation(home)
    _, smtp_port = smtp_server(authenticator=authenticator, auth_required=True, auth_require_tls=False)
    settings = _settings(home, **{**_env(smtp_port), "KLYNGE_SMTP_PASSWORD": "not-" + PASSWORD})
    caplog.set_level(logging.INFO)
    ReminderPasses(settings).run_once()
    [line] = [r.getMessage() for r in caplog.records if r.name == "klynge.server.reminders"]
    assert line == ("reminders: 0 sent, 1 failed, 0 bounced; the mail server failed (login_rejected), "
                    "the next pass tries again")
    assert PASSWORD not in caplog.text and _reminders(home, invitation_id) == 0


def test_a_pass_without_its_database_logs_why_and_the_next_one_tries_again(tmp_path, caplog):
    from klynge.server.reminders import ReminderPasses

    settings = _settings(tmp_path / "home", KLYNGE_SMTP_URL="smtp://127.0.0.1:25",
                         KLYNGE_DB=f"sqlite:///{tmp_path / 'none' / 'klynge.db'}")
    caplog.set_level(logging.INFO)
    ReminderPasses(settings).run_once()
    [line] = [r.getMessage() for r in caplog.records if r.name == "klynge.server.reminders"]
    assert line.startswith("reminders: the pass failed: ") and line.endswith("; the next pass tries again")


@pytest.mark.parametrize("env,on", [({}, False), ({"KLYNGE_SMTP_URL": "smtp://127.0.0.1:25"}, True),
                                    ({"KLYNGE_SMTP_URL": "smtp://127.0.0.1:25", "KLYNGE_REMIND_EVERY": "0"}, False)])
def test_the_passes_run_only_with_a_mail_server_and_an_interval(tmp_path, env, on):
    from klynge.server.reminders import ReminderPasses

    passes = ReminderPasses(_settings(tmp_path / "home", **env))
    passes.start()
    try:
        assert passes.enabled is on and (passes._thread is not None) is on
    finally:
        passes.stop()
