"""The reminder passes of ``klynge serve``: the invitations' reminders due, and failed mails again.

With a mail server set (``KLYNGE_SMTP_URL``) and ``KLYNGE_REMIND_EVERY`` above 0, the server runs
:func:`klynge.invitations.send_reminders` as the system identity (every cluster) once when it starts and
then every ``KLYNGE_REMIND_EVERY`` minutes, in a thread of its own: a pass talks to the database and the
mail server and may wait on either, and the server's event loop never waits on it. One pass runs at a
time. Each logs one line, with counts only (never an address, a link or a password): the lines that
:mod:`klynge.mail` and :mod:`klynge.invitations` log per mail, which name the address, stay out of the
server's log (what became of each invitation is recorded on it, for the facilitators). A pass that fails,
the mail server down or refusing the login, or the database away, is logged and the next pass tries
again; it never stops the server. Passes of two servers on one database, or a pass and the cron job's
``klynge invite remind``, never send one mail twice: each invitation is claimed before it is sent
(:meth:`klynge.store.invitations.InvitationsMixin.claim_reminder`).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter

from ..errors import KlyngeError
from ..settings import Settings

__all__ = ["ReminderPasses", "reminder_pass"]

log = logging.getLogger(__name__)

#: The name of the passes' thread; the per-mail lines logged in it are left out.
THREAD = "klynge-reminders"
#: The loggers that log a line per mail (with its address).
PER_MAIL = ("klynge.mail", "klynge.invitations")


class _OnlyThePassLine(logging.Filter):
    """Leaves out what a pass logs per mail: the pass says its one line of counts instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.threadName != THREAD


def reminder_pass(settings: Settings) -> str:
    """Run one pass and return the line it logs: how many mails were sent, failed and bounced."""
    from .. import invitations
    from ..operations import SYSTEM, store_for

    with store_for(settings, create=False) as store:
        outcomes = invitations.send_reminders(settings, store, SYSTEM)
    counts = Counter(o.invitation.delivery for o in outcomes)
    line = f"reminders: {counts['sent']} sent, {counts['failed']} failed, {counts['bounced']} bounced"
    stopped = outcomes[-1].category if outcomes and outcomes[-1].category in invitations.SERVER_DOWN else None
    if stopped:
        line += f"; the mail server failed ({stopped}), the next pass tries again"
    return line


def _failure(exc: BaseException) -> str:
    """What went wrong, in words that hold no data: Klynge's own message, the driver's first line when the
    database could not be used (unreachable, locked), else only the kind of error (a failed statement can
    quote the row it was given, addresses and all)."""
    from sqlalchemy.exc import OperationalError

    if isinstance(exc, KlyngeError):
        return str(exc)
    if isinstance(exc, OperationalError):
        said = str(exc.orig).strip().splitlines()
        return f"the database could not be used: {said[0] if said else type(exc.orig).__name__}"
    return type(exc).__name__


class ReminderPasses:
    """A daemon thread that runs :func:`reminder_pass` now and every ``settings.remind_every`` minutes.

    ``start`` does nothing when the passes are off (no mail server, or ``remind_every`` 0); ``stop`` ends
    the thread after the pass it is in, if any.
    """

    def __init__(self, settings: Settings):
        self.settings = settings
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._quiet = _OnlyThePassLine()

    @property
    def enabled(self) -> bool:
        """Whether this server sends reminders: a mail server is set and the interval is above 0."""
        return bool(self.settings.smtp_url) and self.settings.remind_every > 0

    def start(self) -> None:
        if not self.enabled or self._thread is not None:
            return
        for name in PER_MAIL:
            logging.getLogger(name).addFilter(self._quiet)
        self._thread = threading.Thread(target=self._run, name=THREAD, daemon=True)
        self._thread.start()
        log.info("reminders: a pass now and every %g minutes (KLYNGE_REMIND_EVERY)", self.settings.remind_every)

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
        for name in PER_MAIL:
            logging.getLogger(name).removeFilter(self._quiet)

    def run_once(self) -> None:
        """One pass, logged; a failure is logged too and never raised."""
        try:
            log.info("%s", reminder_pass(self.settings))
        except Exception as exc:  # noqa: BLE001  (the server keeps serving; the next pass tries again)
            log.error("reminders: the pass failed: %s; the next pass tries again", _failure(exc))

    def _run(self) -> None:
        every = self.settings.remind_every * 60
        while not self._stopping.is_set():
            self.run_once()
            self._stopping.wait(every)
