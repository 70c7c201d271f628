"""replay and exchanges: runs keep their input, settings and versions; movable households

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 04:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("match_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("input_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("solver_input", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("input_erased_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("solver_settings", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("versions", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("solution", sa.JSON(), nullable=True))
    op.create_table(
        "run_members",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"]),
        sa.ForeignKeyConstraint(["run_id"], ["match_runs.id"]),
        sa.PrimaryKeyConstraint("run_id", "household_id"),
    )
    op.create_index("ix_run_members_household_id", "run_members", ["household_id"], unique=False)
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.add_column(sa.Column("movable", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("exchange", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("exchange_step", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("from_unit_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_proposals_from_unit_id_units", "units", ["from_unit_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.drop_constraint("fk_proposals_from_unit_id_units", type_="foreignkey")
        batch_op.drop_column("from_unit_id")
        batch_op.drop_column("exchange_step")
        batch_op.drop_column("exchange")
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.drop_column("movable")
    op.drop_index("ix_run_members_household_id", table_name="run_members")
    op.drop_table("run_members")
    with op.batch_alter_table("match_runs", schema=None) as batch_op:
        batch_op.drop_column("solution")
        batch_op.drop_column("versions")
        batch_op.drop_column("solver_settings")
        batch_op.drop_column("input_erased_at")
        batch_op.drop_column("solver_input")
        batch_op.drop_column("input_hash")
