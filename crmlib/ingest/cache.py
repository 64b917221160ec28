"""Parquet cache of a loaded export, keyed by everything that shapes its content.

The key is the SHA-256 of the input files, the settings values the loading
uses (column mapping, channel spellings, area and category aliases, rules: taken from the
same :class:`~crmlib.ingest.settings.Settings` the load then uses), the source
of the loading code and the input file names. Any change to one of them reads
the export again. Only the canonical frames are written: free text never
reaches the disk.

Tickets and coordinations are written one parquet file per city
(``tickets/jaktim.parquet``, ``tickets/no-city.parquet`` for rows without a
city), so that a city's report reads its own rows only; every file holds the
same columns, so the ``tickets`` folder reads as one table in any parquet
engine (none of its names starts with ``_`` or ``.``, which dataset readers
skip as metadata). The other frames are small and written whole, and so is
``time_ranges.parquet``: each table's rows and the first and last value of
each of its time columns, for the figures about the whole export.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import fields
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from crmlib import schema
from crmlib.ingest import load as load_module
from crmlib.ingest.read import file_digest
from crmlib.ingest.settings import Settings, plain
from crmlib.schema import EXPORT_COLUMNS, Export

# The code that shapes the cached frames: editing it must not serve stale rows.
LOADING_CODE = (Path(load_module.__file__).parent, Path(schema.__file__))
# Frames written one file per city, the file name of rows without a city (no city code has a hyphen), and what
# a city code may be.
BY_CITY = ("tickets", "coordinations")
NO_CITY = "no-city"
CITY_FILE_NAME = re.compile(r"[a-z0-9_]+")
TIME_RANGES = "time_ranges.parquet"
# Rows per row group in the cities' files. A report reads a city's month of coordinations, and its months of
# tickets, with a time filter; exports come close to time order, so the reader skips every group whose recorded
# time range lies outside the filter. One group per file made it decode all of a city's rows for each read.
ROW_GROUP_ROWS = 16_384


def settings_digest(settings: Settings) -> str:
    """SHA-256 of the settings values that loading uses."""
    values = {
        "mapping": plain(settings.mapping),
        "channels": plain(settings.channels),
        "aliases": plain(settings.aliases),
        "category_aliases": plain(settings.category_aliases),
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


def digests_dir(settings: Settings) -> Path:
    """Where the input files' digests are remembered, beside the cached exports."""
    return Path(settings.cache_dir) / "digests"


def cache_key(tickets_path: str | Path, coordinations_path: str | Path | None, settings: Settings) -> str:
    """Hex key naming the cached copy of an export under these settings."""
    digests = digests_dir(settings)
    parts = {
        "tickets": file_digest(tickets_path, digests),
        "coordinations": file_digest(coordinations_path, digests) if coordinations_path is not None else None,
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
        if field.name not in BY_CITY:
            frame.to_parquet(directory / f"{field.name}.parquet", engine="pyarrow", index=False)
            continue
        (directory / field.name).mkdir()
        rows = frame.groupby(frame["city_code"].fillna(NO_CITY), sort=True).indices
        # An empty table still gets a file: its columns and dtypes are read back from it.
        for city, positions in rows.items() or {NO_CITY: np.array([], dtype=np.int64)}.items():
            if city != NO_CITY and not CITY_FILE_NAME.fullmatch(city):
                raise ValueError(f"city code {city!r} cannot name a cache file")
            frame.take(positions).to_parquet(directory / field.name / f"{city}.parquet", engine="pyarrow",
                                             index=False, row_group_size=ROW_GROUP_ROWS)
    time_ranges(export).to_parquet(directory / TIME_RANGES, engine="pyarrow", index=False)
    return directory


def time_ranges(export: Export) -> pd.DataFrame:
    """Per table and time column: the table's rows, and the column's first and last time (NaT when empty)."""
    rows = [
        {"table": table, "column": column, "rows": len(frame), "first": frame[column].min(), "last": frame[column].max()}
        for table in BY_CITY
        for frame in [getattr(export, table)]
        for column in frame.columns
        if isinstance(frame[column].dtype, pd.DatetimeTZDtype)
    ]
    table = pd.DataFrame(rows).astype({"table": "string", "column": "string", "rows": "int64"})
    # An empty column's first and last are naive NaT: typed explicitly, so every row keeps the time zone.
    return table.assign(**{end: pd.array(table[end].tolist(), dtype=schema.DATETIME) for end in ("first", "last")})


def read_cache(directory: str | Path, city: str | None = None, columns: dict[str, list[str]] | None = None) -> Export:
    """Read an export written by :func:`write_cache`.

    With ``city``, its tickets and coordinations are that city's rows only
    (every other frame is whole). ``columns`` reads only those columns of the
    tables it names, for figures over all their rows: the rows of the whole
    export then come city by city, not in the order they were read.
    """
    return Export(**{f.name: read_frame(directory, f.name, city, (columns or {}).get(f.name)) for f in fields(Export)})


def read_frame(directory: str | Path, name: str, city: str | None = None, columns: list[str] | None = None,
               filters: list[tuple] | None = None) -> pd.DataFrame:
    """One frame of a cached export (``name`` is a field of :class:`~crmlib.schema.Export`), as :func:`read_cache`
    reads it. ``filters``, in pyarrow's form (``[("coordinated_at", ">=", start)]``), keeps the rows that pass
    inside the parquet reader: the others never become pandas objects."""
    directory = Path(directory)
    if name not in BY_CITY:
        path = directory / f"{name}.parquet"
    elif city is None:
        path = directory / name  # the cities' files, read as one dataset
    else:
        path = directory / name / f"{city}.parquet"
        if not path.exists():
            # The city has no rows: an empty frame with the table's columns.
            return pd.read_parquet(next((directory / name).glob("*.parquet")), engine="pyarrow",
                                   columns=columns).iloc[:0]
    frame = pd.read_parquet(path, engine="pyarrow", columns=columns, filters=filters)
    if name in BY_CITY and city is None and columns is None:
        # Back in the order the rows were read, which each file keeps within its city.
        frame = frame.sort_values("source_row", kind="stable", ignore_index=True)
    return frame


# A published cache directory never changes: its name is the hash of everything
# that shapes its content. A process that reads it again (a pool worker does, for
# every section of every report) keeps the frames it last read: those of two exports or two cities.
@lru_cache(maxsize=2 * len(fields(Export)))
def _read_published(directory: Path, name: str, city: str | None, filters: tuple[tuple, ...] | None) -> pd.DataFrame:
    return read_frame(directory, name, city, filters=list(filters) if filters else None)


def is_complete(directory: Path) -> bool:
    """True when ``directory`` holds every frame of a cached export."""
    parts = [directory / f.name if f.name in BY_CITY else directory / f"{f.name}.parquet" for f in fields(Export)]
    return all(part.exists() for part in [*parts, directory / TIME_RANGES])


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
    city: str | None = None,
    columns: dict[str, list[str]] | None = None,
    created: tuple[pd.Timestamp, pd.Timestamp] | None = None,
) -> Export:
    """:func:`crmlib.ingest.load.load_export` through the parquet cache in ``settings.cache_dir``.

    ``city`` and ``columns`` narrow what is read, as in :func:`read_cache`; a table not named in ``columns``
    is read whole, and ``[]`` reads none of its columns (only its row count). ``created`` reads only the
    tickets created from its first time until before its second.
    """
    key = cache_key(tickets_path, coordinations_path, settings)
    directory = Path(settings.cache_dir) / key
    if is_complete(directory):
        return _read_kept(directory, city, columns, created)
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
    if not publish(partial, directory) and is_complete(directory):
        return _read_kept(directory, city, columns, created)  # another writer won: use its copy, as later readers will
    return _narrow(export, city, columns, created)


def _read_kept(directory: Path, city: str | None, columns: dict[str, list[str]] | None,
               created: tuple[pd.Timestamp, pd.Timestamp] | None) -> Export:
    """A published cache's frames as :func:`load_cached` gives them, whole ones through the process's copy."""
    frames = {}
    for f in fields(Export):
        wanted = (columns or {}).get(f.name)
        filters = _between_filters("created_at", *created) if f.name == "tickets" and created else None
        # A few columns are cheap to read, and not kept. Whole frames are new objects over the kept data:
        # a caller that adds a column does not change what the next caller gets, and copy-on-write covers
        # edits of values.
        frames[f.name] = (read_frame(directory, f.name, city, wanted, filters) if wanted is not None
                          else _read_published(directory, f.name, city if f.name in BY_CITY else None,
                                               filters).copy(deep=False))
    return Export(**frames)


def _between_filters(column: str, start: pd.Timestamp, end: pd.Timestamp) -> tuple[tuple, ...]:
    """pyarrow's row filter for ``start <= column < end``."""
    return ((column, ">=", start), (column, "<", end))


def _between(frame: pd.DataFrame, column: str, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """The rows of an in-memory frame that :func:`_between_filters` keeps, in order."""
    times = frame[column]
    return frame[((times >= start) & (times < end)).fillna(False).to_numpy(bool)].reset_index(drop=True)


def _narrow(export: Export, city: str | None, columns: dict[str, list[str]] | None,
            created: tuple[pd.Timestamp, pd.Timestamp] | None = None) -> Export:
    """What :func:`load_cached` with ``city``, ``columns`` and ``created`` reads, from an export in memory."""
    frames = {}
    for f in fields(Export):
        frame = getattr(export, f.name)
        if city is not None and f.name in BY_CITY:
            frame = frame[(frame["city_code"].fillna(NO_CITY) == city).to_numpy()].reset_index(drop=True)
        if created is not None and f.name == "tickets":
            frame = _between(frame, "created_at", *created)
        if columns is not None and f.name in columns:
            frame = frame[columns[f.name]]
        frames[f.name] = frame
    return Export(**frames)


def _published(tickets_path: str | Path, coordinations_path: str | Path | None, settings: Settings) -> Path | None:
    """The export's complete cache directory under these settings, or None when it has none yet."""
    directory = Path(settings.cache_dir) / cache_key(tickets_path, coordinations_path, settings)
    return directory if is_complete(directory) else None


def load_time_ranges(
    tickets_path: str | Path,
    coordinations_path: str | Path | None = None,
    *,
    settings: Settings,
) -> pd.DataFrame:
    """:func:`time_ranges` of the export, from its cache (loaded and cached first when it has none)."""
    directory = _published(tickets_path, coordinations_path, settings)
    if directory is not None:
        return pd.read_parquet(directory / TIME_RANGES, engine="pyarrow")
    return time_ranges(load_cached(tickets_path, coordinations_path, settings=settings))


def load_values_among(
    tickets_path: str | Path,
    coordinations_path: str | Path | None = None,
    *,
    settings: Settings,
    table: str,
    column: str,
    values: pd.Series,
) -> pd.Series:
    """The distinct ``values`` that occur in ``column`` of the export's whole ``table`` (every city), from its
    cache (loaded and cached first when it has none)."""
    wanted = pd.Series(values).dropna().unique()
    if not len(wanted):
        return pd.Series([], name=column, dtype=values.dtype)  # an empty "in" filter has no type to compare
    directory = _published(tickets_path, coordinations_path, settings)
    if directory is None:
        found = getattr(load_cached(tickets_path, coordinations_path, settings=settings, columns={table: [column]}),
                        table)[column]
        return pd.Series(found[found.isin(wanted)].unique(), name=column).astype(values.dtype)
    found = read_frame(directory, table, columns=[column], filters=[(column, "in", list(wanted))])[column]
    return pd.Series(found.unique(), name=column).astype(values.dtype)


def load_rows_between(
    tickets_path: str | Path,
    coordinations_path: str | Path | None = None,
    *,
    settings: Settings,
    table: str,
    column: str,
    start: pd.Timestamp,
    end: pd.Timestamp,
    city: str | None = None,
) -> pd.DataFrame:
    """The rows of the export's ``table`` (``city``'s, or all) whose time ``column`` is from ``start`` until
    before ``end``, in the order read, from its cache (loaded and cached first when it has none)."""
    directory = _published(tickets_path, coordinations_path, settings)
    if directory is not None:
        return read_frame(directory, table, city, filters=list(_between_filters(column, start, end)))
    frame = getattr(load_cached(tickets_path, coordinations_path, settings=settings, city=city), table)
    return _between(frame, column, start, end)
