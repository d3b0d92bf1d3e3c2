"""The validation report of one upload, as typed records with an explicit JSON round trip.

`etl.uploads.validate` builds a `ValidationReport`; the job runner stores `to_json()` as the
job's result (`etl.store.jobs`), and the portal and the review workflow read it back with
`ValidationReport.from_json`. Job rows written before the report was typed hold the same JSON
shape, and a failed job holds only `{"ok": false, "errors": [{"message": ...}]}`; `from_json`
reads both, filling what they lack with the defaults below.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Check:
    """One plausibility check or territory finding: level ok, warning or info, with texts."""

    check: str
    level: str
    title: str
    explanation: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class ReportError:
    """Why an upload was refused: the message and, where known, file, row and column."""

    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    person_level: bool = False


@dataclass(frozen=True)
class ReportSummary:
    """What the upload holds: municipality, reference date, rows per table, residents."""

    municipality: str
    name: str
    reference_date: str  # ISO date
    rows: dict[str, int]
    persons: int


@dataclass(frozen=True)
class TableChange:
    """One of the largest changes of a table: the row's key cells, old and new count."""

    cells: dict[str, int | str]
    old: int
    new: int

    def to_json(self) -> dict[str, Any]:
        return {**self.cells, "old": self.old, "new": self.new}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TableChange:
        cells = {k: v for k, v in data.items() if k not in ("old", "new")}
        return cls(cells=cells, old=int(data["old"]), new=int(data["new"]))


@dataclass(frozen=True)
class TableDiff:
    """Rows added, removed and changed in one table against the replaced upload."""

    table: str
    added: int
    removed: int
    changed: int
    total_new: int
    total_old: int
    largest: tuple[TableChange, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "largest": [change.to_json() for change in self.largest]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TableDiff:
        largest = tuple(TableChange.from_json(c) for c in data.get("largest", []))
        return cls(**{**data, "largest": largest})


@dataclass(frozen=True)
class TablePreview:
    """Cells of one table and how many of them disclosure control would hide."""

    table: str
    cells: int
    primary: int
    secondary: int

    @property
    def suppressed(self) -> int:
        return self.primary + self.secondary


@dataclass(frozen=True)
class SuppressionPreview:
    """The suppression preview, or why none is available (`reason`)."""

    available: bool
    reason: str = ""
    note: str = ""
    min_count: int | None = None
    tables: tuple[TablePreview, ...] = ()

    def to_json(self) -> dict[str, Any]:
        if not self.available:
            return {"available": False, "reason": self.reason, "tables": []}
        tables = [asdict(t) for t in self.tables]
        return {"available": True, "note": self.note, "min_count": self.min_count, "tables": tables}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SuppressionPreview:
        tables = tuple(TablePreview(**t) for t in data.get("tables", []))
        return cls(
            available=bool(data.get("available")),
            reason=str(data.get("reason", "")),
            note=str(data.get("note", "")),
            min_count=data.get("min_count"),
            tables=tables,
        )


@dataclass(frozen=True)
class ValidationReport:
    """The report of one validation: refused with errors, or ok with checks, diff and preview.

    A refused report has `errors` and no summary; an accepted one has `summary`, `checks`,
    `diff` (empty for the first upload of a municipality and date, `replaces` None then),
    `preview` and `sha256`, the content hash the store step compares against.
    """

    ok: bool
    file: str = ""
    errors: tuple[ReportError, ...] = ()
    person_level: bool = False
    summary: ReportSummary | None = None
    checks: tuple[Check, ...] = ()
    replaces: str | None = None
    diff: tuple[TableDiff, ...] = ()
    preview: SuppressionPreview | None = None
    sha256: str = ""

    @property
    def warnings(self) -> tuple[Check, ...]:
        """The checks a statistician should look at before accepting."""
        return tuple(check for check in self.checks if check.level == "warning")

    @classmethod
    def refused(cls, file_name: str, error: ReportError) -> ValidationReport:
        """A report of a refused upload (nothing is stored)."""
        return cls(ok=False, file=file_name, errors=(error,), person_level=error.person_level)

    def to_json(self) -> dict[str, Any]:
        """The JSON object stored as the job's result (the shape the untyped report had)."""
        if not self.ok:
            errors = [asdict(e) for e in self.errors]
            return {
                "ok": False,
                "file": self.file,
                "errors": errors,
                "person_level": self.person_level,
            }
        return {
            "ok": True,
            "file": self.file,
            "errors": [],
            "summary": None if self.summary is None else asdict(self.summary),
            "checks": [c.as_dict() for c in self.checks],
            "replaces": self.replaces,
            "diff": [d.to_json() for d in self.diff] if self.replaces is not None else None,
            "preview": None if self.preview is None else self.preview.to_json(),
            "sha256": self.sha256,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ValidationReport:
        """Read a stored report, also one written before the typed report or by a failed job."""
        summary, preview = data.get("summary"), data.get("preview")
        return cls(
            ok=bool(data.get("ok")),
            file=str(data.get("file") or ""),
            errors=tuple(ReportError(**e) for e in data.get("errors") or ()),
            person_level=bool(data.get("person_level")),
            summary=None if summary is None else ReportSummary(**summary),
            checks=tuple(Check(**c) for c in data.get("checks") or ()),
            replaces=data.get("replaces"),
            diff=tuple(TableDiff.from_json(d) for d in data.get("diff") or ()),
            preview=None if preview is None else SuppressionPreview.from_json(preview),
            sha256=str(data.get("sha256") or ""),
        )


@dataclass(frozen=True)
class StoredUpload:
    """The result of a store job: the new upload and the report it was validated with."""

    upload_id: str
    report: ValidationReport

    def to_json(self) -> dict[str, Any]:
        return {"ok": True, "upload_id": self.upload_id, "report": self.report.to_json()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StoredUpload:
        return cls(str(data["upload_id"]), ValidationReport.from_json(data["report"]))
