"""An uploaded file → `Dataset`. The id hashes the bytes and the effective reading settings."""

from __future__ import annotations

import dataclasses
import hashlib
import json

from lib.config import Config, load_config
from lib.sources import Dataset, content_id
from lib.sources.reading import ReadOptions, read_table


def max_upload_bytes(config: Config | None = None) -> int:
    return (config or load_config()).max_upload_mb * 1024 * 1024


def upload_dataset(data: bytes, filename: str, options: ReadOptions | None = None, *,
                   config: Config | None = None) -> Dataset:
    """Read an uploaded file; raises `DataError` (Russian message) when it cannot be used.

    The same bytes read with the same effective settings get the same id, whatever the file was called,
    so caches survive a re-upload and never mix two readings of one file.
    """
    table = read_table(data, filename, options, max_bytes=max_upload_bytes(config))
    detected = table.detected
    settings = json.dumps(detected.settings(), sort_keys=True).encode()
    dataset_id = content_id("upload", hashlib.sha256(data).digest() + settings)
    name = filename if not detected.sheet or len(detected.sheets) < 2 else f"{filename} — {detected.sheet}"
    details = {
        "filename": filename,
        "size": len(data),
        "summary": detected.summary(),
        "detected": dataclasses.asdict(detected),
        "options": (options or ReadOptions()).as_dict(),
    }
    return Dataset(id=dataset_id, name=name, source="upload", frame=table.frame, details=details,
                   units=dict(detected.units))
