"""Offers state what their price is for and what their capacity counts.

Existing offers get the units of their kind: a night for accommodation, a unit for a venue's
hire, a person for the rest; beds for accommodation, seats for meals and transport, guests a
day for the rest.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_PRICE = {"accommodation": "night", "venue": "unit"}
_CAPACITY = {"accommodation": "beds", "meal": "seats", "transport": "seats"}


def _case(column, mapping: dict[str, str], default: str):
    return sa.case(*((column == kind, unit) for kind, unit in mapping.items()), else_=default)


def upgrade() -> None:
    with op.batch_alter_table("offers") as batch:
        batch.add_column(sa.Column("price_unit", sa.String(8), nullable=True))
        batch.add_column(sa.Column("price_guests", sa.Integer, nullable=False, server_default="1"))
        batch.add_column(sa.Column("price_nights", sa.Integer, nullable=False, server_default="1"))
        batch.add_column(sa.Column("capacity_unit", sa.String(8), nullable=True))
    offers = sa.table("offers", sa.column("kind", sa.String), sa.column("price_unit", sa.String),
                      sa.column("capacity_unit", sa.String))
    op.execute(offers.update().values(price_unit=_case(offers.c.kind, _PRICE, "person"),
                                      capacity_unit=_case(offers.c.kind, _CAPACITY, "guests")))
    with op.batch_alter_table("offers") as batch:
        batch.alter_column("price_unit", existing_type=sa.String(8), nullable=False)
        batch.alter_column("capacity_unit", existing_type=sa.String(8), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("offers") as batch:
        for column in ("capacity_unit", "price_nights", "price_guests", "price_unit"):
            batch.drop_column(column)
