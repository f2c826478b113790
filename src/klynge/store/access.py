"""Who may read and write what: the one access decision the store and the apps ask.

- A participant reads and writes their own organisation; of other organisations in their
  cluster they read the profile, the offers and what is shared with the cluster (never private
  notes or entries); nothing else.
- A facilitator reads the cluster's register and documents except private notes and entries
  (private means private to the organisation), manages the member register (organisations,
  people, keys) and reads the research views; they do not write members' documents.
- A researcher reads only the research views of their cluster: tables without names, free
  text or private entries.
- Decisions and the maturity self-assessment: a facilitator records the members' decisions on
  findings' options, answers the self-assessment for the cluster's management and takes the
  round's snapshots; a participant reads the decisions and answers the self-assessment for
  their own organisation (and reads only those answers); a researcher does neither.
- The library: a participant shares files and links for their own organisation (and may take
  them away again) and reads what the cluster shares and what any cluster made public; a
  facilitator reads the library and removes any item of the cluster; a researcher does neither.
- The system identity (the command line on the server) may do everything, in every cluster
  (or in the one cluster it names), and sees private items.
- A package is seen by the cluster unless it is private; a private one only by its owner's
  participants and the participants of every organisation with a part in it (a supplier must
  read what it is asked to take part in, even when the cluster may not). A supplier answers
  (accepts or withdraws) with a document of its own organisation, so it needs no right to write
  the owner's: only an organisation with a part in the package, other than its owner, answers.
- Fees and in-kind hours: a facilitator reads and marks the organisations' fees, and logs, reads
  and removes the hours of anyone in the cluster; a participant logs, reads and removes only
  their own hours, in their own organisation, and never the hours an attended event gave them
  (the event's record, kept by the facilitator).

- Events: a participant reads the events of their cluster and signs up (or cancels) for
  themselves only; a facilitator manages the events, signs up anyone of the cluster, reads who
  signed up and attended and imports attendance reports.

- Invitations: a participant invites for their own organisation (partners it works with, its
  colleagues and board members) and reads the invitations it made; a facilitator invites for the
  cluster and reads them all. A participant of an organisation, or a facilitator, decides who may
  join it.
- Research use of shared notes: a participant consents (or withdraws consent) for their own
  organisation only, and reads their own organisation's consent; a facilitator reads every
  member's consent and never gives it for them; a researcher sees only what the consent lets
  into the research views.

- An invitee (a person invited who has no organisation yet) may only register an organisation
  or ask to join one (``register``); nothing else, not even read the register.

- The audit log (who signed in, exported, erased, changed a role, revoked a key): read by the
  cluster's facilitators (``read_audit``); researchers and participants never read it.
- A person's own record (everything stored about them): each person reads their own
  (:func:`require_own_record`), and nobody else's; the system reads anyone's.
- Workshops: a facilitator opens a round, groups and merges its ideas and closes it; everyone of
  the cluster but researchers reads the rounds, adds ideas and comments, reacts and votes with
  their own dots. A person edits only their own ideas (the store checks the author).
- Concepts: everyone of the cluster but researchers reads the pipeline. A participant starts
  concepts for their own organisation; the owner organisation's participants and those of its
  partner organisations edit, promote and drop a concept (:func:`require_concept`); a
  facilitator does not edit one, but may drop any concept or give it another owner
  (``steer_concepts``).
- The learning log: participants and facilitators read the cluster's lessons; a participant adds
  lessons for their own organisation and edits only its lessons; a facilitator adds and edits any
  lesson of the cluster and links lessons to the findings and options they changed.

Every identity but the system one is scoped to a cluster, and every decision names the cluster
of what is asked for: a missing cluster on either side is refused, never allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import AccessDenied

__all__ = ["ACTIONS", "ROLES", "Identity", "can_read_person", "can_see_item", "can_see_package", "decide", "require",
           "require_answer", "require_concept", "require_hours", "require_own_record", "scope", "takes_part"]

ROLES = ("participant", "facilitator", "researcher", "invitee", "system")

#: Each action and the roles that may do it (the system identity may do all).
ACTIONS: dict[str, tuple[str, ...]] = {
    "read_register": ("participant", "facilitator"),    # the cluster, organisations, offers
    "read_documents": ("participant", "facilitator"),   # canvases, assessments, packages
    "write_documents": ("participant",),                # the caller's own organisation's documents
    "write_register": ("participant", "facilitator"),   # a profile and its offers (own organisation)
    "manage": ("facilitator",),                         # organisations, people and keys of the cluster
    "research": ("researcher", "facilitator"),          # the research views
    "status": ("participant", "facilitator", "researcher"),  # counts of the cluster
    "admin": (),                                        # backups, dumps, loads, new clusters
    "read_decisions": ("participant", "facilitator"),   # the members' decisions on findings' options
    "decide": ("facilitator",),                         # record decisions; take and read maturity snapshots
    "answer_maturity": ("participant", "facilitator"),  # the self-assessment, for one respondent
    "fees": ("facilitator",),                           # read, invoice and mark the organisations' fees
    "log_hours": ("participant", "facilitator"),        # log and remove in-kind hours (see require_hours)
    "read_hours": ("participant", "facilitator"),       # read in-kind hours (see require_hours)
    "funnel": ("facilitator",),                         # who was invited by whom, who signed in and works
    "read_events": ("participant", "facilitator"),      # the cluster's events
    "sign_up": ("participant", "facilitator"),          # sign oneself up for an event, or cancel
    "sign_up_others": ("facilitator",),                 # sign anyone of the cluster up, or cancel
    "manage_events": ("facilitator",),                  # events, who came, attendance imports
    "invite": ("participant", "facilitator"),           # invite people; read invitations; decide who joins
    "register": ("invitee",),                           # register an organisation, or ask to join one
    "read_library": ("participant", "facilitator"),     # the cluster's library (and public items)
    "share_library": ("participant",),                  # add items for the caller's own organisation
    "remove_library": ("participant", "facilitator"),   # a facilitator any item; a participant their own's
    "research_consent": ("participant",),               # consent (or withdraw it) to research use of notes
    "read_research_consent": ("participant", "facilitator"),  # whether an organisation consented
    "read_audit": ("facilitator",),                     # the audit log of the cluster
    "own_record": ("participant", "facilitator", "researcher", "invitee"),  # one's own record (see require_own_record)
    "workshop": ("participant", "facilitator"),         # read the rounds; add ideas, comment, react, vote
    "run_workshops": ("facilitator",),                  # open, group, merge, extend and close rounds
    "concepts": ("participant", "facilitator"),         # read the concept pipeline; edit as require_concept says
    "steer_concepts": ("facilitator",),                 # drop any concept of the cluster, or give it another owner
    "read_lessons": ("participant", "facilitator"),     # the cluster's learning log
    "write_lessons": ("participant", "facilitator"),    # add and edit lessons (a participant: its own organisation's)
    "link_lessons": ("facilitator",),                   # link lessons to the findings and options they changed
}

# Actions a participant may do only for their own organisation.
_OWN_ORGANISATION = ("write_documents", "write_register", "answer_maturity", "log_hours", "read_hours",
                     "invite", "share_library", "remove_library", "research_consent", "read_research_consent",
                     "write_lessons")
# Actions a facilitator may do only for the cluster's management (no organisation named), never
# for a member: a member's answers are the member's own.
_AS_FACILITATOR = ("answer_maturity",)


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
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")

    @classmethod
    def system(cls) -> Identity:
        """The server's own identity, for the command line and loaders."""
        return cls(person_id=None, role="system", name="system")

    @property
    def is_system(self) -> bool:
        return self.role == "system"


def decide(who: Identity, action: str, *, organisation_id: int | None = None,
           cluster_id: int | None = None) -> bool:
    """Whether ``who`` may do ``action`` on what belongs to ``cluster_id`` (and ``organisation_id``).

    Parameters
    ----------
    who
        The caller.
    action
        One of :data:`ACTIONS`.
    organisation_id
        The organisation acted on, for the actions a participant may do only for their own.
    cluster_id
        The cluster of what is acted on. Needed for every identity but the system one.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if who.is_system:  # everywhere, or in its own cluster when it names one (the batch's reader)
        return who.cluster_id is None or cluster_id is None or who.cluster_id == cluster_id
    if who.cluster_id is None or cluster_id is None or who.cluster_id != cluster_id:
        return False
    if who.role not in ACTIONS[action]:
        return False
    if who.role == "participant" and action in _OWN_ORGANISATION:
        return organisation_id is not None and organisation_id == who.organisation_id
    if who.role == "facilitator" and action in _AS_FACILITATOR:
        return organisation_id is None
    return True


def require(who: Identity, action: str, *, organisation_id: int | None = None,
            cluster_id: int | None = None) -> None:
    """Raise :class:`AccessDenied`, with the reason in words, unless :func:`decide` allows."""
    if decide(who, action, organisation_id=organisation_id, cluster_id=cluster_id):
        return
    if who.cluster_id is None:
        raise AccessDenied(f"a {who.role} without a cluster may do nothing")
    if cluster_id is None:
        raise AccessDenied("that is not scoped to a cluster")
    if who.cluster_id != cluster_id:
        raise AccessDenied("that belongs to another cluster")
    if who.role == "researcher":
        raise AccessDenied("researchers read the research views only")
    if who.role == "facilitator" and action in _AS_FACILITATOR:
        raise AccessDenied("a facilitator answers for the cluster's management; each member answers for itself")
    if who.role in ACTIONS[action]:
        raise AccessDenied("you can change only your own organisation's data")
    raise AccessDenied(f"a {who.role} may not {action.replace('_', ' ')}")


def require_hours(who: Identity, action: str, *, person_id: int | None, organisation_id: int | None,
                  cluster_id: int | None, source: str = "manual") -> None:
    """Raise :class:`AccessDenied` unless ``who`` may ``action`` (log_hours, read_hours) these hours.

    The hours are ``person_id``'s in ``organisation_id``; ``source`` is manual or attendance. A
    participant acts only on their own hours in their own organisation, and does not log or
    remove the hours of an attended event.
    """
    if action not in ("log_hours", "read_hours"):
        raise ValueError(f"not an action on hours: {action!r}")
    require(who, action, organisation_id=organisation_id, cluster_id=cluster_id)
    if who.role != "participant":
        return
    if person_id is None or person_id != who.person_id:
        raise AccessDenied("you log and read only your own hours")
    if action == "log_hours" and source != "manual":
        raise AccessDenied("hours from an attended event are the event's record; a facilitator changes them")


def require_own_record(who: Identity, person_id: int, cluster_id: int | None) -> None:
    """Raise :class:`AccessDenied` unless ``who`` may read everything stored about ``person_id``.

    A person reads their own record, whatever their role; nobody reads another's, a facilitator
    included (the record holds private notes); the system identity reads anyone's.
    """
    require(who, "own_record", cluster_id=cluster_id)
    if not who.is_system and who.person_id != person_id:
        raise AccessDenied("you can read only what is stored about yourself")


def scope(who: Identity, action: str) -> int | None:
    """Require ``action`` in the caller's own cluster; returns the cluster a listing is limited to.

    None (every cluster) only for the system identity that names no cluster.

    Raises
    ------
    AccessDenied
        When :func:`require` refuses, e.g. for an identity that names no cluster.
    """
    require(who, action, cluster_id=who.cluster_id)
    return who.cluster_id


def can_read_person(who: Identity, cluster_id: int | None, organisation_id: int | None) -> bool:
    """Whether ``who`` reads the name of a person of ``organisation_id`` in ``cluster_id`` (a decision's decider).

    The system and the cluster's facilitators read everyone of the cluster; a participant only the
    people of their own organisation; anyone else nobody (a person with no organisation included).
    """
    if decide(who, "manage", cluster_id=cluster_id):
        return True
    return (who.role == "participant" and organisation_id is not None and organisation_id == who.organisation_id
            and decide(who, "read_register", cluster_id=cluster_id))


def can_see_item(who: Identity, owner_organisation_id: int, item: dict) -> bool:
    """Whether ``who`` sees one note or entry of a document owned by ``owner_organisation_id``.

    A private item is seen only by its own organisation's participants and the system.
    """
    if item.get("visibility", "cluster") != "private":
        return True
    if who.is_system:
        return True
    return who.role == "participant" and who.organisation_id == owner_organisation_id


def takes_part(organisation_id: int | None, package_items: dict) -> bool:
    """Whether ``organisation_id`` has a part in the package whose fields are ``package_items``."""
    return organisation_id is not None and any(
        comp.get("organisation_id") == organisation_id for comp in package_items.get("components", []))


def can_see_package(who: Identity, owner_organisation_id: int, package_items: dict) -> bool:
    """Whether ``who`` reads a package (its fields ``package_items``) owned by ``owner_organisation_id``.

    As :func:`can_see_item`, and a participant of an organisation with a part in it sees it too,
    private or not. An empty document (nothing saved, or nothing left) is seen by no one.
    """
    if not package_items:
        return False
    if can_see_item(who, owner_organisation_id, package_items):
        return True
    return who.role == "participant" and takes_part(who.organisation_id, package_items)


def require_answer(who: Identity, organisation_id: int, owner_organisation_id: int, package_items: dict) -> None:
    """Raise :class:`AccessDenied` unless ``organisation_id`` may answer the package as one of its suppliers.

    The caller's right to write ``organisation_id``'s own documents is checked by the store
    beside this (``write_documents``); here, that the organisation is a supplier, not the owner.
    """
    if not can_see_package(who, owner_organisation_id, package_items):
        raise AccessDenied("that package is not shared with you")
    if organisation_id == owner_organisation_id:
        raise AccessDenied("the package's own organisation does not answer it; it agrees by saving it")
    if not takes_part(organisation_id, package_items):
        raise AccessDenied("your organisation has no part in that package")


def require_concept(who: Identity, cluster_id: int | None, owner_id: int, partners, *, drop: bool = False) -> None:
    """Raise :class:`AccessDenied` unless ``who`` may edit (or, with ``drop``, drop) a concept of ``cluster_id``.

    The concept is owned by organisation ``owner_id`` with partner organisations ``partners``: their
    participants edit, promote and drop it; a facilitator may only drop it (``steer_concepts``).
    """
    require(who, "concepts", cluster_id=cluster_id)
    if who.is_system:
        return
    if who.role == "facilitator" and drop:
        require(who, "steer_concepts", cluster_id=cluster_id)
        return
    if who.role != "participant" or who.organisation_id is None:
        raise AccessDenied("only the members that make a concept change it; a facilitator may drop it or re-own it")
    if who.organisation_id != owner_id and who.organisation_id not in set(partners):
        raise AccessDenied("only the owner organisation and its partners change this concept")
