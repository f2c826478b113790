"""E-mail through SMTP: the mail server from the settings, invitation messages, sending, and the reminder schedule.

The server is one setting, ``KLYNGE_SMTP_URL``, and its password another, ``KLYNGE_SMTP_PASSWORD``::

    smtp+starttls://klynge@mail.example:587     plain connection, upgraded with STARTTLS (port 587 by default)
    smtps://klynge@mail.example:465             TLS from the first byte (port 465 by default)
    smtp://relay.internal:25                    no encryption, no login (a relay inside the network)
    smtp+starttls://klynge@mail.example?from=post@klynge.example    the sender's address

A user name in the URL means Klynge logs in with it and the password; over plain ``smtp://`` only to
a server on the same machine, since the password would travel unencrypted. The password is never part of
the URL, and never shown: the settings' repr masks it, and every message of a :class:`~klynge.errors.MailError`
is scrubbed of it before it is raised (a server's reply is quoted in the message, and a server may quote
what it was sent).

:func:`invitation_message` writes an invitation, or a reminder of one, in the invitee's language as plain
text and HTML; :func:`send` hands a message to the server and turns each way it can fail into a
:class:`~klynge.errors.MailError` subclass (its ``category`` is what an invitation records); and
:func:`next_reminder` says when the next of at most :data:`MAX_REMINDERS` reminders is due.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import smtplib
import socket
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from .errors import (
    LoginRejected,
    MailError,
    MailServerRefused,
    MailTimedOut,
    RecipientRefused,
    SettingsError,
    TlsFailed,
    ValidationError,
)
from .i18n import t
from .settings import LANGUAGES, Settings
from .templating import render

__all__ = ["COLLEAGUES", "MAX_REMINDERS", "RELATIONS", "SECURITY", "Invite", "MailServer", "Sent", "follow_up_message",
           "invitation_message", "mail_server", "next_reminder", "parse_smtp_url", "send"]

log = logging.getLogger(__name__)

#: Why someone was invited: the kind of relation between the one who invites and the invitee.
RELATIONS = ("supplier", "customer", "support", "finance", "research", "other")

#: Relations that bring the invitee into the inviter's own organisation (as staff or as a board member).
COLLEAGUES = ("colleague", "board")

#: The URL schemes of ``KLYNGE_SMTP_URL``, each with its kind of security and its usual port.
SECURITY = {"smtp": ("none", 25), "smtp+starttls": ("starttls", 587), "smtps": ("tls", 465)}

#: An invitation is followed by at most this many reminders.
MAX_REMINDERS = 2

#: Seconds to wait for the mail server at each step before giving up.
TIMEOUT = 20.0


@dataclass(frozen=True)
class MailServer:
    """Where and how to send: parsed from ``KLYNGE_SMTP_URL``, with the password kept out of the repr."""

    host: str
    port: int
    security: str
    user: str | None = None
    sender: str = ""
    password: str | None = field(default=None, repr=False)

    @property
    def address(self) -> str:
        """``host:port``, for a message a facilitator reads."""
        return f"{self.host}:{self.port}"


def parse_smtp_url(url: str, password: str | None = None) -> MailServer:
    """The mail server ``url`` names (see the module's docstring), with ``password`` for its user.

    Raises
    ------
    SettingsError
        Naming what is wrong: the scheme, the host, the port, a password in the URL, a user without a
        password, or a sender address that is not one. The URL is quoted only when it holds no password.
    """
    parts = urlsplit(url.strip())
    try:
        has_password = parts.password is not None
    except ValueError:
        has_password = False
    if has_password:
        raise SettingsError("KLYNGE_SMTP_URL holds a password: remove it from the URL and set "
                            "KLYNGE_SMTP_PASSWORD instead")
    if parts.scheme not in SECURITY:
        raise SettingsError(f"KLYNGE_SMTP_URL must start with {', '.join(f'{s}://' for s in SECURITY)}; "
                            f"got {url!r}")
    security, default_port = SECURITY[parts.scheme]
    if not parts.hostname:
        raise SettingsError(f"KLYNGE_SMTP_URL names no mail server host (as in smtp+starttls://user@host:587); "
                            f"got {url!r}")
    try:
        port = parts.port or default_port
    except ValueError:
        raise SettingsError(f"KLYNGE_SMTP_URL has a port that is not a number from 1 to 65535: {url!r}") from None
    if parts.path not in ("", "/"):
        raise SettingsError(f"KLYNGE_SMTP_URL has a path ({parts.path!r}); a mail server takes only "
                            f"user@host:port and ?from=address")
    query = parse_qs(parts.query)
    unknown = sorted(set(query) - {"from"})
    if unknown:
        raise SettingsError(f"KLYNGE_SMTP_URL knows only the option from=address; got {', '.join(unknown)}")
    user = unquote(parts.username) if parts.username else None
    if user and security == "none" and not _is_loopback(parts.hostname):
        raise SettingsError(f"KLYNGE_SMTP_URL logs in as {user!r} over smtp://, which sends the password "
                            f"unencrypted; use smtp+starttls:// or smtps://")
    if user and not password:
        raise SettingsError(f"KLYNGE_SMTP_URL logs in as {user!r} but KLYNGE_SMTP_PASSWORD is not set")
    sender = query.get("from", [""])[-1] or (user if user and "@" in user else f"{user or 'klynge'}@{parts.hostname}")
    if not _is_address(sender):
        raise SettingsError(f"KLYNGE_SMTP_URL: the sender {sender!r} is not an e-mail address; add "
                            f"?from=name@domain")
    return MailServer(parts.hostname, port, security, user, sender, password if user else None)


def mail_server(settings: Settings) -> MailServer | None:
    """The mail server of the settings, or None when ``KLYNGE_SMTP_URL`` is not set (links are shown instead)."""
    if not settings.smtp_url:
        return None
    return parse_smtp_url(settings.smtp_url, settings.smtp_password)


def _is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_address(text: str) -> bool:
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(text, check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        return False
    return True


# -- messages -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Invite:
    """What an invitation says: to whom, from whom, why, and the link that signs the invitee in.

    ``reminder`` is 0 for the invitation itself and 1 or 2 for its reminders; ``invited_on`` is when the
    invitation was first sent (a reminder names the day). ``note`` is the inviter's own words, if any.
    """

    email: str
    name: str
    link: str
    inviter: str
    relation: str
    cluster: str
    lang: str
    note: str = ""
    reminder: int = 0
    invited_on: datetime | None = None

    def problems(self) -> list[tuple[str, str]]:
        """What is wrong with this invitation, as (field, message) pairs; empty when it can be written."""
        found = []
        if not _is_address(self.email):
            found.append(("email", f"{self.email!r} is not an e-mail address"))
        if self.relation not in RELATIONS + COLLEAGUES:
            found.append(("relation", f"must be one of {', '.join(RELATIONS + COLLEAGUES)}, got {self.relation!r}"))
        if self.lang not in LANGUAGES:
            found.append(("lang", f"must be one of {', '.join(LANGUAGES)}, got {self.lang!r}"))
        if not 0 <= self.reminder <= MAX_REMINDERS:
            found.append(("reminder", f"must be from 0 to {MAX_REMINDERS}, got {self.reminder}"))
        elif self.reminder and self.invited_on is None:
            found.append(("invited_on", "a reminder names the day of the invitation; it is missing"))
        for name in ("name", "inviter", "cluster"):
            if not getattr(self, name).strip() or any(c in getattr(self, name) for c in "\r\n"):
                found.append((name, "must be one line of text"))
        if not self.link.startswith(("https://", "http://")):
            found.append(("link", "must be a sign-in link starting with https:// or http://"))
        return found


def _texts(invite: Invite) -> dict[str, str]:
    lang, kind = invite.lang, "reminder" if invite.reminder else "invite"
    values = {"name": invite.name, "inviter": invite.inviter, "cluster": invite.cluster}
    texts = {
        "subject": t(f"mail.{kind}.subject", lang, **values),
        "greeting": t("mail.greeting", lang, **values),
        "intro": t(f"mail.{kind}.intro", lang, **values, date=invite.invited_on),
        "why": t(f"mail.why.{invite.relation}", lang, **values),
        "note_intro": t("mail.note_intro", lang, **values),
        "action": t("mail.action", lang),
        "button": t("mail.button", lang),
        "personal": t("mail.personal", lang),
        "last": t("mail.reminder.last", lang) if invite.reminder == MAX_REMINDERS else "",
        "footer": t("mail.footer", lang, **values),
    }
    return texts


def invitation_message(invite: Invite, sender: str) -> EmailMessage:
    """The e-mail of an invitation (or of its reminder), in ``invite.lang``, as plain text and HTML.

    Raises
    ------
    ValidationError
        When the address, relation, language, reminder number or link cannot be used.
    """
    return _message(invite, sender, "invitation", _texts)


def follow_up_message(invite: Invite, sender: str) -> EmailMessage:
    """The e-mail that follows up a person who signed in and then stopped: their work in the cluster is
    waiting, with a fresh sign-in link; in ``invite.lang``, as plain text and HTML (``reminder`` is unused).

    Raises
    ------
    ValidationError
        As :func:`invitation_message`.
    """
    return _message(replace(invite, reminder=0), sender, "follow_up", _follow_up_texts)


def _follow_up_texts(invite: Invite) -> dict[str, str]:
    lang, values = invite.lang, {"name": invite.name, "inviter": invite.inviter, "cluster": invite.cluster}
    return {
        "subject": t("mail.follow_up.subject", lang, **values),
        "greeting": t("mail.greeting", lang, **values),
        "intro": t("mail.follow_up.intro", lang, **values),
        "action": t("mail.action", lang),
        "button": t("mail.follow_up.button", lang),
        "personal": t("mail.personal", lang),
        "footer": t("mail.follow_up.footer", lang, **values),
    }


def _message(invite: Invite, sender: str, template: str, write: Callable[[Invite], dict[str, str]]) -> EmailMessage:
    """The message of ``template`` with the texts ``write`` makes, once the invite is known to be usable."""
    problems = invite.problems()
    if problems:
        raise ValidationError(problems)
    texts = write(invite)
    context = {"lang": invite.lang, "link": invite.link, "note": invite.note.strip(), **texts}
    message = EmailMessage()
    message["Subject"] = texts["subject"]
    message["From"] = Address(t("mail.sender_name", invite.lang, cluster=invite.cluster), addr_spec=sender)
    message["To"] = Address(invite.name, addr_spec=invite.email)
    message["Date"] = format_datetime(datetime.now().astimezone())
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2])
    message.set_content(render(f"mail/{template}.txt.j2", **context))
    message.add_alternative(render(f"mail/{template}.html.j2", **context), subtype="html")
    message["Content-Language"] = invite.lang  # after add_alternative, which moves Content-* headers to a part
    return message


# -- sending --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    """A message the server accepted: for whom, with which id, and any recipients it refused of several."""

    recipients: tuple[str, ...]
    message_id: str
    refused: dict[str, str] = field(default_factory=dict)


def _scrub(text: str, password: str | None) -> str:
    return text.replace(password, "***") if password else text


def _reply(exc: smtplib.SMTPResponseException) -> str:
    error = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    return f"{exc.smtp_code} {error}".strip()


@functools.cache
def _trusted() -> ssl.SSLContext:
    """The system's trusted authorities, loaded once: loading them takes tens of milliseconds a mail."""
    return ssl.create_default_context()


def _connect(server: MailServer, timeout: float, context: ssl.SSLContext) -> smtplib.SMTP:
    if server.security == "tls":
        return smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=context)
    smtp = smtplib.SMTP(server.host, server.port, timeout=timeout)
    if server.security == "starttls":
        try:
            smtp.starttls(context=context)
        except BaseException:
            smtp.close()
            raise
    return smtp


def _deliver(message: EmailMessage, server: MailServer, timeout: float, context: ssl.SSLContext) -> Sent:
    with _connect(server, timeout, context) as smtp:
        if server.user:
            smtp.login(server.user, server.password or "")
        refused = smtp.send_message(message, from_addr=server.sender)
    recipients = tuple(a.addr_spec for a in message["To"].addresses)
    return Sent(recipients, str(message["Message-ID"]),
                {to: _reply_text(reply) for to, reply in refused.items()})


def _reply_text(reply: tuple[int, bytes]) -> str:
    code, text = reply
    return f"{code} {text.decode('utf-8', 'replace')}"


def _classify(exc: BaseException, server: MailServer, recipients: str) -> MailError:
    where = f"the mail server {server.address}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = "; ".join(f"{to}: {_reply_text(reply)}" for to, reply in exc.recipients.items())
        return RecipientRefused(f"{where} refused the address {recipients} ({replies}); check the address")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return LoginRejected(f"{where} rejected the login of {server.user!r} ({_reply(exc)}); check the user in "
                             f"KLYNGE_SMTP_URL and KLYNGE_SMTP_PASSWORD")
    if isinstance(exc, smtplib.SMTPNotSupportedError) and server.security == "starttls":
        return TlsFailed(f"{where} does not offer STARTTLS; use smtps:// if it speaks TLS on its port, "
                         f"or ask its keeper to turn STARTTLS on")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return LoginRejected(f"{where} does not accept a login here ({exc}); use smtp+starttls:// or smtps://, "
                             f"or remove the user from KLYNGE_SMTP_URL")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return TlsFailed(f"{where} showed a certificate that cannot be trusted ({exc.verify_message}); "
                         f"check the host name in KLYNGE_SMTP_URL")
    if isinstance(exc, ssl.SSLError):
        return TlsFailed(f"no secure connection to {where} ({exc.reason or exc}); check that its port speaks "
                         f"{'TLS (smtps://)' if server.security == 'tls' else 'STARTTLS (smtp+starttls://)'}")
    if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
        # smtplib turns a timeout while waiting for a reply into "connection unexpectedly closed".
        return MailTimedOut(f"{where} did not answer in time; try again later or check KLYNGE_SMTP_URL")
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return MailError(f"{where} refused the sender {server.sender} ({_reply(exc)}); set an address the "
                         f"server accepts with ?from= in KLYNGE_SMTP_URL")
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return MailServerRefused(f"{where} closed the connection ({exc or 'without a word'}); check the port "
                                 f"and the scheme in KLYNGE_SMTP_URL")
    if isinstance(exc, socket.gaierror):
        return MailServerRefused(f"there is no mail server called {server.host!r}; check KLYNGE_SMTP_URL")
    if isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException):
        return MailServerRefused(f"nothing answers at {where} ({exc.strerror or exc}); check the host and port in "
                                 f"KLYNGE_SMTP_URL and that the server runs")
    if isinstance(exc, smtplib.SMTPResponseException):
        return MailError(f"{where} did not take the message ({_reply(exc)})")
    return MailError(f"{where} did not take the message ({exc})")


def send(message: EmailMessage, settings: Settings | MailServer, *, timeout: float = TIMEOUT,
         context: ssl.SSLContext | None = None) -> Sent:
    """Hand ``message`` to the mail server of ``settings`` (or to ``settings`` when it is a :class:`MailServer`).

    ``context`` is the TLS context that checks the server's certificate (default: the system's trusted
    authorities). Nothing is retried here: the caller keeps the invitation as not sent and tries later.

    Raises
    ------
    SettingsError
        When ``KLYNGE_SMTP_URL`` cannot be used (see :func:`parse_smtp_url`).
    MailError
        When no server is set, or the message was not accepted: one subclass per plain cause (recipient
        refused, login rejected, connection refused, timed out, TLS failed). The message names the server
        and the cause, never the password.
    """
    server = settings if isinstance(settings, MailServer) else mail_server(settings)
    if server is None:
        raise MailError("no mail server is set (KLYNGE_SMTP_URL); copy the sign-in link and send it yourself")
    recipients = ", ".join(a.addr_spec for a in message["To"].addresses)
    try:
        sent = _deliver(message, server, timeout, context or _trusted())
    except (smtplib.SMTPException, OSError) as exc:
        error = _classify(exc, server, recipients)
        error.args = (_scrub(str(error), server.password),)
    else:
        error = None
    if error is not None:
        # raised outside the except block, so the library's exception (whose text is the server's reply,
        # which may quote what it was sent) is not kept as the error's __context__
        log.warning("e-mail to %s not sent: %s", recipients, error)
        raise error
    log.info("e-mail %s to %s handed to %s", sent.message_id, recipients, server.address)
    return sent


# -- reminders ------------------------------------------------------------------------------------------------


def next_reminder(sent_at: datetime, days: int, reminders: Sequence[datetime] = ()) -> datetime | None:
    """When the next reminder of an invitation sent at ``sent_at`` is due, or None when no more are sent.

    A reminder is due ``days`` after the invitation, or after the reminder before it (a reminder sent
    late moves the next one along); at most :data:`MAX_REMINDERS` are sent. ``reminders`` are the times
    of those already sent.

    Raises
    ------
    ValueError
        When ``days`` is below 1 or a reminder is dated before the invitation.
    """
    if days < 1:
        raise ValueError(f"days between reminders must be at least 1, got {days}")
    if any(r < sent_at for r in reminders):
        raise ValueError("a reminder cannot be sent before its invitation")
    if len(reminders) >= MAX_REMINDERS:
        return None
    return max([sent_at, *reminders]) + timedelta(days=days)
