"""The ydata-profiling peer, run by bench/pages.py with the separate virtualenv of `make bench-peers`
(ydata-profiling is never a dependency of the app). Prints one JSON line: the best of `repeat` (default 2)
minimal `get_description()` timings on the CSV read with plain `pandas.read_csv`."""

from __future__ import annotations

import json
import sys
import time

import pandas as pd
from ydata_profiling import ProfileReport


def main(path: str, repeat: int) -> None:
    frame = pd.read_csv(path)
    times = []
    for _ in range(repeat):
        report = ProfileReport(frame, minimal=True, progress_bar=False)
        start = time.perf_counter()
        report.get_description()
        times.append(time.perf_counter() - start)
    print(json.dumps({"seconds": min(times)}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 2)
