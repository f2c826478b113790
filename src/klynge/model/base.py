"""Shared vocabulary and field types of the domain model."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

Country = Literal["NO", "SE"]
COUNTRIES = ("NO", "SE")
Currency = Literal["NOK", "SEK"]
CURRENCIES = ("NOK", "SEK")
Visibility = Literal["private", "cluster", "public"]
VISIBILITIES = ("private", "cluster", "public")
# An invitee was invited to register an organisation (or to ask to join one) and may do nothing else yet.
Role = Literal["participant", "facilitator", "researcher", "invitee"]
ROLES = ("participant", "facilitator", "researcher", "invitee")
Phase = Literal["idea", "concept", "prototype", "launch", "scale"]
PHASES = ("idea", "concept", "prototype", "launch", "scale")
Trend = Literal["growing", "stable", "declining"]
TRENDS = ("growing", "stable", "declining")
Size = Literal["micro", "small", "medium", "large"]
SIZES = ("micro", "small", "medium", "large")
OrganisationKind = Literal[
    "company",
    "destination_company",
    "tour_operator",
    "public_support",
    "bank",
    "insurer",
    "investor_network",
    "consultant",
    "academia",
    "trekking_association",
    "landowner",
    "reindeer_herding",
    "museum",
    "customer",
    "supplier",
]
ORGANISATION_KINDS = OrganisationKind.__args__
Sector = Literal[
    "accommodation", "camping", "food", "activity", "culture", "transport", "destination", "services"
]
SECTORS = Sector.__args__
Certification = Literal["miljofyrtarn", "green_key", "svanen", "naturens_basta"]
CERTIFICATIONS = Certification.__args__
LanguageCode = Literal["nb", "nn", "se", "sv", "en", "de", "fr", "es", "it", "nl", "pl", "zh", "ja"]
LANGUAGE_CODES = LanguageCode.__args__

NAME_MAX = 120
TEXT_MAX = 2000
NOTE_MAX = 2000

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TARGET = re.compile(r"^(?:[1-9]|1[0-7])\.(?:[1-9]|1[0-9]|[a-h])$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
# Embeddings, overrides and isolates reorder the text around them on screen, so a name holding
# one can read as something other than what is stored.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Letters and symbols that draw nothing: the Hangul fillers and the blank Braille pattern.
_BLANK_GLYPHS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def normalise_code(value: str) -> str:
    """A code made comparable: Unicode NFKC, then every decimal digit of any script written as 0-9.

    NFKC turns full-width digits and punctuation into ASCII but leaves Arabic-Indic and other
    scripts' digits alone; Python's ``isdigit``, ``int`` and ``\\d`` accept those, so without this
    a copy of a registered number in other digits would pass every check and compare unequal.
    """
    text = unicodedata.normalize("NFKC", value)
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text).strip()


def _no_control(value: str) -> str:
    if _CONTROL.search(value):
        raise PydanticCustomError("klynge_control_chars", "contains control characters")
    return value


def _visible_name(value: str) -> str:
    if any(ch in _BIDI_CONTROLS for ch in value):
        raise PydanticCustomError("klynge_name_bidi", "holds characters that turn the direction of the text")
    if not any(unicodedata.category(ch)[0] in "LNPS" and ch not in _BLANK_GLYPHS for ch in value):
        raise PydanticCustomError("klynge_name_invisible", "holds no visible character")
    return value


def _target_code(value: str) -> str:
    value = normalise_code(value)
    if not _TARGET.match(value):
        raise PydanticCustomError(
            "klynge_sdg_target", "expected an SDG target code such as 8.9 or 12.b, got {value}",
            {"value": value[:20]},
        )
    return value


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise PydanticCustomError(
            "klynge_slug", "expected lower-case letters, digits, - or _ (at most 64)"
        )
    return value


def _months(value: list[int]) -> list[int]:
    return sorted(set(value))


Name = Annotated[str, Field(min_length=1, max_length=NAME_MAX), AfterValidator(_no_control),
                 AfterValidator(_visible_name)]
Text = Annotated[str, Field(max_length=TEXT_MAX), AfterValidator(_no_control)]
Month = Annotated[int, Field(ge=1, le=12)]
Months = Annotated[list[Month], Field(max_length=24), AfterValidator(_months)]
TargetCode = Annotated[str, Field(max_length=8), AfterValidator(_target_code)]
Slug = Annotated[str, Field(max_length=64), AfterValidator(_slug)]
Id = Annotated[int, Field(ge=1)]


class Model(BaseModel):
    """Base of every domain model: unknown fields refused, text stripped, checked on assignment."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        validate_assignment=True,
        use_enum_values=True,
    )
