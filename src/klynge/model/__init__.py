"""Klynge's domain model: pydantic models of the cluster's data, with no I/O.

Every value a person types is validated here. :func:`klynge.validation.validate` turns
pydantic's errors into messages in the participant's language.
"""

from .base import (
    CERTIFICATIONS,
    COUNTRIES,
    CURRENCIES,
    LANGUAGE_CODES,
    ORGANISATION_KINDS,
    PHASES,
    ROLES,
    SECTORS,
    SIZES,
    TRENDS,
    VISIBILITIES,
    normalise_code,
)
from .canvas import CanvasDocument, Note
from .cluster import CATEGORIES, DEFAULT_MIX, Cluster, ClusterPlan, SubCluster
from .decision import OUTCOMES, Decision, orphaned
from .invitation import POSITIONS, RELATIONS, InvitationRequest
from .maturity import (
    FACILITATOR,
    AreaChange,
    AreaScore,
    FigureChange,
    MaturityAnswers,
    MaturityScore,
    MaturitySnapshot,
    MaturityTrend,
    MemberFigures,
    MemberMove,
    NextStep,
    check_answers,
    next_steps,
    respondent,
    respondent_organisation,
    score,
    trend,
)
from .offer import CAPACITY_UNIT_OF, CAPACITY_UNITS, OFFER_KINDS, PRICE_UNITS, Money, Offer
from .organisation import Organisation, Person, check_orgnr
from .package import THEMES, TRAVEL_MODES, Package, PackageAnswer, PackageComponent, PackageSettings
from .sdg import SdgAssessment, SdgEntry

__all__ = [
    "AreaChange",
    "AreaScore",
    "CAPACITY_UNITS",
    "CAPACITY_UNIT_OF",
    "CATEGORIES",
    "CERTIFICATIONS",
    "COUNTRIES",
    "CURRENCIES",
    "CanvasDocument",
    "Cluster",
    "ClusterPlan",
    "DEFAULT_MIX",
    "Decision",
    "FACILITATOR",
    "FigureChange",
    "InvitationRequest",
    "LANGUAGE_CODES",
    "MaturityAnswers",
    "MaturityScore",
    "MaturitySnapshot",
    "MaturityTrend",
    "MemberFigures",
    "MemberMove",
    "Money",
    "NextStep",
    "Note",
    "OFFER_KINDS",
    "ORGANISATION_KINDS",
    "OUTCOMES",
    "Offer",
    "Organisation",
    "PHASES",
    "POSITIONS",
    "PRICE_UNITS",
    "Package",
    "PackageAnswer",
    "PackageComponent",
    "PackageSettings",
    "Person",
    "RELATIONS",
    "ROLES",
    "SECTORS",
    "SIZES",
    "SdgAssessment",
    "SdgEntry",
    "SubCluster",
    "THEMES",
    "TRAVEL_MODES",
    "TRENDS",
    "VISIBILITIES",
    "check_answers",
    "check_orgnr",
    "next_steps",
    "normalise_code",
    "orphaned",
    "respondent",
    "respondent_organisation",
    "score",
    "trend",
]
