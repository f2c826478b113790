"""Klynge's exceptions: each carries a message a person can act on.

::

    KlyngeError
    ├── ValidationError     a value a person typed is not acceptable (per field, per language)
    │   ├── FormProblems    the same, per field of a form, for the message beside each field
    │   ├── Refused         what is stored forbids a write (a day over 24 hours, a fee already paid)
    │   ├── AlreadyRegistered   an e-mail or organisation number is already in the network (names whose)
    │   └── NothingToSearch a search query with no word to search for (punctuation, only stop words)
    ├── AccessDenied        the caller may not read or write this
    │   ├── SessionEnded    the caller's sign-in ended (logout, key revoked or expired, erased)
    │   └── NotAnOutput     a file asked for is not one of the batch's outputs
    ├── NotFound            no such organisation, person, document, revision or language
    ├── Conflict            someone else saved the same note in between
    │   └── TargetClash     someone else saved the same SDG target in between
    ├── Contended           so many saved the same document at once that a save gave up
    ├── TemplateError       a canvas or assessment template is broken (file, field, expected)
    ├── KeyRejected         a sign-in key or session is unknown, wrong, expired, revoked or ended
    ├── DataError           an import or a reference file is not what it should be
    │   └── MessageError    a message of a language's catalogue cannot be filled in
    ├── NotEmpty            a database already holds data and --replace was not given
    ├── SettingsError       a setting (an environment variable) is not usable as given
    ├── SchemaMismatch      a database's schema is missing or of another Klynge version
    ├── Unreachable         a database cannot be opened (no server, wrong password)
    ├── OsrmUnavailable     the OSRM server gave no usable travel times (the estimate stands in)
    ├── AlreadyRunning      a Klynge server already runs on the same home folder
    ├── BatchError          a batch could not run
    ├── MissingDependency   an optional feature needs a package that is not installed
    ├── NothingToPublish    a research export of a cluster too small for anything to pass k-anonymity
    ├── MeetingError        a meeting cannot be planned (one member, no venue, no venue in reach)
    ├── NoSuggestion        no package obeys the suggestion rules (names the limit that made it impossible)
    ├── MailError           an e-mail could not be sent (``category`` names why, for the record)
    │   ├── RecipientRefused      the mail server refused the recipient's address
    │   ├── LoginRejected         the mail server rejected the user name or password
    │   ├── MailServerRefused     nothing listens at the mail server's address (or no such host)
    │   ├── MailTimedOut          the mail server did not answer in time
    │   └── TlsFailed             no secure (TLS) connection to the mail server could be made
    └── PortUnusable        ``klynge serve`` cannot listen on its port (no such port, not allowed)
        └── PortTaken       another program has the port
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "AccessDenied",
    "AlreadyRegistered",
    "AlreadyRunning",
    "BatchError",
    "Clash",
    "Conflict",
    "Contended",
    "DataError",
    "FormProblems",
    "KeyRejected",
    "KlyngeError",
    "LoginRejected",
    "MailError",
    "MailServerRefused",
    "MailTimedOut",
    "MeetingError",
    "MessageError",
    "MissingDependency",
    "NoSuggestion",
    "NotAnOutput",
    "NotEmpty",
    "NotFound",
    "NothingToPublish",
    "NothingToSearch",
    "OsrmUnavailable",
    "PortTaken",
    "PortUnusable",
    "RecipientRefused",
    "Refused",
    "SchemaMismatch",
    "SessionEnded",
    "SettingsError",
    "TargetClash",
    "TemplateError",
    "TlsFailed",
    "Unreachable",
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


class FormProblems(ValidationError):
    """Values of a form that cannot be saved: ``problems`` as (field label, message), ``by_field`` by field name.

    ``by_field`` maps a form field (``"orgnr"``, ``"price"``, ``"months"`` ...) to the message
    shown beside it, in the language asked for.
    """

    def __init__(self, problems: Sequence[tuple[str, str, str]]):
        self.by_field: dict[str, str] = {}
        for name, _label, message in problems:
            self.by_field.setdefault(name, message)
        super().__init__([(label, message) for _name, label, message in problems])


class Refused(ValidationError):
    """What is stored already forbids a write: nothing was written.

    ``str()`` says why in English; ``key`` and ``values`` name the catalogue message (``t(key, lang,
    **values)``) an app shows in the reader's language, beside the form's ``field``.
    """

    def __init__(self, field: str, message: str, key: str, **values):
        self.field, self.key, self.values = field, key, values
        super().__init__([(field, message)])


class AlreadyRegistered(ValidationError):
    """A duplicate: an invitee's e-mail address, or an organisation number, is already in the network.

    ``field`` is the field it belongs beside (``email`` or ``orgnr``) and ``value`` what was typed there;
    ``existing_id`` and ``existing`` name the person or organisation already registered, ``organisation``
    the person's organisation (empty when they have none), so the message can say whom to ask instead.
    """

    def __init__(self, field: str, message: str, *, value: str, existing_id: int, existing: str,
                 organisation: str = ""):
        self.field = field
        self.value = value
        self.existing_id = existing_id
        self.existing = existing
        self.organisation = organisation
        super().__init__([(field, message)])


class NothingToSearch(ValidationError):
    """A search query that holds no word to search for (empty, punctuation or only stop words)."""

    def __init__(self, message: str = "nothing to search for: type a word that is in what you look for"):
        super().__init__([("", message)])


class AccessDenied(KlyngeError):
    """The caller's role or organisation does not allow this."""


class SessionEnded(AccessDenied):
    """The caller's sign-in has ended since they opened the app: nothing was read or written.

    ``reason`` says why: ended (logged out), revoked, expired, erased or unknown.
    """

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(f"your sign-in has ended ({reason}): open your sign-in link again")


class NotAnOutput(AccessDenied):
    """A file asked for as a batch output lies outside the outputs folder; nothing was read."""


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


class TargetClash(Conflict):
    """Someone else saved the same SDG target since the person's base revision; nothing was saved.

    ``mine`` and ``theirs`` are the two entries of the target (``theirs`` is None when it was
    removed); ``saved_by``, ``head`` and ``clashes`` are as in :class:`Conflict`.
    """

    def __init__(self, mine, theirs, saved_by: Sequence[str], head: int):
        super().__init__([Clash(mine.target, None, theirs, mine)], saved_by, head)
        self.mine, self.theirs = mine, theirs
        who = ", ".join(self.saved_by) or "someone"
        self.args = (f"{who} changed target {mine.target} in between (now revision {head})",)


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


class MessageError(DataError):
    """A message could not be filled in: a ``{name}`` not given, or a format the value does not take."""


class NotEmpty(KlyngeError):
    """The database already holds a cluster and would be overwritten."""


class SettingsError(KlyngeError):
    """A setting cannot be used as given: the message names the variable and what it accepts."""


class SchemaMismatch(KlyngeError):
    """A database has no Klynge schema, or one of another version: the message gives the command that fixes it."""


class Unreachable(KlyngeError):
    """A database cannot be opened: the message names it (without its password) and the driver's reason."""


class OsrmUnavailable(KlyngeError):
    """The OSRM server did not give a usable answer; the message says what happened."""


class AlreadyRunning(KlyngeError):
    """A Klynge server already runs on the same home folder: the message names its address and process."""


class BatchError(KlyngeError):
    """A batch could not start or finish."""


class MissingDependency(KlyngeError):
    """An optional feature needs a package that is not installed; the message gives the fix."""


class NothingToPublish(KlyngeError):
    """A research export found no organisation it may publish: the cluster is too small for k-anonymity."""


class PortUnusable(KlyngeError):
    """``klynge serve`` cannot listen on the port it was asked to use; ``port`` names it, the message why."""

    def __init__(self, port: int, message: str):
        self.port = port
        super().__init__(message)


class PortTaken(PortUnusable):
    """Another program listens on the port ``klynge serve`` was asked to use; ``port`` names it."""

    def __init__(self, port: int):
        super().__init__(port, f"port {port} is taken by another program; choose another with --port")


class MeetingError(KlyngeError):
    """A meeting cannot be planned: fewer than two members, no venue, or no venue anyone reaches in time."""


class NoSuggestion(KlyngeError):
    """No package obeys the suggestion rules; ``limit`` names the one that, relaxed alone, would allow one."""

    def __init__(self, message: str, limit: str):
        super().__init__(message)
        self.limit = limit


class MailError(KlyngeError):
    """An e-mail could not be sent; the message says why in words a facilitator can act on, never a password.

    ``category`` is a short fixed word for the record of an invitation (``failed`` here; each
    subclass has its own), so an app can count and show failures by kind.
    """

    category = "failed"


class RecipientRefused(MailError):
    """The mail server refused the recipient's address (no such mailbox, a domain it will not deliver to)."""

    category = "recipient_refused"


class LoginRejected(MailError):
    """The mail server rejected the user name or password of ``KLYNGE_SMTP_URL`` and ``KLYNGE_SMTP_PASSWORD``."""

    category = "login_rejected"


class MailServerRefused(MailError):
    """Nothing answers at the mail server's host and port: refused, unreachable or no such host."""

    category = "connection_refused"


class MailTimedOut(MailError):
    """The mail server accepted the connection but did not answer in time."""

    category = "timed_out"


class TlsFailed(MailError):
    """No secure connection: the server offers no STARTTLS, speaks no TLS, or its certificate is not trusted."""

    category = "tls_failed"
