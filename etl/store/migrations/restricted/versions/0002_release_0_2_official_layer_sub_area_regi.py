"""release 0.2: official layer, sub-area registry, withdrawn releases, sessions"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subareas",
        sa.Column("area_key", sa.String(length=40), nullable=False),
        sa.Column("municipality", sa.String(length=8), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registered_by", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("area_key"),
    )
    with op.batch_alter_table("subareas", schema=None) as batch_op:
        batch_op.create_index("ix_subareas_municipality", ["municipality"], unique=False)

    with op.batch_alter_table("official_values", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("level", sa.String(length=8), server_default="gemeinde", nullable=False)
        )
        batch_op.add_column(
            sa.Column("nationality", sa.String(length=8), server_default="total", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "household_type", sa.String(length=32), server_default="total", nullable=False
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("official_values", schema=None) as batch_op:
        batch_op.drop_column("household_type")
        batch_op.drop_column("nationality")
        batch_op.drop_column("level")

    with op.batch_alter_table("subareas", schema=None) as batch_op:
        batch_op.drop_index("ix_subareas_municipality")

    op.drop_table("subareas")
