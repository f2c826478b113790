"""An invitation as a person fills it in: whom to invite, why, in which language, with a note.

Why someone is invited is a kind of relation between the one who invites and the invitee
(:data:`RELATIONS`). A supplier, customer, support body, financer or researcher is invited to
register an organisation of their own; a colleague or a board member joins the inviter's own
organisation at once, so their invitation names it (``organisation_id``).

Validate with :func:`klynge.validation.validate` to get every problem in nb, sv or en.
"""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator, model_validator
from pydantic_core import PydanticCustomError

from ..mail import COLLEAGUES
from ..mail import RELATIONS as PARTNERS
from .base import Id, Model, Name, Text
from .organisation import Email

__all__ = ["COLLEAGUES", "PARTNERS", "POSITIONS", "RELATIONS", "InvitationRequest", "position_of"]

#: Every kind of relation an invitation may name: the partners', then the organisation's own people.
RELATIONS = PARTNERS + COLLEAGUES

#: What a participant is in their organisation.
POSITIONS = ("staff", "board")


def position_of(relation: str) -> str:
    """The position an invitee of ``relation`` takes in the inviter's organisation (board, else staff)."""
    return "board" if relation == "board" else "staff"


class InvitationRequest(Model):
    """Whom to invite and why: what the invite form and the command line hand the store."""

    name: Name
    email: Email
    relation: str
    lang: Literal["nb", "sv", "en"] = "nb"
    note: Text = ""
    #: The inviter's own organisation, for a colleague or a board member; None for a partner.
    organisation_id: Id | None = None

    @field_validator("relation")
    @classmethod
    def _known_relation(cls, value: str) -> str:
        if value not in RELATIONS:
            raise PydanticCustomError("klynge_relation", "pick why you invite them: one of {expected}",
                                      {"expected": ", ".join(RELATIONS)})
        return value

    @model_validator(mode="after")
    def _organisation_for_colleagues(self):
        if self.relation in COLLEAGUES and self.organisation_id is None:
            raise PydanticCustomError("klynge_invitation_organisation",
                                      "a colleague or board member joins your own organisation: name it")
        if self.relation not in COLLEAGUES and self.organisation_id is not None:
            raise PydanticCustomError("klynge_invitation_partner",
                                      "a partner registers an organisation of their own: invite them without one")
        return self

    @property
    def position(self) -> str | None:
        """staff or board for a colleague or board member; None for a partner (no organisation yet)."""
        return position_of(self.relation) if self.relation in COLLEAGUES else None
