"""Parquet cache of a loaded export, keyed by everything that shapes its content.

The key is the SHA-256 of the input files, the column mapping, the channel
spellings, the area aliases, the rules file and the source of the loading
code, so any change to one of them reads the export again. Only the canonical frames are
written: free text never reaches the disk.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

import pandas as pd

import crmlib
from crmlib.clean import ACCOUNTING_COLUMNS, COORDINATION_DTYPES, EXCLUSION_COLUMNS, FLAG_COLUMNS, TICKET_DTYPES
from crmlib.load import DEFAULT_CHANNELS_PATH, DEFAULT_MAPPING_PATH, SOURCE_COLUMNS, Export, load_export
from crmlib.manifest import sha256_of
from crmlib.paths import OUTPUTS_DIR, PARAMS_DIR
from crmlib.rules import DEFAULT_RULES_PATH, Rules

DEFAULT_CACHE_DIR = OUTPUTS_DIR / ".cache"
# The modules whose code shapes the cached frames: editing one must not serve stale rows.
LOADING_MODULES = ("areas.py", "cache.py", "clean.py", "load.py", "parse.py", "rules.py")
ALIASES_PATH = PARAMS_DIR / "areas" / "aliases.yaml"

# The only columns each cached frame may hold.
CACHED_COLUMNS: dict[str, list[str]] = {
    "tickets": list(TICKET_DTYPES),
    "coordinations": list(COORDINATION_DTYPES),
    "exclusions": EXCLUSION_COLUMNS,
    "flags": FLAG_COLUMNS,
    "accounting": ACCOUNTING_COLUMNS,
    "sources": SOURCE_COLUMNS,
}


def _digest_of(item: Any) -> str:
    """SHA-256 of a file, or of a parameter object given in memory."""
    if item is None:
        return "none"
    if isinstance(item, (str, Path)):
        return sha256_of(item)
    if isinstance(item, Rules):
        return hashlib.sha256(repr(item).encode("utf-8")).hexdigest()
    if isinstance(item, Mapping):
        text = json.dumps(item, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
    raise TypeError(f"cannot key the cache on {type(item).__name__}")


def _loading_code_digest() -> str:
    package = Path(crmlib.__file__).parent
    digest = hashlib.sha256()
    for name in LOADING_MODULES:
        digest.update((package / name).read_bytes())
    return digest.hexdigest()


def cache_key(
    tickets_path: str | Path,
    coordinations_path: str | Path | None = None,
    *,
    mapping: Mapping[str, Any] | str | Path | None = None,
    rules: Rules | str | Path | None = None,
    channels: Mapping[str, Any] | str | Path | None = None,
) -> str:
    """Hex key naming the cached copy of an export under these parameters."""
    parts = {
        "tickets": _digest_of(tickets_path),
        "coordinations": _digest_of(coordinations_path),
        "mapping": _digest_of(mapping if mapping is not None else DEFAULT_MAPPING_PATH),
        "rules": _digest_of(rules if rules is not None else DEFAULT_RULES_PATH),
        "channels": _digest_of(channels if channels is not None else DEFAULT_CHANNELS_PATH),
        "aliases": _digest_of(ALIASES_PATH),
        "code": _loading_code_digest(),
        # The frames name their source files: a copy under another name is another entry.
        "names": [Path(p).name if p is not None else None for p in (tickets_path, coordinations_path)],
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


def write_cache(export: Export, directory: str | Path) -> Path:
    """Write an export's frames as parquet files into ``directory``; return it."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for field in fields(Export):
        frame: pd.DataFrame = getattr(export, field.name)
        extra = set(frame.columns) - set(CACHED_COLUMNS[field.name])
        if extra:
            raise ValueError(f"refusing to cache non-canonical columns of {field.name}: {sorted(extra)}")
        frame.to_parquet(directory / f"{field.name}.parquet", engine="pyarrow", index=False)
    return directory


def read_cache(directory: str | Path) -> Export:
    """Read an export written by :func:`write_cache`."""
    directory = Path(directory)
    return Export(**{
        f.name: pd.read_parquet(directory / f"{f.name}.parquet", engine="pyarrow") for f in fields(Export)
    })


def is_complete(directory: Path) -> bool:
    """True when ``directory`` holds every frame of a cached export."""
    return all((directory / f"{f.name}.parquet").exists() for f in fields(Export))


def _move_aside(directory: Path) -> None:
    """Remove an incomplete cache directory by first renaming it out of the way (atomic)."""
    stale = Path(tempfile.mkdtemp(dir=directory.parent, prefix=f"{directory.name}.stale-"))
    try:
        os.replace(directory, stale)
    except FileNotFoundError:
        pass  # another writer moved it first
    shutil.rmtree(stale, ignore_errors=True)


def publish(partial: Path, directory: Path) -> bool:
    """Rename a fully written ``partial`` to ``directory``; False (and ``partial`` removed) if it exists.

    A complete cache directory is never emptied or replaced: another process
    may be reading it. Only an incomplete one, which nobody reads, is moved aside.
    """
    for _ in range(2):
        try:
            # rename(2) is atomic and refuses to replace a directory that has files in it.
            os.rename(partial, directory)
            return True
        except OSError as error:
            if error.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
        if is_complete(directory):
            break  # another writer won the race
        _move_aside(directory)  # left half-written by an older version or by hand
    shutil.rmtree(partial, ignore_errors=True)
    return False


def load_cached(
    tickets_path: str | Path,
    coordinations_path: str | Path | None = None,
    *,
    mapping: Mapping[str, Any] | str | Path | None = None,
    rules: Rules | str | Path | None = None,
    channels: Mapping[str, Any] | str | Path | None = None,
    cache_dir: str | Path | None = None,
) -> Export:
    """:func:`crmlib.load.load_export` through a parquet cache (default ``outputs/.cache``)."""
    key = cache_key(tickets_path, coordinations_path, mapping=mapping, rules=rules, channels=channels)
    directory = Path(cache_dir if cache_dir is not None else DEFAULT_CACHE_DIR) / key
    if is_complete(directory):
        return read_cache(directory)
    export = load_export(tickets_path, coordinations_path, mapping=mapping, rules=rules, channels=channels)
    # Each writer gets its own side directory, renamed into place when complete:
    # a crash never leaves half a cache, and two builds loading the same export
    # at once never write into the same files.
    directory.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(dir=directory.parent, prefix=f"{key}.partial-"))
    try:
        write_cache(export, partial)
        partial.chmod(0o755)  # mkdtemp made it private to this process
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if publish(partial, directory) or not is_complete(directory):
        return export
    return read_cache(directory)  # another writer won: use its copy, as every later reader will
