"""The C heap's policy for tables: what glibc keeps, what it gives back.

A table read in parts (or parsed cell by cell) leaves most of its temporary memory free inside the C heap:
glibc keeps it for later small allocations, while the large arrays the pages allocate next come from fresh
mappings, so the process would hold both. `malloc_trim(0)` returns the free heap pages (flights ×9: the
resident memory after loading fell from 2 to 1,1 times the frame, 34 ms).

The pages' facts then allocate and free arrays of a table's length many times. By default glibc maps each
array above its (dynamic) threshold freshly and gives a freed heap top back above 2× that threshold, so every
such array of a long table is faulted in anew, page by page, and zeroed by the kernel: at 3 M rows that was
most of what grew faster than the rows. For a long table `keep_table_memory` makes arrays of up to 32 MiB
(4 M int64 values, glibc's largest threshold) come from the heap and keeps up to 1 GiB of freed heap top for
the next array (flights ×9: the six sheets 0,77–0,89 → 0,67–0,74 s with the codes of lib/facts/codes.py made
without a copy; peak of load + six sheets 2,23–2,29 → 2,20–2,30 frames over the bench's runs).
Elsewhere than glibc nothing is done."""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache

_M_TRIM_THRESHOLD = -1  # glibc's mallopt parameters (malloc.h)
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 * 2**20  # glibc refuses more (HEAP_MAX_SIZE / 2 on 64-bit)
TRIM_THRESHOLD = 2**30


@cache
def _glibc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        library = ctypes.CDLL(name)
    except OSError:
        return None
    if getattr(library, "malloc_trim", None) is None or getattr(library, "mallopt", None) is None:
        return None  # not glibc (musl, macOS)
    library.malloc_trim.argtypes, library.malloc_trim.restype = [ctypes.c_size_t], ctypes.c_int
    library.mallopt.argtypes, library.mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return library


def release_free_heap() -> bool:
    """Return the free pages of the C heap to the system; whether the C library could."""
    library = _glibc()
    if library is None:
        return False
    library.malloc_trim(0)
    return True


LONG_TABLE_ROWS = 1_000_000  # from here a column's array is 8 MB or more


def keep_table_memory(rows: int) -> bool:
    """After a table of `rows` rows is read: from a long one on, serve table-sized arrays from the heap and keep
    freed ones for the next (for the rest of the process). Shorter tables keep glibc's default, which serves
    their arrays of a few MB from the heap after the first free anyway, while the fixed thresholds would cost
    them about 0,2 frames of peak memory (flights: 2,73 → 2,94). Whether the settings are in effect."""
    return rows >= LONG_TABLE_ROWS and _keep_table_memory()


@cache
def _keep_table_memory() -> bool:
    library = _glibc()
    if library is None:
        return False
    return bool(library.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) & bool(
        library.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
