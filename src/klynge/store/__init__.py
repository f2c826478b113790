"""The store: the only module that talks to the database.

One repository API, :class:`Store`, used by the apps, the batch and the command line. Every
call names the caller (:class:`Identity`) and the store checks :mod:`klynge.store.access`.
"""

from __future__ import annotations

from sqlalchemy import Engine

from ..errors import SchemaMismatch
from .access import Identity
from .activity import ActivityMixin
from .admin import AdminMixin
from .audit import AuditEntry, AuditMixin
from .concepts import ConceptRevision, ConceptsMixin, PromotableIdea, StoredConcept
from .consent import ConsentMixin, StoredConsent
from .contributions import ContributionsMixin, StoredFee, StoredHours
from .decisions import DecisionsMixin, StoredDecision
from .directory import DirectoryMixin
from .documents import DocumentsMixin
from .engine import make_engine
from .erasure import ErasureMixin, ErasurePlan, ErasureResult
from .events import AttendanceImport, EventPerson, EventsMixin, StoredEvent, Unmatched
from .funnel import FunnelData, FunnelMixin, FunnelOrganisation, FunnelPerson
from .invitations import InvitationsMixin, StoredInvitation, StoredJoinRequest
from .keys import KeysMixin
from .lessons import LessonsMixin, StoredLesson
from .library import LibraryHit, LibraryItem, LibraryMixin
from .maturity import MaturityMixin, StoredSnapshot
from .migrate import current_version, head_version, upgrade
from .packages import PackagesMixin
from .records import Revision, RevisionInfo, Versioned
from .settings import SettingsMixin
from .workshop_imports import WorkshopImport, WorkshopImportsMixin
from .workshops import WorkshopBoard, WorkshopRound, WorkshopsMixin

__all__ = ["AttendanceImport", "AuditEntry", "ConceptRevision", "ErasurePlan", "ErasureResult", "EventPerson",
           "FunnelData", "FunnelOrganisation", "FunnelPerson", "Identity", "LibraryHit", "LibraryItem",
           "PromotableIdea", "Revision", "RevisionInfo", "Store", "StoredConcept", "StoredConsent", "StoredDecision",
           "StoredEvent", "StoredFee", "StoredHours", "StoredInvitation", "StoredJoinRequest", "StoredLesson",
           "StoredSnapshot", "Unmatched", "Versioned", "WorkshopBoard", "WorkshopImport", "WorkshopRound", "open_store"]


class Store(DirectoryMixin, DocumentsMixin, PackagesMixin, KeysMixin, AdminMixin, ActivityMixin, DecisionsMixin,
            MaturityMixin, SettingsMixin, ContributionsMixin, FunnelMixin, EventsMixin, InvitationsMixin,
            LibraryMixin, ConsentMixin, AuditMixin, ErasureMixin, WorkshopsMixin, ConceptsMixin,
            LessonsMixin, WorkshopImportsMixin):
    """Klynge's data, in SQLite or PostgreSQL.

    Parameters
    ----------
    engine
        A SQLAlchemy engine from :func:`klynge.store.engine.make_engine`.
    """

    def __init__(self, engine: Engine):
        self.engine = engine

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def schema_version(self) -> str | None:
        return current_version(self.engine)

    def upgrade(self) -> str:
        """Bring the schema up to date; returns the version now in force."""
        upgrade(self.engine)
        return head_version()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_store(url: str, *, create: bool = True, nullpool: bool = False) -> Store:
    """Open the database at ``url``.

    An empty database gets the current schema when ``create`` is true. A database with an
    older schema is refused with the command that upgrades it.
    """
    if url.startswith("sqlite:///"):
        from pathlib import Path
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    store = Store(make_engine(url, nullpool=nullpool))
    version = store.schema_version()
    if version is None and create:
        store.upgrade()
    elif version is None:
        raise SchemaMismatch(f"{store.url} has no Klynge schema yet; run `klynge db upgrade`")
    elif version != head_version():
        raise SchemaMismatch(f"{store.url} has schema {version}, this Klynge needs {head_version()}; "
                             "run `klynge db upgrade` (after a backup)")
    return store
