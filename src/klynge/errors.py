"""Klynge's exceptions: each carries a message a person can act on.

::

    KlyngeError
    ├── ValidationError     a value a person typed is not acceptable (per field, per language)
    ├── AccessDenied        the caller may not read or write this
    │   └── SessionEnded    the caller's sign-in ended (logout, key revoked or expired, erased)
    ├── NotFound            no such organisation, person, document or revision
    ├── Conflict            someone else saved the same note in between
    ├── Contended           so many saved the same document at once that a save gave up
    ├── TemplateError       a canvas or assessment template is broken (file, field, expected)
    ├── KeyRejected         a sign-in key or session is unknown, wrong, expired, revoked or ended
    ├── DataError           an import or a reference file is not what it should be
    ├── NotEmpty            a database already holds data and --replace was not given
    ├── BatchError          a batch could not run
    ├── MissingDependency   an optional feature needs a package that is not installed
    ├── PortTaken           ``klynge serve`` cannot listen: another program has its port
    └── MeetingError        a meeting cannot be planned (one member, no venue, no venue in reach)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "AccessDenied",
    "BatchError",
    "Conflict",
    "Contended",
    "DataError",
    "KeyRejected",
    "KlyngeError",
    "MeetingError",
    "MissingDependency",
    "NotEmpty",
    "NotFound",
    "PortTaken",
    "SessionEnded",
    "TemplateError",
    "ValidationError",
]


class KlyngeError(Exception):
    """Base of every error Klynge raises on purpose; ``str()`` is a readable sentence."""


class ValidationError(KlyngeError):
    """One or more values are not acceptable.

    ``problems`` holds one ``(field, message)`` pair per problem, already in the
    language that was asked for.
    """

    def __init__(self, problems: Sequence[tuple[str, str]]):
        self.problems = list(problems)
        super().__init__("; ".join(f"{f}: {m}" if f else m for f, m in self.problems))


class AccessDenied(KlyngeError):
    """The caller's role or organisation does not allow this."""


class SessionEnded(AccessDenied):
    """The caller's sign-in has ended since they opened the app: nothing was read or written.

    ``reason`` says why: ended (logged out), revoked, expired, erased or unknown.
    """

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(f"your sign-in has ended ({reason}): open your sign-in link again")


class NotFound(KlyngeError):
    """Something asked for does not exist."""


@dataclass
class Clash:
    """One note (or item) changed on both sides of a save."""

    item_id: str
    base: object
    theirs: object
    mine: object


class Conflict(KlyngeError):
    """A save clashed with revisions saved since its base revision.

    Parameters
    ----------
    clashes
        The items changed on both sides, with both versions.
    saved_by
        Names (or ids) of the people who saved in between.
    head
        The revision number now current.
    """

    def __init__(self, clashes: Sequence[Clash], saved_by: Sequence[str], head: int):
        self.clashes = list(clashes)
        self.saved_by = list(saved_by)
        self.head = head
        who = ", ".join(self.saved_by) or "someone else"
        ids = ", ".join(c.item_id for c in self.clashes)
        super().__init__(
            f"{who} saved in between (now revision {head}); the same notes changed on both sides: {ids}"
        )


class Contended(KlyngeError):
    """A save kept meeting other saves of the same document and gave up; nothing was saved."""

    def __init__(self, attempts: int):
        self.attempts = attempts
        super().__init__(f"many people saved this at the same moment ({attempts} tries); try again")


class TemplateError(KlyngeError):
    """A template file is broken: the message names the file, the field and what was expected."""


class KeyRejected(KlyngeError):
    """A sign-in key or session is not valid.

    ``reason`` is one of unknown, wrong, expired, revoked, erased, or ended (a session logged out).
    """

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(f"sign-in key rejected: {reason}")


class DataError(KlyngeError):
    """An import file or reference file does not hold what it should."""


class NotEmpty(KlyngeError):
    """The database already holds a cluster and would be overwritten."""


class BatchError(KlyngeError):
    """A batch could not start or finish."""


class MissingDependency(KlyngeError):
    """An optional feature needs a package that is not installed; the message gives the fix."""


__all__ += ["Clash"]


class PortTaken(KlyngeError):
    """Another program listens on the port ``klynge serve`` was asked to use; ``port`` names it."""

    def __init__(self, port: int):
        self.port = port
        super().__init__(f"port {port} is taken by another program; choose another with --port")


class MeetingError(KlyngeError):
    """A meeting cannot be planned: fewer than two members, no venue, or no venue anyone reaches in time."""

