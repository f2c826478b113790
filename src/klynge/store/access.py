"""Who may read and write what. The store asks these rules on every call.

- A participant reads and writes their own organisation; of others they read the profile,
  the offers and what is shared with the cluster (not private notes); nothing else.
- A facilitator reads the whole cluster, private notes included, and manages the member
  register (organisations, people, keys); they do not write members' documents.
- A researcher reads only the research views: tables without names or free text.
- The system identity (the command line on the server) may do everything.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import AccessDenied

__all__ = ["Identity", "can_see_item", "require"]

_ROLES = ("participant", "facilitator", "researcher", "system")


@dataclass(frozen=True)
class Identity:
    """The caller, as the store knows them. Never built from anything a browser sent."""

    person_id: int | None
    role: str
    organisation_id: int | None = None
    cluster_id: int | None = None
    name: str = ""
    #: The server session this identity came from; the store re-checks it on every call.
    session_id: str | None = None

    def __post_init__(self):
        if self.role not in _ROLES:
            raise ValueError(f"unknown role {self.role!r}")

    @classmethod
    def system(cls) -> Identity:
        """The server's own identity, for the command line and loaders."""
        return cls(person_id=None, role="system", name="system")

    @property
    def is_system(self) -> bool:
        return self.role == "system"


def _same_cluster(who: Identity, cluster_id: int | None) -> bool:
    return who.is_system or who.cluster_id is None or cluster_id is None or who.cluster_id == cluster_id


def require(who: Identity, action: str, *, organisation_id: int | None = None,
            cluster_id: int | None = None) -> None:
    """Raise :class:`AccessDenied` unless ``who`` may do ``action``.

    Actions: ``read_register`` (organisations, offers, people of the cluster),
    ``read_documents`` (canvases, assessments, packages), ``write_own`` (an organisation's
    profile, offers and documents), ``manage`` (create organisations and people, keys),
    ``research`` (the research views), ``admin`` (status, backups, replacing the database).
    """
    role = who.role
    if role == "system":
        return
    if not _same_cluster(who, cluster_id):
        raise AccessDenied("that belongs to another cluster")
    if action == "research" and role in ("researcher", "facilitator"):
        return
    if role == "researcher":
        raise AccessDenied("researchers read the research views only")
    if action in ("read_register", "read_documents"):
        return
    if action == "write_own":
        if role == "participant" and organisation_id is not None and organisation_id == who.organisation_id:
            return
        if role == "facilitator" and organisation_id is None:
            return
        raise AccessDenied("you can change only your own organisation's data")
    if action == "manage" and role == "facilitator":
        return
    raise AccessDenied(f"a {role} may not {action.replace('_', ' ')}")


def can_see_item(who: Identity, owner_organisation_id: int, item: dict) -> bool:
    """Whether ``who`` sees one note or entry of a document owned by ``owner_organisation_id``."""
    if who.role in ("system", "facilitator"):
        return True
    if who.role == "participant" and who.organisation_id == owner_organisation_id:
        return True
    return item.get("visibility", "cluster") != "private"
