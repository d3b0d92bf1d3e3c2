"""release 0.2: official layer, sub-area registry, withdrawn releases, sessions"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rows of release 0.1 are register data with no nationality or household-type split.
    op.create_table(
        "release_withdrawals",
        sa.Column("release_id", sa.String(length=40), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("replaced_by", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["releases.release_id"],
        ),
        sa.PrimaryKeyConstraint("release_id"),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sa.String(length=10), server_default="register", nullable=False)
        )

    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sa.String(length=10), server_default="register", nullable=False)
        )

    with op.batch_alter_table("official", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("nationality", sa.String(length=8), server_default="total", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "household_type", sa.String(length=32), server_default="total", nullable=False
            )
        )
        batch_op.alter_column(
            "measure",
            existing_type=sa.VARCHAR(length=16),
            type_=sa.String(length=24),
            existing_nullable=False,
        )

    with op.batch_alter_table("population", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sa.String(length=10), server_default="register", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("population", schema=None) as batch_op:
        batch_op.drop_column("source")

    with op.batch_alter_table("official", schema=None) as batch_op:
        batch_op.alter_column(
            "measure",
            existing_type=sa.String(length=24),
            type_=sa.VARCHAR(length=16),
            existing_nullable=False,
        )
        batch_op.drop_column("household_type")
        batch_op.drop_column("nationality")

    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.drop_column("source")

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("source")

    op.drop_table("release_withdrawals")
