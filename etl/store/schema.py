"""Table definitions of the two zones.

Restricted zone: unprotected aggregates, uploads, official statistics as imported, boundaries,
region sets, crosswalks and the audit log. Only the ETL reads it.
Published zone: protected releases only. The dashboard and API read it through a read-only
connection. Area keys are strings everywhere so leading zeros survive.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

KEY = String(40)

restricted = MetaData()

uploads = Table(
    "uploads",
    restricted,
    Column("upload_id", String(64), primary_key=True),
    Column("municipality", String(8), nullable=False),
    Column("reference_date", Date, nullable=False),
    Column("file_name", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("manifest", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("uploaded_by", String(120)),
    Column("state", String(16), nullable=False),  # active | superseded
    Column("superseded_by", String(64)),
    Column("review_state", String(16), nullable=False, default="accepted"),
)
Index("ix_uploads_municipality_date", uploads.c.municipality, uploads.c.reference_date)
# At most one active extract per municipality and reference date, whatever races.
Index(
    "ux_uploads_active",
    uploads.c.municipality,
    uploads.c.reference_date,
    unique=True,
    postgresql_where=uploads.c.state == "active",
    sqlite_where=uploads.c.state == "active",
)

population_counts = Table(
    "population_counts",
    restricted,
    Column("upload_id", String(64), ForeignKey("uploads.upload_id"), nullable=False),
    Column("area_level", String(16), nullable=False),
    Column("area_key", KEY, nullable=False),
    Column("sex", String(8), nullable=False),
    Column("age", Integer, nullable=False),
    Column("nationality", String(8), nullable=False),
    Column("residence", String(10), nullable=False),
    Column("count", Integer, nullable=False),
)
Index("ix_population_counts_upload", population_counts.c.upload_id)

household_counts = Table(
    "household_counts",
    restricted,
    Column("upload_id", String(64), ForeignKey("uploads.upload_id"), nullable=False),
    Column("area_level", String(16), nullable=False),
    Column("area_key", KEY, nullable=False),
    Column("size", Integer, nullable=False),
    Column("count", Integer, nullable=False),
)
Index("ix_household_counts_upload", household_counts.c.upload_id)

event_counts = Table(
    "event_counts",
    restricted,
    Column("upload_id", String(64), ForeignKey("uploads.upload_id"), nullable=False),
    Column("area_level", String(16), nullable=False),
    Column("area_key", KEY, nullable=False),
    Column("event", String(10), nullable=False),
    Column("sex", String(8), nullable=False),
    Column("age", Integer, nullable=False),
    Column("count", Integer, nullable=False),
)
Index("ix_event_counts_upload", event_counts.c.upload_id)

official_sources = Table(
    "official_sources",
    restricted,
    Column("source_id", String(64), primary_key=True),
    Column("table_code", String(40), nullable=False),
    Column("file_name", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("unmapped", Text, nullable=False),  # JSON report of rows that could not be mapped
    Column("attribution", Text, nullable=False),
)

official_values = Table(
    "official_values",
    restricted,
    Column("source_id", String(64), ForeignKey("official_sources.source_id"), nullable=False),
    Column("table_code", String(40), nullable=False),
    Column("ags", String(8), nullable=False),
    Column("year", Integer, nullable=False),
    Column("measure", String(16), nullable=False),
    Column("sex", String(8), nullable=False),
    Column("age_from", Integer),
    Column("age_to", Integer),
    Column("value", Integer),
    Column("symbol", String(2), nullable=False),
)

areas = Table(
    "areas",
    restricted,
    Column("area_key", KEY, primary_key=True),
    Column("level", String(16), nullable=False),
    Column("name", Text, nullable=False),
    Column("parent_key", KEY),
    Column("valid_from", Date),
    Column("valid_to", Date),
)

boundaries = Table(
    "boundaries",
    restricted,
    Column("area_key", KEY, primary_key=True),
    Column("level", String(16), nullable=False),
    Column("name", Text, nullable=False),
    Column("bez", Text),
    Column("area_km2", Float),
    Column("geometry_wkb", Text, nullable=False),  # hex WKB in EPSG:25832, full resolution
    Column("web_geojson", Text, nullable=False),  # simplified, EPSG:4326
    Column("source", Text, nullable=False),
)

region_sets = Table(
    "region_sets",
    restricted,
    Column("region_set", String(80), nullable=False),
    Column("region_key", KEY, nullable=False),
    Column("region_name", Text, nullable=False),
    Column("member_key", KEY, nullable=False),
    UniqueConstraint("region_key", "member_key"),
)

crosswalk = Table(
    "crosswalk",
    restricted,
    Column("old_key", KEY, nullable=False),
    Column("new_key", KEY, nullable=False),
    Column("weight", Float, nullable=False),
    Column("valid_from", Date, nullable=False),
    UniqueConstraint("old_key", "new_key", "valid_from"),
)

audit_log = Table(
    "audit_log",
    restricted,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(120), nullable=False),
    Column("action", String(40), nullable=False),
    Column("detail", Text, nullable=False),
)

published = MetaData()

releases = Table(
    "releases",
    published,
    Column("release_id", String(40), primary_key=True),
    Column("sequence", Integer, nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("min_count", Integer, nullable=False),
    Column("protection", Float, nullable=False),
    Column("territorial_status", Date, nullable=False),
    Column("years", Text, nullable=False),  # JSON list
    Column("sources", Text, nullable=False),  # JSON: uploads and official tables
    Column("attribution", Text, nullable=False),
    Column("audit", Text, nullable=False),  # JSON summary of the LP audit
    Column("note", Text, nullable=False, default=""),
)

live_release = Table(
    "live_release",
    published,
    Column("slot", Integer, primary_key=True),  # always 1: the pointer switched atomically
    Column("release_id", String(40), ForeignKey("releases.release_id"), nullable=False),
    Column("switched_at", DateTime(timezone=True), nullable=False),
)


# A release that a corrected upload contradicts is withdrawn: no longer publicly readable;
# its permalink explains why and names the release that replaced it.
release_withdrawals = Table(
    "release_withdrawals",
    published,
    Column("release_id", String(40), ForeignKey("releases.release_id"), primary_key=True),
    Column("withdrawn_at", DateTime(timezone=True), nullable=False),
    Column("reason", Text, nullable=False),
    Column("replaced_by", String(40), nullable=False),
)


def _release_key() -> Column:
    return Column("release_id", String(40), ForeignKey("releases.release_id"), nullable=False)


pub_areas = Table(
    "areas",
    published,
    _release_key(),
    Column("area_key", KEY, nullable=False),
    Column("level", String(16), nullable=False),
    Column("name", Text, nullable=False),
    Column("parent_key", KEY),
    Column("kreis_key", KEY),
    Column("land_key", KEY),
    UniqueConstraint("release_id", "area_key"),
)

pub_boundaries = Table(
    "boundaries",
    published,
    _release_key(),
    Column("area_key", KEY, nullable=False),
    Column("level", String(16), nullable=False),
    Column("area_km2", Float),
    Column("web_geojson", Text, nullable=False),
    UniqueConstraint("release_id", "area_key"),
)

pub_region_sets = Table(
    "region_sets",
    published,
    _release_key(),
    Column("region_set", String(80), nullable=False),
    Column("region_key", KEY, nullable=False),
    Column("region_name", Text, nullable=False),
    Column("member_key", KEY, nullable=False),
)


def _cell_columns() -> list[Column]:
    return [
        Column("value", Integer),  # NULL unless status is published or zero
        Column("status", String(10), nullable=False),
        Column("reference_date", Date),
        Column("sources", Text, nullable=False),  # upload ids or official table codes
    ]


pub_population = Table(
    "population",
    published,
    _release_key(),
    Column("area_key", KEY, nullable=False),
    Column("year", Integer, nullable=False),
    Column("sex", String(8), nullable=False),  # total | female | male
    Column("age_from", Integer, nullable=False),
    Column("age_to", Integer),  # exclusive; NULL = open
    Column("nationality", String(8), nullable=False),  # total | de | foreign
    *_cell_columns(),
)
Index(
    "ix_pub_population",
    pub_population.c.release_id,
    pub_population.c.year,
    pub_population.c.area_key,
)

pub_households = Table(
    "households",
    published,
    _release_key(),
    Column("area_key", KEY, nullable=False),
    Column("year", Integer, nullable=False),
    Column("size", Integer, nullable=False),  # 0 = all households, 1..5 (5 = 5 and more)
    *_cell_columns(),
)
Index("ix_pub_households", pub_households.c.release_id, pub_households.c.year)

pub_events = Table(
    "events",
    published,
    _release_key(),
    Column("area_key", KEY, nullable=False),
    Column("year", Integer, nullable=False),
    Column("event", String(10), nullable=False),  # birth | death | move_in | move_out
    *_cell_columns(),
)
Index("ix_pub_events", pub_events.c.release_id, pub_events.c.year)

pub_official = Table(
    "official",
    published,
    _release_key(),
    Column("table_code", String(40), nullable=False),
    Column("area_key", KEY, nullable=False),
    Column("year", Integer, nullable=False),
    Column("measure", String(16), nullable=False),
    Column("sex", String(8), nullable=False),
    Column("age_from", Integer, nullable=False),
    Column("age_to", Integer),
    Column("value", Integer),
    Column("status", String(10), nullable=False),
)
Index("ix_pub_official", pub_official.c.release_id, pub_official.c.area_key)

RELEASE_TABLES = (
    "areas",
    "boundaries",
    "region_sets",
    "population",
    "households",
    "events",
    "official",
)

# Official projection vintages: computed from restricted data, published only rounded to 10,
# for areas of at least 5,000 inhabitants and in broad age groups. Archived, never replaced.
projection_vintages = Table(
    "projection_vintages",
    published,
    Column("vintage_id", String(40), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("base_year", Integer, nullable=False),
    Column("horizon", Integer, nullable=False),
    Column("method", Text, nullable=False),
    Column("scenarios", Text, nullable=False),  # JSON: name -> assumptions
    Column("rounding", Integer, nullable=False),
    Column("min_population", Integer, nullable=False),
    Column("note", Text, nullable=False, default=""),
)

projections = Table(
    "projections",
    published,
    Column("vintage_id", String(40), ForeignKey("projection_vintages.vintage_id"), nullable=False),
    Column("scenario", String(20), nullable=False),
    Column("area_key", KEY, nullable=False),
    Column("year", Integer, nullable=False),
    Column("sex", String(8), nullable=False),
    Column("age_from", Integer, nullable=False),
    Column("age_to", Integer),
    Column("value", Integer, nullable=False),
)
Index("ix_projections", projections.c.vintage_id, projections.c.area_key)
