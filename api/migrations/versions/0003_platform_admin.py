"""platform admin keys belong to no organisation

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.alter_column("organisation_id", existing_type=sa.String(length=64), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM api_keys WHERE organisation_id IS NULL")
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.alter_column("organisation_id", existing_type=sa.String(length=64), nullable=False)
