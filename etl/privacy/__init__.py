"""Statistical disclosure control of published tables: suppression and an LP audit.

Attacker model
--------------
A published table consists of cells and relations (a total equals the sum of its parts;
totals can be parts of other totals, and groupings may overlap, such as regions that cut
across Kreis and Land borders). We assume the attacker knows:

* every published cell exactly;
* that zeros are always published as zero (status ``zero``), so every suppressed cell is
  at least 1;
* every relation;
* the values of cells marked ``known`` (published by an earlier release that is still
  readable, or conservatively assumed known, such as a Gemeinde's people without grid
  coordinates): they are never suppressed and never primary.

Which cells and relations a published release implies is defined in one place,
``etl.transform.attacker_model``.

A suppressed cell is therefore bounded below by 1 and above by whatever the relations
imply (at most the smallest published total containing it). The attacker's best guess is
the interval [lower, upper] obtained by minimising and maximising the cell in the linear
program "relations hold, published cells fixed, suppressed cells >= 1". This is stronger
than the usual audit with lower bound 0: with a published sum of 2 over two suppressed
parts, bound 0 allows each part anything in [0, 2], bound 1 reveals both as exactly 1.

Protection rules
----------------
* Primary cells are those with 1 <= n < k (k = ``min_count``, default 3) and those the
  input marks ``primary=1``. Zeros are never suppressed.
* A primary cell with value x needs a protection distance d(x) = max(1, ceil(p * x))
  (p = ``protection``, default 0.3): its interval must reach x + d(x) upwards and
  max(1, x - d(x)) downwards. The lower requirement is clipped at what the attacker knows
  before anything is published: 1, or more for a total whose non-zero parts force it
  higher (a total with two non-zero parts is at least 2 whatever is suppressed).
* No suppressed cell (primary or secondary) may be derivable exactly: upper - lower >= 1.
* LP results are compared with a tolerance of 1e-6.

`protect` adds secondary suppressions (preferring small cells, never zeros) until the
pattern meets these rules for all relations jointly; `audit` checks a result
independently by solving the attacker's LPs.
"""

from etl.privacy.audit import AuditReport, audit
from etl.privacy.cube import cube_relations
from etl.privacy.protect import protect
from etl.privacy.table import validate_table

__all__ = ["AuditReport", "audit", "cube_relations", "protect", "validate_table"]
