"""Organisations, their organisation numbers, and the people who act for them."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, EmailStr, Field, ValidationInfo, WrapValidator, field_validator, model_validator
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

from .base import (
    Certification,
    Country,
    Id,
    Model,
    Name,
    OrganisationKind,
    Phase,
    Role,
    Sector,
    Size,
    Slug,
    Text,
    normalise_code,
)

_NO_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
_MUNICIPALITY = re.compile(r"[0-9]{4}")
# A municipality code starts with its county's number: Norway's counties after the 2024
# reform, Sweden's län. Whether the municipality exists is checked against the reference data.
_COUNTY_PREFIXES = {
    "NO": {"03", "11", "15", "18", "31", "32", "33", "34", "39", "40", "42", "46", "50", "55", "56"},
    "SE": {"01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14", "17", "18",
           "19", "20", "21", "22", "23", "24", "25"},
}


def _norwegian_ok(digits: str) -> bool:
    if len(digits) != 9:
        return False
    remainder = sum(int(d) * w for d, w in zip(digits, _NO_WEIGHTS)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    return check != 10 and check == int(digits[8])


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def normalise_orgnr(value: str) -> str:
    """Digits only: spaces, dots and hyphens a person may type are dropped, any script's digits made ASCII."""
    return re.sub(r"[\s.\-]", "", normalise_code(value or ""))


def check_orgnr(country: str, value: str) -> str:
    """Return the organisation number in its stored form, or raise a pydantic error.

    Norway: 9 digits, the last a mod-11 check digit (Brønnøysund). Sweden: 10 digits
    (a 12-digit form starting with 16 is accepted), the last a Luhn check digit (Bolagsverket).
    """
    digits = normalise_orgnr(value)
    if not digits.isascii() or not digits.isdigit():
        raise PydanticCustomError("klynge_orgnr_digits", "an organisation number has only digits")
    if country == "NO":
        if len(digits) != 9:
            raise PydanticCustomError(
                "klynge_orgnr_length_no", "a Norwegian organisation number has 9 digits, got {n}",
                {"n": len(digits)},
            )
        if not _norwegian_ok(digits):
            raise PydanticCustomError(
                "klynge_orgnr_check", "the check digit does not match; check the number for typing errors"
            )
        return digits
    if len(digits) == 12 and digits.startswith("16"):
        digits = digits[2:]
    if len(digits) != 10:
        raise PydanticCustomError(
            "klynge_orgnr_length_se", "a Swedish organisation number has 10 digits, got {n}",
            {"n": len(digits)},
        )
    if not _luhn_ok(digits):
        raise PydanticCustomError(
            "klynge_orgnr_check", "the check digit does not match; check the number for typing errors"
        )
    return f"{digits[:6]}-{digits[6:]}"


def _municipality(value: str) -> str:
    value = normalise_code(value)
    if not _MUNICIPALITY.fullmatch(value):
        raise PydanticCustomError("klynge_municipality", "expected a 4-digit municipality code")
    return value


def _email(value, handler) -> str:
    """pydantic's e-mail check (email-validator), with Klynge's error the catalogues explain in each language."""
    try:
        return handler(value.strip() if isinstance(value, str) else value).lower()
    except PydanticValidationError:
        raise PydanticCustomError("klynge_email", "expected an e-mail address like name@firm.no") from None


MunicipalityCode = Annotated[str, AfterValidator(_municipality)]
#: An e-mail address as email-validator takes it (an IDN domain too, no display name kept), in lower case.
Email = Annotated[EmailStr, WrapValidator(_email)]


class Organisation(Model):
    """A member of the cluster network: a company, a public body, a bank, a museum ..."""

    id: Id | None = None
    name: Name
    kind: OrganisationKind = "company"
    sector: Sector = "services"
    country: Country
    orgnr: str = Field(max_length=20)
    municipality: MunicipalityCode
    lat: float | None = Field(default=None, ge=54.0, le=72.0)
    lon: float | None = Field(default=None, ge=3.0, le=32.0)
    size: Size = "micro"
    employees: int | None = Field(default=None, ge=0, le=100_000)
    phase: Phase = "idea"
    certifications: list[Certification] = Field(default_factory=list, max_length=10)
    needs: Text = ""
    description: Text = ""
    subclusters: list[Slug] = Field(default_factory=list, max_length=20)
    website: str = Field(default="", max_length=200, pattern=r"^(|https?://[^\s<>\"']+)$")

    @field_validator("orgnr")
    @classmethod
    def _orgnr_for_country(cls, value: str, info: ValidationInfo) -> str:
        country = info.data.get("country")
        return check_orgnr(country, value) if country else value

    @field_validator("municipality")
    @classmethod
    def _municipality_in_country(cls, value: str, info: ValidationInfo) -> str:
        prefixes = _COUNTY_PREFIXES.get(info.data.get("country"))
        if prefixes and value[:2] not in prefixes:
            raise PydanticCustomError(
                "klynge_municipality_country", "{code} is not a municipality in that country",
                {"code": value},
            )
        return value

    @field_validator("certifications")
    @classmethod
    def _sorted_certifications(cls, value: list[str]) -> list[str]:
        return sorted(set(value))


class Person(Model):
    """Someone who signs in: a participant of an organisation, a facilitator or a researcher."""

    id: Id | None = None
    name: Name
    email: Email
    role: Role = "participant"
    organisation_id: Id | None = None

    @model_validator(mode="after")
    def _participant_has_organisation(self):
        if self.role == "participant" and self.organisation_id is None:
            raise PydanticCustomError(
                "klynge_participant_org", "a participant belongs to an organisation"
            )
        return self
