"""Class breaks (mapclassify) and colour-blind-safe sequential palettes for the map.

Natural breaks use mapclassify's Fisher-Jenks on a deterministic sample of at most 256 values
(evenly spaced quantiles of the data), so results are reproducible and fast at national scale.
"""

from __future__ import annotations

import warnings
from typing import Final

import mapclassify
import numpy as np
from plotly.colors import sample_colorscale

METHODS: Final = ("quantiles", "equal_interval", "natural_breaks")
PALETTES: Final[dict[str, str]] = {
    "viridis": "Viridis",
    "cividis": "Cividis",
    "blues": "Blues",
    "ylgnbu": "YlGnBu",
    "ylorrd": "YlOrRd",
    "purples": "Purples",
}
PALETTE_LABELS: Final[dict[str, str]] = {
    "viridis": "Viridis",
    "cividis": "Cividis",
    "blues": "ColorBrewer Blues",
    "ylgnbu": "ColorBrewer YlGnBu",
    "ylorrd": "ColorBrewer YlOrRd",
    "purples": "ColorBrewer Purples",
}
MIN_CLASSES, MAX_CLASSES = 3, 9
SAMPLE_SIZE: Final = 256


def breaks(values: np.ndarray, method: str, k: int) -> list[float]:
    """Upper bounds of the classes (the last equals the maximum); fewer when values repeat."""
    if method not in METHODS:
        raise ValueError(f"Klassenbildung {method!r} unbekannt; möglich: {', '.join(METHODS)}.")
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return []
    k = max(MIN_CLASSES, min(MAX_CLASSES, int(k)))
    unique = np.unique(finite)
    if unique.size <= k:
        return [float(v) for v in unique]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # mapclassify warns about numba and duplicate bins
        if method == "quantiles":
            bins = mapclassify.Quantiles(finite, k=k).bins
        elif method == "equal_interval":
            bins = mapclassify.EqualInterval(finite, k=k).bins
        else:
            sample = np.quantile(finite, np.linspace(0, 1, min(SAMPLE_SIZE, finite.size)))
            bins = mapclassify.FisherJenks(sample, k=k).bins
    out = sorted({float(b) for b in bins})
    out[-1] = float(finite.max())
    return out


def colors(palette: str, n: int) -> list[str]:
    """n colours for n classes, low to high (ColorBrewer light to dark, viridis dark to light)."""
    scale = PALETTES.get(palette, "Viridis")
    if n <= 0:
        return []
    low = 0.0 if scale in ("Viridis", "Cividis") else 0.15
    positions = [0.5] if n == 1 else [float(p) for p in np.linspace(low, 1.0, n)]
    return sample_colorscale(scale, positions)


def discrete_colorscale(palette: str, n: int) -> list[list]:
    """A colourscale for z = class index 0..n-1 (zmin -0.5, zmax n-0.5): one colour a class."""
    cols = colors(palette, max(n, 1))
    scale: list[list] = []
    for i, colour in enumerate(cols):
        scale += [[i / len(cols), colour], [(i + 1) / len(cols), colour]]
    return scale


def class_index(values: np.ndarray, upper_bounds: list[float]) -> np.ndarray:
    """0-based class of each value (NaN stays NaN)."""
    out = np.full(values.shape, np.nan)
    finite = np.isfinite(values)
    out[finite] = np.searchsorted(np.asarray(upper_bounds), values[finite], side="left")
    return np.minimum(out, max(len(upper_bounds) - 1, 0))
