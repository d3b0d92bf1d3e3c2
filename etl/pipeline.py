"""The one module that sequences stages: restricted counts -> protected, audited release."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Connection, Engine

from etl.config import Settings
from etl.errors import InputError, StoreError
from etl.projection.vintage import History, history_from_counts
from etl.public_audit import readable_views, verify_release
from etl.store import restricted as store
from etl.store.published import write_release
from etl.transform import attacker_model as attacker
from etl.transform import official, official_release
from etl.transform import publication as pub
from etl.transform.crosswalk import uploads_outside_validity
from etl.transform.release_frames import areas_frame, boundaries_frame, official_frame
from etl.transform.subareas import fold_small_subareas
from etl.transform.year_protection import (
    YearInput,
    YearResult,
    protect_year_problems,
    year_problems,
)

log = logging.getLogger(__name__)
Progress = Callable[[str], None]


@dataclass
class PublishReport:
    """What a publish run did: the release id and per table and year the suppression counts."""

    release_id: str
    years: list[int]
    tables: list[dict] = field(default_factory=list)
    withdrawn: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        lines = [f"Veröffentlichung {self.release_id} (Jahre {', '.join(map(str, self.years))})"]
        for t in self.tables:
            lines.append(
                f"  {t['year']} {t['table']:<11} {t['cells']:>6} Zellen, "
                f"{t['primary']:>4} primär, {t['secondary']:>4} sekundär geheim gehalten "
                f"({t['suppressed_persons']} Personen, größte Zelle {t['largest_suppressed']}); "
                f"Audit: {t['audited']} geprüft, sicher"
            )
        for release_id, reason in self.withdrawn.items():
            lines.append(f"  zurückgezogen: {release_id} ({reason})")
        return "\n".join(lines)


def year_inputs(engine: Engine | Connection, uploads: pd.DataFrame) -> list[YearInput]:
    uploads = uploads.assign(year=pd.to_datetime(uploads["reference_date"]).dt.year)
    # One extract per municipality and year: the one with the latest reference date.
    uploads = uploads.sort_values("reference_date").drop_duplicates(
        ["municipality", "year"], keep="last"
    )
    inputs = []
    for year, group in uploads.groupby("year"):
        ids = group["upload_id"].tolist()
        owner = group.set_index("upload_id")["municipality"]

        def counts(table: str, ids: list[str] = ids, owner: pd.Series = owner) -> pd.DataFrame:
            frame = store.read_counts(engine, table, ids)
            return frame.assign(municipality=frame["upload_id"].map(owner))

        inputs.append(
            YearInput(
                year=int(year),
                reference_date=pd.Timestamp(group["reference_date"].max()).date(),
                uploads=group,
                population=counts("population_counts"),
                households=counts("household_counts"),
                events=counts("event_counts"),
            )
        )
    return inputs


@dataclass(frozen=True)
class RestrictedSnapshot:
    """Everything a publish run reads from the restricted zone, read in one transaction."""

    years: list[YearInput]
    expected: list[str]
    areas: pd.DataFrame
    regions: pd.DataFrame
    boundaries: pd.DataFrame
    official_values: pd.DataFrame
    official_sources: pd.DataFrame
    crosswalk: pd.DataFrame


def read_restricted(engine: Engine) -> RestrictedSnapshot:
    """A consistent snapshot, so uploads or imports arriving meanwhile cannot mix in."""
    with store.snapshot(engine) as connection:
        uploads = store.active_uploads(connection)
        official_values = store.read_table(connection, "official_values")
        if uploads.empty and official_values.empty:
            raise StoreError(
                "Im geschützten Bereich liegen weder Meldungen noch amtliche Tabellen. Erst "
                "`python -m etl import-extract` oder `python -m etl import-genesis` ausführen."
            )
        areas = store.read_table(connection, "areas")
        boundaries = store.read_table(connection, "boundaries")
        return RestrictedSnapshot(
            years=year_inputs(connection, uploads) if not uploads.empty else [],
            expected=official.expected_reporters(areas, boundaries, official_values),
            areas=areas,
            regions=store.read_table(connection, "region_sets"),
            boundaries=boundaries,
            official_values=official_values,
            official_sources=store.read_table(connection, "official_sources"),
            crosswalk=store.read_table(connection, "crosswalk"),
        )


def _check_territory(data: RestrictedSnapshot) -> None:
    """Refuse uploads dated outside their key's territory by the crosswalk (nothing written)."""
    uploads = pd.concat([year.uploads for year in data.years]) if data.years else pd.DataFrame()
    official, years = data.official_values, None
    if not official.empty:  # the years in which each key had official values
        known = official[official["value"].notna()]
        years = known[["ags", "year"]].rename(columns={"ags": "area_key"})
    problems = uploads_outside_validity(uploads, data.crosswalk, years)
    if problems:
        raise InputError(" ".join(problems))


def _protect_years(
    data: RestrictedSnapshot, publisher: Engine, settings: Settings, say: Progress
) -> tuple[list[YearResult], dict[str, str], pd.Series]:
    """Protect every year against the readable releases; which releases to withdraw.

    A readable release that shows a value the corrected uploads no longer have cannot stay
    readable: it is withdrawn and the new release is protected without it.
    """
    # Ortsteile below the minimum population are not areas of their own: folded first.
    years = [fold_small_subareas(d, settings.min_subarea_population) for d in data.years]
    straddling = pub.straddling_cells([d.population for d in years])
    views = {d.year: readable_views(publisher, d.year, d.reference_date) for d in years}
    built = {
        d.year: year_problems(d, data.expected, data.regions, views[d.year], straddling)
        for d in years
    }
    withdraw: dict[str, str] = {}
    for year_problem in built.values():
        for release_id, reason in year_problem.conflicts.items():
            withdraw.setdefault(release_id, reason)
    results = []
    for d in years:
        if withdraw and built[d.year].priors:
            kept = [v for v in views[d.year] if v.release_id not in withdraw]
            built[d.year] = year_problems(d, data.expected, data.regions, kept, straddling)
        say(f"Jahr {d.year}: {len(d.uploads)} Meldungen schützen und prüfen …")
        results.append(protect_year_problems(d, built[d.year], settings))
    parents = [b.grid_parent for b in built.values()]
    grid_parent = pd.concat(parents) if parents else pd.Series(dtype="string")
    return results, withdraw, grid_parent[~grid_parent.index.duplicated()]


def _migrated_engines(settings: Settings) -> tuple[Engine, Engine]:
    """The (restricted, publisher) engines of a new application object, both zones migrated."""
    from etl.app import Stores  # etl.app imports the upload jobs; only this fallback needs it

    stores = Stores(settings)
    stores.migrate("restricted", "published")
    return stores.restricted, stores.publisher


def publish(
    settings: Settings,
    *,
    actor: str = "etl",
    note: str = "",
    progress: Progress | None = None,
    engines: tuple[Engine, Engine] | None = None,
) -> PublishReport:
    """Protect and audit every year of the active uploads and write one release atomically.

    engines: the (restricted, publisher) engines of the caller's application object, whose
    stores it has migrated; without them (one-shot scripts and tests) an application object of
    `settings` is built here and migrates both zones. Before the release goes live, the
    public-side audit (`etl.public_audit`) reads it back and audits it together with every
    other readable release; it refuses on any finding.
    """
    say = progress or log.info
    restricted, publisher = engines or _migrated_engines(settings)
    data = read_restricted(restricted)
    _check_territory(data)
    results, withdraw, grid_parent = _protect_years(data, publisher, settings, say)
    stats = [s for r in results for s in r.stats]
    register_parts = {
        name: [r.frames[name] for r in results if name in r.frames] for name in attacker.CELL_TABLES
    }
    # Official rows fill areas and years without usable register data; the two sources never
    # share an area and year, so no published relation links them (etl.transform.official).
    release_tables = official_release.with_official_layer(
        register_parts, data.official_values, data.expected, data.regions, data.crosswalk
    )
    published_keys = pd.concat(
        [t["area_key"] for t in release_tables.values() if not t.empty]
        + [data.boundaries["area_key"]]
    ).unique()
    official_rows, official_sources = official_frame(data.official_values, data.official_sources)
    release_tables["official"] = official_rows
    release_tables["areas"] = official_release.label_partial_lands(
        areas_frame(published_keys, data.areas, data.regions, grid_parent),
        data.areas,
        data.boundaries,
    )
    release_tables["boundaries"] = official_release.with_official_area(
        boundaries_frame(
            official_release.without_partial_lands(data.areas, data.boundaries),
            release_tables["areas"],
        ),
        data.official_values,
        data.crosswalk,
    )
    release_tables["region_sets"] = data.regions
    territory = official_release.territory_report(
        data.official_values, data.boundaries, data.crosswalk
    )
    for line in territory.lines():
        say(line)
    release = _release_record(settings, data, stats, official_sources, note)
    release["sources"]["territory"] = territory.lines()
    truth = {d.year: r.truth for d, r in zip(data.years, results, strict=True)}

    def verify(connection: Connection, release_id: str) -> None:
        say("Öffentliches Audit über alle lesbaren Veröffentlichungen …")
        verify_release(
            connection,
            release_id,
            truth,
            min_count=settings.min_count,
            protection=settings.protection,
        )

    say("Veröffentlichung schreiben …")
    release_id = write_release(publisher, release, release_tables, withdraw=withdraw, verify=verify)
    with restricted.begin() as connection:
        store.log_event(
            connection,
            actor,
            "publish",
            # the full statistics (persons behind suppressed cells) stay in the restricted log
            {
                "release_id": release_id,
                "years": release["years"],
                "withdrawn": withdraw,
                "tables": stats,
            },
        )
    return PublishReport(release_id, release["years"], stats, withdrawn=withdraw)


def _release_record(
    settings: Settings,
    data: RestrictedSnapshot,
    stats: list[dict],
    official_sources: list[dict],
    note: str,
) -> dict:
    """Release metadata: parameters, lineage of every upload per year, attribution, audit."""
    years = data.years
    uploads = {
        str(d.year): dict(zip(d.uploads["municipality"], d.uploads["upload_id"], strict=True))
        for d in years
    }
    return {
        "min_count": settings.min_count,
        "protection": settings.protection,
        "territorial_status": official_release.territorial_status(
            [d.reference_date for d in years], data.official_values
        ),
        "years": official_release.release_years([d.year for d in years], data.official_values),
        "sources": {"uploads": uploads, "official": official_sources},
        "attribution": official_release.attribution(
            _attribution(official_sources),
            official_sources,
            data.boundaries,
            register=bool(years),
        ),
        "note": note,
        "audit": {
            "safe": True,
            "tables": [attacker.public_audit_entry(s) for s in stats],
            "method": "LP-Intervallaudit (HiGHS)",
        },
    }


def _attribution(official_sources: list[dict]) -> str:
    texts = ["Melderegister der beteiligten Kommunen (aggregiert, geheim gehalten)"]
    texts += [s["attribution"] for s in official_sources if s.get("attribution")]
    return "\n".join(dict.fromkeys(texts))


def read_history(engine: Engine) -> History:
    """The municipal single-year history of all active uploads (restricted zone)."""
    uploads = store.active_uploads(engine)
    if uploads.empty:
        raise StoreError("Im geschützten Bereich liegen keine Meldungen; erst importieren.")
    year_of = uploads.set_index("upload_id")["reference_date"].map(lambda d: pd.Timestamp(d).year)
    ids = uploads["upload_id"].tolist()
    population = store.read_counts(engine, "population_counts", ids)
    events = store.read_counts(engine, "event_counts", ids)
    return history_from_counts(
        population.assign(year=population["upload_id"].map(year_of)),
        events.assign(year=events["upload_id"].map(year_of)),
    )
