"""Upload reading vs `pandas.read_csv` with the right explicit arguments, side by side in one run.

Each reader runs in its own subprocess (so peak memory is its own), on the same bytes, interleaved, the best
of `RUNS` (the machine is shared: the best run is the one least disturbed). A child first reads the file's
first lines once, as a running server has (imports and first-call set-up are not the reading's cost).
Files: the embedded flights CSV and a generated Russian 1C/Excel-style CSV (cp1251, «;», decimal comma,
дд.мм.гггг dates), each at full and at half size for the linearity ratio t(2x)/t(x).
Targets: time ≤ 1.5× read_csv, t(2x)/t(x) ≤ 2.2, peak memory ≤ 1.5× read_csv. Both readers are single-threaded,
so CPU seconds (printed beside wall seconds) show the same ratios without the noise of a shared machine; the
exit code (1 on a missed target, for `make bench`) follows the CPU ratios and the memory ratio.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from lib.sources.embedded import FLIGHTS_PATH

TIME_TARGET = 1.5
LINEAR_TARGET = 2.2
MEMORY_TARGET = 1.5
RUNS = 3
RUSSIAN_ROWS = 3_000_000  # about 190 MB

_CHILD = r"""
import io, json, resource, sys, time
path, reader = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
import pandas as pd
from lib.sources.reading import read_table


def run(data):
    if reader == "svodka":
        return read_table(data, "upload.csv").frame
    if reader == "pandas-russian":
        return pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="cp1251", dtype={"Код": str},
                           parse_dates=["Дата"], date_format="%d.%m.%Y")
    return pd.read_csv(io.BytesIO(data), parse_dates=["time_hour"], date_format="ISO8601")


def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


run(data[:data.index(b"\n", 65536) + 1])  # warm-up on the first lines
start, start_cpu = time.perf_counter(), cpu()
frame = run(data)
seconds, cpu_seconds = time.perf_counter() - start, cpu() - start_cpu
# VmHWM, not ru_maxrss: that one survives fork and exec, so under `make bench` every child reported the peak
# of the bench process itself (1 710 MB for both readers after bench.pages' 3 M rows)
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"seconds": seconds, "cpu": cpu_seconds, "peak_mb": peak / 1024, "rows": len(frame)}))
"""


def russian_csv(path: Path, rows: int, seed: int = 1) -> None:
    """A sales export as Russian Excel/1C writes it: cp1251, «;», decimal commas, дд.мм.гггг, 6-digit codes."""
    rng = np.random.default_rng(seed)
    cities = np.array(["Москва", "Санкт-Петербург", "Нижний Новгород", "Казань", "Екатеринбург", "Новосибирск"])
    goods = np.array(["Молоко 3,2%", "Хлеб ржаной", "Сыр «Российский»", "Гречка", "Чай чёрный", "Кофе молотый"])
    days = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1500, rows), unit="D")
    frame = pd.DataFrame({
        "Дата": days.strftime("%d.%m.%Y"),
        "Город": cities[rng.integers(0, len(cities), rows)],
        "Товар": goods[rng.integers(0, len(goods), rows)],
        "Количество": rng.integers(1, 500, rows),
        "Цена": np.round(rng.uniform(10, 5000, rows), 2),
        "Сумма": np.round(rng.uniform(10, 100000, rows), 2),
        "Код": pd.Series(rng.integers(0, 1_000_000, rows)).astype(str).str.zfill(6),
    })
    frame.to_csv(path, sep=";", decimal=",", index=False, encoding="cp1251")


def _half(source: Path, target: Path) -> None:
    data = source.read_bytes()
    cut = data.index(b"\n", len(data) // 2) + 1
    target.write_bytes(data[:cut])


def _run(path: Path, reader: str) -> dict[str, float]:
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path), reader], cwd=root, check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _best(full: Path, half: Path, peer: str) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """Best of RUNS rounds, each round: read_csv on the file, Svodka on the file, Svodka on its half."""
    rounds = [(_run(full, peer), _run(full, "svodka"), _run(half, "svodka")) for _ in range(RUNS)]
    def fastest(i: int) -> dict[str, float]:
        return min((r[i] for r in rounds), key=lambda r: r["seconds"])

    return fastest(1), fastest(0), fastest(2)


def _verdict(value: float, target: float) -> str:
    return "OK" if value <= target else f"SLOW (target ≤ {target})"


def _compare(label: str, full: Path, half: Path, peer: str) -> bool:
    """Print one file's figures; True when the CPU-time ratios and the memory ratio meet their targets."""
    ours, theirs, ours_half = _best(full, half, peer)
    size = full.stat().st_size / 1e6
    print(f"{label} ({size:.0f} MB, {ours['rows']:.0f} rows)")
    print(f"  read_csv {theirs['seconds']:7.2f} s wall {theirs['cpu']:7.2f} s CPU {theirs['peak_mb']:7.0f} MB peak")
    print(f"  svodka   {ours['seconds']:7.2f} s wall {ours['cpu']:7.2f} s CPU {ours['peak_mb']:7.0f} MB peak  "
          f"(half size {ours_half['seconds']:.2f} s wall, {ours_half['cpu']:.2f} s CPU)")
    met = True
    for clock in ("seconds", "cpu"):
        ratio = ours[clock] / theirs[clock]
        linear = ours[clock] / ours_half[clock]
        print(f"  {'wall' if clock == 'seconds' else 'CPU '}: time ×{ratio:.2f} {_verdict(ratio, TIME_TARGET)} · "
              f"t(2x)/t(x) {linear:.2f} {_verdict(linear, LINEAR_TARGET)}")
        if clock == "cpu":
            met = ratio <= TIME_TARGET and linear <= LINEAR_TARGET
    memory = ours["peak_mb"] / theirs["peak_mb"]
    print(f"  memory ×{memory:.2f} {_verdict(memory, MEMORY_TARGET)}")
    return met and memory <= MEMORY_TARGET


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="svodka-bench-reading-") as folder:
        root = Path(folder)
        flights = root / "flights.csv"
        with zipfile.ZipFile(FLIGHTS_PATH) as archive:
            flights.write_bytes(archive.read(archive.namelist()[0]))
        _half(flights, root / "flights-half.csv")
        met = _compare("flights CSV", flights, root / "flights-half.csv", "pandas-flights")
        russian = root / "russian.csv"
        # generated in a child: a forked child inherits the parent's peak memory, which would mask the readers'
        subprocess.run([sys.executable, "-c", f"from bench.reading import russian_csv; from pathlib import Path; "
                        f"russian_csv(Path({str(russian)!r}), {RUSSIAN_ROWS})"],
                       cwd=Path(__file__).resolve().parent.parent, check=True)
        _half(russian, root / "russian-half.csv")
        met = _compare("Russian CSV (cp1251, «;», decimal comma, дд.мм.гггг)", russian, root / "russian-half.csv",
                       "pandas-russian") and met
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
