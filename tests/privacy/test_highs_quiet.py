"""HiGHS must never write to stdout: protect and audit print CSV and JSON there."""

import subprocess
import sys


def test_first_highs_in_a_process_prints_nothing_on_stdout() -> None:
    code = "from etl.privacy.highs import new_highs\nnew_highs(); new_highs()\nprint('only this')\n"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout == "only this\n"


def test_lp_workers_print_nothing_on_stdout() -> None:
    code = (
        "import pandas as pd\n"
        "from etl.privacy import audit, intervals, protect, speculation\n"
        "speculation._MIN_PER_SLICE = 1\n"
        "intervals._MIN_PARALLEL_COLUMNS = 0\n"
        "cells = pd.DataFrame({'cell': ['t', 'a', 'b', 'c', 'd'], 'value': [9, 1, 2, 3, 3]})\n"
        "relations = pd.DataFrame({'total': ['t'] * 4, 'part': ['a', 'b', 'c', 'd']})\n"
        "result = protect(cells, relations, workers=2)\n"
        "assert audit(cells, relations, result, workers=2).safe\n"
        "print('only this')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout == "only this\n"
