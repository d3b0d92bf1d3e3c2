"""HiGHS must never write to stdout: protect and audit print CSV and JSON there."""

import subprocess
import sys


def test_first_highs_in_a_process_prints_nothing_on_stdout() -> None:
    code = "from etl.privacy.highs import new_highs\nnew_highs(); new_highs()\nprint('only this')\n"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout == "only this\n"
