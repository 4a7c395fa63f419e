"""`make bench`: every figure beside its target and beside the peers measured in the same run.

Each module of MODULES measures one area and returns `Figure`s; this harness runs them in order, prints one
table (figure, value, target, verdict, peer) and exits 1 when any target is missed. A module that is not
there yet is named and skipped. To add an area: write `bench/<area>.py` with
`figures(context: Context) -> list[Figure]` (or a `main() -> int` that prints its own lines and returns
non-zero on a missed target) and add one line to MODULES.

    python -m bench                 # everything (about 5–8 minutes on 2 cores)
    python -m bench --quick         # 336 776 rows only, no 1 M / 3 M runs
    python -m bench --only bench.pages
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

MODULES: list[str] = [
    "bench.pages",  # E: fact sheets per page, six-page total vs read_csv and ydata-profiling, linearity, memory
    "bench.prompt",  # A1: prompt building
    "bench.reading",  # D: upload reading vs read_csv
    "bench.verify",  # B: the number verifier
    "bench.report",  # G: the whole report
]


@dataclass(frozen=True)
class Figure:
    """One measured figure. `target`: the bound (`<=` unless `at_least`); `peer`: what it is compared with,
    as text («read_csv 0,41 с»); `ok` is None when there is no target or the peer could not be measured."""

    name: str
    value: float
    unit: str = "с"
    target: float | None = None
    at_least: bool = False
    peer: str = ""
    note: str = ""

    @property
    def ok(self) -> bool | None:
        if self.target is None:
            return None
        return self.value >= self.target if self.at_least else self.value <= self.target


@dataclass
class Context:
    """What modules share: the row counts to measure at and a scratch directory."""

    quick: bool
    workdir: Path
    cache: dict[str, object] = field(default_factory=dict)

    @property
    def scales(self) -> tuple[int, ...]:
        """Copies of flights to concatenate: 1 (336 776 rows), 3 (1 M) and 9 (3 M)."""
        return (1,) if self.quick else (1, 3, 9)


def _last_level_cache() -> int:
    """Bytes of the processor's last-level cache (Linux sysfs), 32 MiB when it cannot be read."""
    for index in sorted(Path("/sys/devices/system/cpu/cpu0/cache").glob("index*"), reverse=True):
        try:
            size = (index / "size").read_text().strip()
        except OSError:
            continue
        scale = {"K": 2**10, "M": 2**20, "G": 2**30}.get(size[-1:], 1)
        return int(size.rstrip("KMG")) * scale
    return 32 * 2**20


@cache
def _evictor() -> np.ndarray:
    return np.ones(2 * _last_level_cache(), dtype=np.uint8)


def evict_caches() -> None:
    """Read twice the last-level cache's worth of other memory, so that what a timed run reads next comes
    from memory, as on a server between a user's clicks, not from the cache the previous run left warm."""
    np.bitwise_or.reduce(_evictor())


def best_of(action: Callable[[], object], repeat: int) -> float:
    """The smallest wall time of `repeat` runs (the least disturbed by the other processes on the machine),
    each started with cold processor caches (`evict_caches`): otherwise a table that fits the cache at
    1 M rows is read from it on the second run and on every later one, and one of 3 M is not."""
    times = []
    for _ in range(repeat):
        evict_caches()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def _value(figure: Figure) -> str:
    return f"{figure.value:.3f} {figure.unit}" if figure.unit == "с" else f"{figure.value:,.2f} {figure.unit}"


def print_table(figures: list[Figure]) -> None:
    print(f"{'figure':<58} {'value':>14} {'target':>12} {'':4} peer / note")
    for f in figures:
        target = "" if f.target is None else f"{'≥' if f.at_least else '≤'} {f.target:g}"
        verdict = {True: "OK", False: "MISS", None: ""}[f.ok]
        print(f"{f.name:<58} {_value(f):>14} {target:>12} {verdict:4} {' · '.join(p for p in (f.peer, f.note) if p)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="336 776 rows only")
    parser.add_argument("--only", nargs="*", default=None, help="module names from MODULES, e.g. bench.pages")
    args = parser.parse_args(argv)
    import tempfile

    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="svodka-bench-") as workdir:
        context = Context(quick=args.quick, workdir=Path(workdir))
        for name in MODULES if args.only is None else [m for m in MODULES if m in args.only]:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as error:
                if error.name != name:
                    raise
                print(f"({name}: not written yet, skipped)")
                continue
            print(f"— {name}", flush=True)
            if hasattr(module, "figures"):
                measured = list(module.figures(context))
                print_table(measured)
                figures += measured
            elif module.main() != 0:
                figures.append(Figure(f"{name}: its own targets", 1.0, "", 0.0, note="см. строки выше"))
    missed = [f for f in figures if f.ok is False]
    print(f"\n{len(figures)} figures, {sum(f.ok is True for f in figures)} targets met, {len(missed)} missed")
    for f in missed:
        print(f"  MISS {f.name}: {_value(f)} (target {'≥' if f.at_least else '≤'} {f.target:g})")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
