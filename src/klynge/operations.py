"""What the command line does, as library functions: each takes the settings and returns data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .errors import NotFound, ValidationError
from .model import Cluster, Person
from .settings import Settings
from .store import Identity, Store, open_store
from .validation import validate

__all__ = ["Invitation", "audit_log", "backup", "backup_folder", "erase_person", "erasure_plan", "export_cluster",
           "export_person", "export_research", "find_person", "import_cluster", "import_members", "init_cluster",
           "invite", "prune_audit", "reissue", "restore", "revoke", "send_invitation", "send_reminders", "signin_link",
           "status", "store_for", "upgrade"]

SYSTEM = Identity.system()


@dataclass(frozen=True)
class Invitation:
    """A new person and the sign-in link made for them (shown once)."""

    person_id: int
    role: str
    name: str
    key: str
    link: str


def store_for(settings: Settings, *, create: bool = True) -> Store:
    """Open the database the settings name, keeping the audit log for ``settings.audit_days``."""
    store = open_store(settings.db, create=create)
    store.audit_days = settings.audit_days
    return store


def signin_link(settings: Settings, key: str) -> str:
    """The link a person opens to sign in; the server swaps the key for a cookie at once."""
    return f"{settings.base_url.rstrip('/')}/signin?key={quote(key, safe='.')}"


def status(settings: Settings) -> dict:
    """Counts and schema version of the database."""
    with store_for(settings) as store:
        return store.status(SYSTEM)


def upgrade(settings: Settings) -> str:
    """Bring the database schema up to date; returns the version.

    The store is opened without the version check :func:`store_for` makes, which refuses
    exactly the older schema this brings up to date.
    """
    from .store.engine import make_engine

    if settings.db.startswith("sqlite:///"):
        Path(settings.db.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    with Store(make_engine(settings.db)) as store:
        return store.upgrade()


def init_cluster(settings: Settings, name: str, description: str = "") -> int:
    """Create the (empty) cluster a new database starts from."""
    cluster = validate(Cluster, {"name": name, "description": description}, settings.lang)
    with store_for(settings) as store:
        if not store.is_empty(SYSTEM):
            raise ValidationError([("", "this database already holds a cluster")])
        return store.create_cluster(SYSTEM, cluster)


def invite(settings: Settings, *, name: str, email: str, role: str = "participant",
           organisation: str | None = None) -> Invitation:
    """Register a person and make their first sign-in key.

    ``organisation`` is an organisation id or organisation number (needed for participants).
    """
    with store_for(settings) as store:
        cluster = store.cluster(SYSTEM)
        org_id = _find_organisation(store, organisation) if organisation else None
        person = validate(Person, {"name": name, "email": email, "role": role,
                                   "organisation_id": org_id}, settings.lang)
        person_id = store.add_person(SYSTEM, person, cluster.id)
        key = store.issue_key(SYSTEM, person_id, settings.server_secret(), settings.key_days)
    return Invitation(person_id, person.role, person.name, key, signin_link(settings, key))


def send_invitation(settings: Settings, *, name: str, email: str, organisation: str | None = None,
                    relation: str | None = None, note: str = "", send: bool = True):
    """Invite a person from the command line (the cluster's team invites): e-mail the link, or with ``send``
    false return it to copy. Returns a :class:`klynge.invitations.Outcome`; a failed mail is in it, not raised.

    ``organisation`` (an id or organisation number) makes the person a colleague there unless ``relation``
    says otherwise; without one they are invited to register their own (relation ``other`` by default).
    """
    from . import invitations
    from .model import InvitationRequest

    with store_for(settings) as store:
        org_id = _find_organisation(store, organisation) if organisation else None
        request = validate(InvitationRequest, {
            "name": name, "email": email, "relation": relation or ("colleague" if org_id else "other"),
            "lang": settings.lang, "note": note, "organisation_id": org_id}, settings.lang)
        return invitations.invite(settings, store, SYSTEM, request, send=send)


def send_reminders(settings: Settings) -> list:
    """Send the invitations' reminders due now in every cluster, and try again the mails that failed."""
    from . import invitations

    with store_for(settings) as store:
        return invitations.send_reminders(settings, store, SYSTEM)


def revoke(settings: Settings, key_id: str) -> None:
    """Revoke a key by its id (the part of the key before the dot)."""
    with store_for(settings) as store:
        store.revoke_key(SYSTEM, key_id.partition(".")[0])


def reissue(settings: Settings, email: str) -> Invitation:
    """Revoke a person's keys and make a new one."""
    with store_for(settings) as store:
        person = store.person_by_email(SYSTEM, email)
        key = store.reissue_key(SYSTEM, person.id, settings.server_secret(), settings.key_days)
    return Invitation(person.id, person.role, person.name, key, signin_link(settings, key))


def backup_folder(settings: Settings) -> Path:
    """Where backups go: before a database is replaced, and from ``klynge db backup`` without a path."""
    return Path(settings.home) / "backups"


def export_cluster(settings: Settings, path: str) -> Path:
    """Write the whole cluster to one portable archive."""
    from .archive import export_archive

    with store_for(settings) as store:
        written = export_archive(store, Path(path))
        _audit_export(store, "export_archive", written)
        return written


def export_research(settings: Settings, folder: str, *, key: str | None = None, k: int = 3):
    """Write the research tables (no names; Parquet and CSV) and a data dictionary into ``folder``.

    Returns the :class:`klynge.research.ResearchExport`; raises
    :class:`~klynge.errors.NothingToPublish` (writing nothing) for a cluster too small for ``k``.
    """
    from .research import export_research as write

    with store_for(settings, create=False) as store:
        written = write(store, folder, SYSTEM, key=key, k=k)
        _audit_export(store, "export_research", Path(folder))
        return written


def _audit_export(store: Store, action: str, where: Path) -> None:
    """Record an export of the whole database in the audit log of each cluster it holds."""
    from .store import schema as s
    from .store.engine import reading

    with reading(store.engine) as c:
        clusters = c.execute(s.clusters.select().with_only_columns(s.clusters.c.id)).scalars().all()
    for cluster_id in clusters:
        store.record_audit(SYSTEM, action, cluster_id=cluster_id, subject_kind="file", subject_id=where.name)


def import_cluster(settings: Settings, path: str, *, replace: bool = False):
    """Read an archive into the database (a non-empty one only with ``replace``, after a backup)."""
    from .archive import import_archive

    with store_for(settings) as store:
        return import_archive(store, Path(path), replace=replace, backup_folder=backup_folder(settings))


def backup(settings: Settings, path: str | None = None) -> Path:
    """Write the whole database as an archive: to ``path``, or named by the moment in :func:`backup_folder`."""
    from .archive import export_archive

    with store_for(settings, create=False) as store:
        written = export_archive(store, Path(path)) if path else store.backup(SYSTEM, backup_folder(settings))
        _audit_export(store, "export_archive", written)
        return written


def restore(settings: Settings, path: str):
    """Replace the database's content with an archive's, after a backup of the current content.

    The archive is checked whole before anything is written or backed up: a damaged one changes
    nothing. Sign-in keys are not in an archive, so everyone needs a new one afterwards.
    """
    return import_cluster(settings, path, replace=True)


def find_person(settings: Settings, ref: str) -> Person:
    """The (not erased) person with e-mail address or id ``ref``."""
    with store_for(settings, create=False) as store:
        return store.person(SYSTEM, _person_id(store, ref))


def export_person(settings: Settings, ref: str) -> dict:
    """Everything stored about the person with e-mail address or id ``ref`` (see :meth:`Store.person_record`)."""
    with store_for(settings, create=False) as store:
        return store.person_record(SYSTEM, _person_id(store, ref), export=True)


def erasure_plan(settings: Settings, ref: str):
    """What erasing the person with e-mail address or id ``ref`` would do (:class:`klynge.store.ErasurePlan`)."""
    with store_for(settings, create=False) as store:
        return store.erasure_plan(SYSTEM, _person_id(store, ref))


def erase_person(settings: Settings, ref: str, *, remove_text: bool = False, last_facilitator: bool = False):
    """Erase the person with e-mail address or id ``ref``: their name and e-mail go, their keys are revoked,
    and the batch outputs that may quote them are removed (see :func:`klynge.rights.erase`).

    What they wrote stays under a neutral label, or with ``remove_text`` is removed. Returns the
    :class:`klynge.store.ErasureResult`.
    """
    from .rights import erase

    with store_for(settings, create=False) as store:
        return erase(store, SYSTEM, _person_id(store, ref), outputs=settings.outputs, remove_text=remove_text,
                     last_facilitator=last_facilitator)


def audit_log(settings: Settings, *, since=None, action: str | None = None) -> list:
    """The audit log, newest first (:meth:`klynge.store.Store.audit_log`), for the command line."""
    with store_for(settings, create=False) as store:
        return store.audit_log(SYSTEM, since=since, action=action)


def prune_audit(settings: Settings) -> int:
    """Delete audit entries older than ``settings.audit_days``; returns how many."""
    with store_for(settings, create=False) as store:
        return store.prune_audit(SYSTEM, settings.audit_days)


def _person_id(store: Store, ref: str) -> int:
    ref = ref.strip()
    return int(ref) if ref.isdigit() else store.person_by_email(SYSTEM, ref).id


def import_members(settings: Settings, path: str, *, invite: bool = False,
                   send: bool = False) -> tuple[object, list]:
    """Add the organisations and people of a facilitator's spreadsheet, all or nothing.

    With ``invite``, each new person gets a sign-in key at once; with ``send`` too, it is e-mailed to
    them as an invitation, and the list holds a :class:`klynge.invitations.Outcome` per person.
    """
    from .roster import import_roster, read_roster

    rows = read_roster(Path(path), settings.lang)
    invitations = []
    with store_for(settings) as store:
        cluster = store.cluster(SYSTEM)
        result = import_roster(store, SYSTEM, rows, cluster.id, lang=settings.lang)
        if invite and send:
            from .invitations import invite_members
            return result, invite_members(settings, store, SYSTEM, result.people_added)
        if invite:
            for person_id in result.people_added:
                person = store.person(SYSTEM, person_id)
                key = store.issue_key(SYSTEM, person_id, settings.server_secret(), settings.key_days)
                invitations.append(Invitation(person_id, person.role, person.name, key, signin_link(settings, key)))
    return result, invitations


def _find_organisation(store: Store, ref: str) -> int:
    from .model.organisation import normalise_orgnr
    orgs = store.organisations(SYSTEM)
    wanted = normalise_orgnr(ref)
    for org in orgs:
        if str(org.id) == ref or normalise_orgnr(org.orgnr) == wanted:
            return org.id
    raise NotFound(f"no organisation with id or organisation number {ref}")
