"""Parquet cache of a loaded export, keyed by everything that shapes its content.

The key is the SHA-256 of the input files, the settings values the loading
uses (column mapping, channel spellings, area aliases, rules: taken from the
same :class:`~crmlib.ingest.settings.Settings` the load then uses), the source
of the loading code and the input file names. Any change to one of them reads
the export again. Only the canonical frames are written: free text never
reaches the disk.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import fields
from functools import lru_cache
from pathlib import Path

import pandas as pd

from crmlib import schema
from crmlib.ingest import load as load_module
from crmlib.ingest.read import sha256_of
from crmlib.ingest.settings import Settings, plain
from crmlib.schema import EXPORT_COLUMNS, Export

# The code that shapes the cached frames: editing it must not serve stale rows.
LOADING_CODE = (Path(load_module.__file__).parent, Path(schema.__file__))


def settings_digest(settings: Settings) -> str:
    """SHA-256 of the settings values that loading uses."""
    values = {
        "mapping": plain(settings.mapping),
        "channels": plain(settings.channels),
        "aliases": plain(settings.aliases),
        "rules": repr(settings.rules),
    }
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def _loading_code_digest() -> str:
    digest = hashlib.sha256()
    for root in LOADING_CODE:
        for path in sorted(root.glob("*.py")) if root.is_dir() else [root]:
            digest.update(path.name.encode("utf-8"))
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _input_digest(path: str | Path) -> str:
    stat = Path(path).stat()
    return _digest_of(str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns)


# A pool worker keys the cache for every section it runs: a file whose size and
# modification time (to the nanosecond) are unchanged is not read again to be hashed.
@lru_cache(maxsize=8)
def _digest_of(path: str, size: int, mtime_ns: int) -> str:
    return sha256_of(path)


def cache_key(tickets_path: str | Path, coordinations_path: str | Path | None, settings: Settings) -> str:
    """Hex key naming the cached copy of an export under these settings."""
    parts = {
        "tickets": _input_digest(tickets_path),
        "coordinations": _input_digest(coordinations_path) if coordinations_path is not None else None,
        "settings": settings_digest(settings),
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
        extra = set(frame.columns) - set(EXPORT_COLUMNS[field.name])
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


# A published cache directory never changes: its name is the hash of everything
# that shapes its content. A process that reads it again (a pool worker does, for
# every section of every report) keeps the frames of the last one it read.
@lru_cache(maxsize=1)
def _read_published(directory: Path) -> Export:
    return read_cache(directory)


def _shallow_copy(export: Export) -> Export:
    # New frame objects over the same data: a caller that adds a column does not
    # change what the next caller gets, and copy-on-write covers edits of values.
    return Export(**{f.name: getattr(export, f.name).copy(deep=False) for f in fields(Export)})


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
    settings: Settings,
) -> Export:
    """:func:`crmlib.ingest.load.load_export` through the parquet cache in ``settings.cache_dir``."""
    key = cache_key(tickets_path, coordinations_path, settings)
    directory = Path(settings.cache_dir) / key
    if is_complete(directory):
        return _shallow_copy(_read_published(directory))
    export = load_module.load_export(tickets_path, coordinations_path, settings=settings)
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
