"""Area keys and the territorial hierarchy: Land (2 digits), Kreis (5), Gemeinde (8 = AGS).

Pure helpers on string keys. An Ortsteil key is `<AGS>-<code>`. The 12-digit Amtlicher
Regionalschlüssel (ARS: Land 2, Regierungsbezirk 1, Kreis 2, Gemeindeverband 4, Gemeinde 3) is
never taken for an AGS silently: convert it with `ars_to_ags`. The codes of GENESIS tables
(8-digit Samtgemeinden, 11-digit members) are mapped in `etl.extract.genesis.codes`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

import pandas as pd

LAND_NAMES: Final[dict[str, str]] = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
}

LEVELS: Final = ("land", "kreis", "gemeinde", "ortsteil")
_LEVEL_BY_LENGTH: Final = {2: "land", 5: "kreis", 8: "gemeinde"}
_ORTSTEIL: Final = re.compile(r"^\d{8}-\w+$")


def land_key(ags: str) -> str:
    """The Land of a Kreis, Gemeinde or Ortsteil key: its first two digits."""
    return ags[:2]


def kreis_key(ags: str) -> str:
    """The Kreis of a Gemeinde or Ortsteil key: its first five digits."""
    return ags[:5]


def level_of_key(key: str) -> str:
    """'land', 'kreis', 'gemeinde' or 'ortsteil' from the shape of the key.

    Raises ValueError for anything else (a 9-digit Gemeindeverband, a 12-digit ARS, text).
    """
    if _ORTSTEIL.match(key):
        return "ortsteil"
    if key.isdigit() and len(key) in _LEVEL_BY_LENGTH and key[:2] in LAND_NAMES:
        return _LEVEL_BY_LENGTH[len(key)]
    raise ValueError(
        f"{key!r} ist kein Gebietsschlüssel: erwartet 2 (Land), 5 (Kreis) oder 8 Ziffern (AGS) "
        "oder '<AGS>-<Ortsteil>'"
    )


def parent_key(key: str) -> str | None:
    """The next level up: Ortsteil -> Gemeinde -> Kreis -> Land -> None."""
    level = level_of_key(key)
    return {"ortsteil": key[:8], "gemeinde": key[:5], "kreis": key[:2], "land": None}[level]


def normalise_ags(raw: object) -> str:
    """An 8-digit AGS from text or a number that lost its leading zero (6636003 -> '06636003').

    Raises ValueError for other lengths; a 12-digit ARS must go through `ars_to_ags`.
    """
    text = str(raw).strip()
    if text.endswith(".0") and text[:-2].isdigit():  # read as float by a spreadsheet
        text = text[:-2]
    if not text.isdigit():
        raise ValueError(f"{raw!r} ist kein AGS (nur Ziffern erlaubt)")
    if len(text) in (11, 12):
        raise ValueError(
            f"{raw!r} sieht aus wie ein Regionalschlüssel (ARS, 12 Stellen); "
            "ausdrücklich mit ars_to_ags umwandeln"
        )
    if len(text) == 7 and not text.startswith("0"):  # a number that lost its leading zero
        text = "0" + text
    if len(text) != 8:
        raise ValueError(f"{raw!r} ist kein AGS: erwartet 8 Ziffern, erhalten {len(text)}")
    if text[:2] not in LAND_NAMES:
        raise ValueError(f"{raw!r} ist kein AGS: Land {text[:2]} gibt es nicht (01-16)")
    return text


def ars_to_ags(ars: object) -> str:
    """The AGS of a 12-digit ARS: Land+RB+Kreis (5) and the last three digits (Gemeinde).

    An 11-digit value is taken as an ARS that lost its leading zero.
    """
    text = str(ars).strip()
    if text.isdigit() and len(text) == 11 and not text.startswith("0"):
        text = "0" + text
    if not (text.isdigit() and len(text) == 12):
        raise ValueError(f"{ars!r} ist kein ARS: erwartet 12 Ziffern")
    return normalise_ags(text[:5] + text[9:])


def hierarchy_edges(municipality_keys: Iterable[str]) -> pd.DataFrame:
    """Edges (total, part) of Land -> Kreis -> Gemeinde for the given municipality keys.

    Each part appears once; the frame is sorted and has string columns `total`, `part`.
    """
    keys = sorted({normalise_ags(key) for key in municipality_keys})
    kreise = sorted({kreis_key(key) for key in keys})
    edges = [(kreis_key(key), key) for key in keys] + [(land_key(k), k) for k in kreise]
    frame = pd.DataFrame(edges, columns=["total", "part"], dtype="str")
    return frame.sort_values(["total", "part"]).reset_index(drop=True)


def municipalities_of(key: str, municipality_keys: Iterable[str]) -> list[str]:
    """The municipalities (sorted) inside a Land, Kreis or Gemeinde key."""
    level = level_of_key(key)
    if level == "ortsteil":
        raise ValueError(f"{key!r} ist ein Ortsteil, keine Gemeinde, kein Kreis, kein Land")
    return sorted(m for m in set(municipality_keys) if m.startswith(key))
