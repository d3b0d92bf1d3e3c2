"""Preston, Heuveline & Guillot (2001), Box 6.2: Sweden 1993, females, 5-year groups, 85+."""

from __future__ import annotations

import numpy as np

AGES = tuple(range(0, 90, 5))
POPULATION_1993 = np.array(
    [
        293395,
        248369,
        240012,
        261346,
        285209,
        314388,
        281290,
        286923,
        304108,
        324946,
        247613,
        211351,
        215140,
        221764,
        223506,
        183654,
        141990,
        112424,
    ],
    dtype=float,
)
L_5 = np.array(  # 5Lx; the last entry is T85
    [
        497487,
        497138,
        496901,
        496531,
        495902,
        495168,
        494213,
        492760,
        490447,
        486613,
        480665,
        471786,
        457852,
        436153,
        402775,
        350358,
        271512,
        291707,
    ],
    dtype=float,
)
ASFR = np.zeros(18)
ASFR[3:10] = [0.0120, 0.0908, 0.1499, 0.1125, 0.0441, 0.0074, 0.0003]
NET_MIGRATION = np.array(
    [
        6840,
        4150,
        3365,
        5270,
        9240,
        8230,
        5470,
        3155,
        1770,
        1115,
        1075,
        845,
        645,
        530,
        465,
        300,
        250,
        175,
    ],
    dtype=float,
)
EXPECTED_1998 = np.array(
    [
        302392,
        298682,
        252007,
        244150,
        268267,
        293515,
        320624,
        284767,
        288031,
        303166,
        322062,
        243989,
        205841,
        205516,
        205270,
        194771,
        142565,
        131966,
    ]
)
EXPECTED_BIRTHS = 615988.06
RADIX = 100_000


def survival() -> np.ndarray:
    """S0 = 5L0/(5 l0), Sx = 5Lx/5Lx-5, open S = T85/T80 with T80 = 5L80 + T85."""
    ratios = np.empty(18)
    ratios[0] = L_5[0] / (5 * RADIX)
    ratios[1:17] = L_5[1:17] / L_5[:16]
    ratios[17] = L_5[17] / (L_5[16] + L_5[17])
    return ratios
