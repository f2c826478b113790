"""E-mail through a real local SMTP server (aiosmtpd): the invitation, its language and link, TLS, and each failure."""

from __future__ import annotations

import datetime as dt
import logging
import socket
import traceback
from dataclasses import replace

import pytest
from aiosmtpd.smtp import AuthResult

from klynge.errors import (
    KlyngeError,
    LoginRejected,
    MailError,
    MailServerRefused,
    MailTimedOut,
    RecipientRefused,
    SettingsError,
    TlsFailed,
    ValidationError,
)
from klynge.mail import (
    MAX_REMINDERS,
    RELATIONS,
    Invite,
    MailServer,
    invitation_message,
    mail_server,
    next_reminder,
    parse_smtp_url,
    send,
)
from klynge.settings import load_settings

from .smtp import PASSWORD, USER, authenticator, free_port, server_context

LINK = "https://klynge.example/signin?key=abc123.DEF456"
SENDER = "post@klynge.example"


def _invite(**changes) -> Invite:
    base = Invite(email="kari@fjord.example", name="Kari Nordmann", link=LINK, inviter="Fjordhotellet",
                  relation="supplier", cluster="Lofoten Vinter", lang="nb")
    return replace(base, **changes)


def _settings(url: str, password: str | None = None):
    """Settings for the test server at ``url`` (a server at an IP address needs ?from= for its sender)."""
    env = {"KLYNGE_SMTP_URL": url if "?" in url else f"{url}?from={SENDER}"}
    if password:
        env["KLYNGE_SMTP_PASSWORD"] = password
    return load_settings(env)


def _parts(message):
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


# -- the message ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang,subject,greeting,button", [
    ("nb", "Fjordhotellet inviterer deg til Lofoten Vinter", "Hei Kari Nordmann,", "Logg inn på Klynge"),
    ("sv", "Fjordhotellet bjuder in dig till Lofoten Vinter", "Hej Kari Nordmann,", "Logga in på Klynge"),
    ("en", "Fjordhotellet invites you to Lofoten Vinter", "Hello Kari Nordmann,", "Sign in to Klynge"),
])
def test_an_invitation_is_written_in_the_invitees_language_as_text_and_html(lang, subject, greeting, button):
    message = invitation_message(_invite(lang=lang), SENDER)
    assert message["Subject"] == subject
    assert message["Content-Language"] == lang
    assert message["To"].addresses[0].addr_spec == "kari@fjord.example"
    assert message["From"].addresses[0].addr_spec == SENDER
    text, html = _parts(message)
    assert text.startswith(greeting) and LINK in text and "<" not in text
    assert f'href="{LINK}"' in html and button in html and f'lang="{lang}"' in html


@pytest.mark.parametrize("relation", RELATIONS)
def test_each_relation_says_why_in_every_language(relation):
    texts = {lang: _parts(invitation_message(_invite(lang=lang, relation=relation), SENDER))[0]
             for lang in ("nb", "sv", "en")}
    assert len(set(texts.values())) == 3
    assert all("Fjordhotellet" in text for text in texts.values())


def test_the_inviters_note_is_escaped_in_html_and_kept_as_typed_in_text():
    note = 'We <3 your "fish" & chips <script>alert(1)</script>'
    text, html = _parts(invitation_message(_invite(lang="en", note=note), SENDER))
    assert note in text
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&amp; chips" in html


def test_a_reminder_names_the_first_day_and_the_last_says_it_is_the_last():
    first = invitation_message(_invite(lang="en", reminder=1, invited_on=dt.datetime(2026, 12, 3, 9)), SENDER)
    last = invitation_message(_invite(lang="en", reminder=MAX_REMINDERS, invited_on=dt.datetime(2026, 12, 3, 9)),
                              SENDER)
    assert first["Subject"] == "Reminder: Fjordhotellet invites you to Lofoten Vinter"
    text, _ = _parts(first)
    assert "Dec 3, 2026" in text and LINK in text and "last reminder" not in text
    assert "last reminder" in _parts(last)[0] and "last reminder" in _parts(last)[1]


@pytest.mark.parametrize("changes,field", [
    ({"email": "kari@"}, "email"),
    ({"relation": "friend"}, "relation"),
    ({"lang": "de"}, "lang"),
    ({"reminder": 3, "invited_on": dt.datetime(2026, 12, 1)}, "reminder"),
    ({"reminder": 1}, "invited_on"),
    ({"link": "javascript:alert(1)"}, "link"),
    ({"name": "Kari\r\nBcc: everyone@example.com"}, "name"),
    ({"inviter": " "}, "inviter"),
])
def test_an_invitation_that_cannot_be_written_names_the_field(changes, field):
    with pytest.raises(ValidationError) as caught:
        invitation_message(_invite(**changes), SENDER)
    assert [f for f, _ in caught.value.problems] == [field]


# -- the setting ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url,server", [
    ("smtp+starttls://klynge@mail.example:587", ("mail.example", 587, "starttls", "klynge", "klynge@mail.example")),
    ("smtps://post%40klynge.no@mail.example", ("mail.example", 465, "tls", "post@klynge.no", "post@klynge.no")),
    ("smtp://relay.internal:2525", ("relay.internal", 2525, "none", None, "klynge@relay.internal")),
    ("smtp://relay.internal?from=hei@klynge.no", ("relay.internal", 25, "none", None, "hei@klynge.no")),
])
def test_the_smtp_url_names_host_port_security_user_and_sender(url, server):
    parsed = parse_smtp_url(url, PASSWORD)
    assert (parsed.host, parsed.port, parsed.security, parsed.user, parsed.sender) == server
    assert parsed.password == (PASSWORD if parsed.user else None)


@pytest.mark.parametrize("url,names", [
    ("imap://mail.example", "must start with smtp://"),
    ("smtp+starttls://", "names no mail server host"),
    ("smtp://mail.example:99999", "port"),
    ("smtp://mail.example:abc", "port"),
    ("smtp://mail.example/inbox", "path"),
    ("smtp://mail.example?sender=x@y.no", "from=address"),
    ("smtp://mail.example?from=nobody", "not an e-mail address"),
    ("smtp+starttls://klynge@mail.example", "KLYNGE_SMTP_PASSWORD is not set"),
    ("smtp://klynge@mail.example", "sends the password unencrypted"),
])
def test_a_bad_smtp_url_says_what_is_wrong(url, names):
    with pytest.raises(SettingsError, match="KLYNGE_SMTP_URL") as caught:
        parse_smtp_url(url, None)
    assert names in str(caught.value)


def test_a_password_in_the_url_is_refused_without_repeating_it():
    with pytest.raises(SettingsError) as caught:
        parse_smtp_url(f"smtps://klynge:{PASSWORD}@mail.example")
    assert "KLYNGE_SMTP_PASSWORD" in str(caught.value) and PASSWORD not in str(caught.value)


def test_the_settings_mask_the_password_and_the_secret_in_their_repr():
    settings = load_settings({"KLYNGE_SMTP_URL": "smtps://klynge@mail.example", "KLYNGE_SMTP_PASSWORD": PASSWORD,
                              "KLYNGE_SECRET": "server-secret-value"})
    assert settings.smtp_password == PASSWORD
    for shown in (repr(settings), str(settings), repr(mail_server(settings)), f"{settings!r}"):
        assert PASSWORD not in shown and "server-secret-value" not in shown
    assert "smtp_password='***'" in repr(settings) and "smtps://klynge@mail.example" in repr(settings)
    assert "smtp_password=None" in repr(load_settings({}))


def test_without_a_mail_server_there_is_none_and_sending_says_to_copy_the_link():
    settings = load_settings({})
    assert mail_server(settings) is None
    with pytest.raises(MailError, match="copy the sign-in link"):
        send(invitation_message(_invite(), SENDER), settings)


# -- sending ----------------------------------------------------------------------------------------------------


def test_an_invitation_arrives_at_a_plain_smtp_server_in_its_language(smtp_server):
    inbox, port = smtp_server()
    settings = _settings(f"smtp://127.0.0.1:{port}?from={SENDER}")
    sent = send(invitation_message(_invite(lang="sv", relation="finance"), mail_server(settings).sender), settings)
    assert sent.recipients == ("kari@fjord.example",) and not sent.refused
    [received] = inbox.messages
    assert inbox.envelopes[0].mail_from == SENDER and inbox.envelopes[0].rcpt_tos == ["kari@fjord.example"]
    assert received["Subject"] == "Fjordhotellet bjuder in dig till Lofoten Vinter"
    assert received["Message-ID"] == sent.message_id and received["Content-Language"] == "sv"
    text, html = _parts(received)
    assert "bank, försäkringsbolag eller investerare" in text and LINK in text
    assert f'href="{LINK}"' in html


def test_starttls_with_a_login_delivers(smtp_server, certificate, trusting, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    inbox, port = smtp_server(tls_context=server_context(certificate), require_starttls=True,
                              authenticator=authenticator, auth_required=True)
    settings = _settings(f"smtp+starttls://{USER}@127.0.0.1:{port}?from={SENDER}", PASSWORD)
    send(invitation_message(_invite(lang="en"), SENDER), settings, context=trusting)
    [received] = inbox.messages
    assert LINK in _parts(received)[0]
    out = capsys.readouterr()
    assert PASSWORD not in caplog.text + out.out + out.err


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtps_with_a_login_delivers(smtp_server, certificate, trusting):
    inbox, port = smtp_server(ssl_context=server_context(certificate), authenticator=authenticator,
                              auth_required=True, auth_require_tls=False)
    settings = _settings(f"smtps://{USER}@127.0.0.1:{port}?from={SENDER}", PASSWORD)
    send(invitation_message(_invite(lang="nb"), SENDER), settings, context=trusting)
    assert inbox.messages[0]["Subject"] == "Fjordhotellet inviterer deg til Lofoten Vinter"


def _fails(error: type[MailError], message, settings, caplog, capsys, **kwargs) -> MailError:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(error) as caught:
        send(message, settings, **kwargs)
    out = capsys.readouterr()
    # what the client side logged: "mail.log" is the test server's own logger, which may echo what it got
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "mail.log")
    shown = "".join(traceback.format_exception(caught.value)) + logged + out.out + out.err
    assert PASSWORD not in shown
    assert isinstance(caught.value, KlyngeError) and caught.value.category != "failed"
    return caught.value


def test_a_wrong_password_is_rejected_and_never_shown(smtp_server, certificate, trusting, caplog, capsys):
    inbox, port = smtp_server(tls_context=server_context(certificate), require_starttls=True,
                              authenticator=authenticator, auth_required=True)
    settings = _settings(f"smtp+starttls://{USER}@127.0.0.1:{port}", PASSWORD + "-wrong")
    error = _fails(LoginRejected, invitation_message(_invite(), SENDER), settings, caplog, capsys, context=trusting)
    assert f"127.0.0.1:{port}" in str(error) and "KLYNGE_SMTP_PASSWORD" in str(error)
    assert error.category == "login_rejected" and not inbox.messages
    assert PASSWORD + "-wrong" not in str(error) + "".join(traceback.format_exception(error))


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_a_server_that_echoes_the_password_has_it_scrubbed(smtp_server, caplog, capsys):
    def echoing(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=False, handled=False, message=f"535 bad password {auth_data.password.decode()}")

    inbox, port = smtp_server(authenticator=echoing, auth_require_tls=False)
    settings = _settings(f"smtp://{USER}@127.0.0.1:{port}", PASSWORD)
    error = _fails(LoginRejected, invitation_message(_invite(), SENDER), settings, caplog, capsys)
    assert "bad password ***" in str(error)
    assert error.__context__ is None and error.__cause__ is None  # the server's own words are not kept


def test_a_refused_recipient_is_named(smtp_server, caplog, capsys):
    inbox, port = smtp_server()
    message = invitation_message(_invite(email="nobody@refused.example"), SENDER)
    error = _fails(RecipientRefused, message, _settings(f"smtp://127.0.0.1:{port}"), caplog, capsys)
    assert "nobody@refused.example" in str(error) and "No such user" in str(error)
    assert error.category == "recipient_refused" and not inbox.messages


def test_a_closed_port_is_a_refused_connection(caplog, capsys):
    settings = _settings(f"smtp+starttls://{USER}@127.0.0.1:{free_port()}", PASSWORD)
    error = _fails(MailServerRefused, invitation_message(_invite(), SENDER), settings, caplog, capsys)
    assert "nothing answers" in str(error) and error.category == "connection_refused"


def test_a_server_that_never_answers_times_out(caplog, capsys):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # the kernel completes the connection; nobody ever says hello
        settings = _settings(f"smtp+starttls://{USER}@127.0.0.1:{silent.getsockname()[1]}", PASSWORD)
        error = _fails(MailTimedOut, invitation_message(_invite(), SENDER), settings, caplog, capsys, timeout=0.5)
    assert "did not answer in time" in str(error) and error.category == "timed_out"


def test_an_untrusted_certificate_is_a_tls_failure(smtp_server, certificate, caplog, capsys):
    inbox, port = smtp_server(tls_context=server_context(certificate), require_starttls=True)
    settings = _settings(f"smtp+starttls://{USER}@127.0.0.1:{port}", PASSWORD)
    error = _fails(TlsFailed, invitation_message(_invite(), SENDER), settings, caplog, capsys)
    assert "certificate" in str(error) and error.category == "tls_failed" and not inbox.messages


def test_starttls_asked_of_a_server_without_it_is_a_tls_failure(smtp_server, caplog, capsys):
    _, port = smtp_server()
    settings = _settings(f"smtp+starttls://{USER}@127.0.0.1:{port}", PASSWORD)
    error = _fails(TlsFailed, invitation_message(_invite(), SENDER), settings, caplog, capsys)
    assert "STARTTLS" in str(error)


def test_smtps_to_a_plain_server_is_a_tls_failure(smtp_server, trusting, caplog, capsys):
    _, port = smtp_server()
    settings = _settings(f"smtps://{USER}@127.0.0.1:{port}", PASSWORD)
    _fails(TlsFailed, invitation_message(_invite(), SENDER), settings, caplog, capsys, context=trusting, timeout=5)


def test_a_mail_server_object_can_be_given_instead_of_settings(smtp_server):
    inbox, port = smtp_server()
    send(invitation_message(_invite(), SENDER), MailServer("127.0.0.1", port, "none", sender=SENDER))
    assert len(inbox.messages) == 1


# -- reminders --------------------------------------------------------------------------------------------------


def test_reminders_follow_the_facilitators_days_and_stop_after_two():
    sent = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
    assert next_reminder(sent, 7) == sent + dt.timedelta(days=7)
    late = sent + dt.timedelta(days=9)  # the first reminder went out two days late
    assert next_reminder(sent, 7, [late]) == late + dt.timedelta(days=7)
    assert next_reminder(sent, 7, [late, late + dt.timedelta(days=7)]) is None
    assert next_reminder(sent, 1, [sent + dt.timedelta(days=1)]) == sent + dt.timedelta(days=2)


@pytest.mark.parametrize("days,reminders", [(0, []), (-3, []), (7, [dt.datetime(2026, 11, 30)])])
def test_a_schedule_that_makes_no_sense_is_refused(days, reminders):
    with pytest.raises(ValueError):
        next_reminder(dt.datetime(2026, 12, 1), days, reminders)
