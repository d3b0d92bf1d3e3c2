"""Protection statuses for the benchmarks, also when `--baseline` runs an older `etl`.

`etl.symbols` holds the one vocabulary; an `etl` from before that change (the baselines
`0d2ae86` and earlier) kept the same values in `etl.privacy.rules`.
"""

from __future__ import annotations

try:
    from etl.symbols import HIDDEN, PRIMARY, SECONDARY, ZERO
except ImportError:  # a baseline etl that predates the one vocabulary
    from etl.privacy.rules import STATUS_PRIMARY as PRIMARY
    from etl.privacy.rules import STATUS_SECONDARY as SECONDARY
    from etl.privacy.rules import STATUS_ZERO as ZERO
    from etl.privacy.rules import SUPPRESSED as HIDDEN

__all__ = ["HIDDEN", "PRIMARY", "SECONDARY", "ZERO"]
