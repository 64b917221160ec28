"""The one error a user sees for input the package cannot read."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """An input file the package cannot use, with where it is and how to fix it.

    ``str()`` is one line, ready to print without a traceback:

    >>> str(InputError("data/laporan.csv", "unparseable date '31/02/2022'",
    ...                row=12, column="Tanggal TL", fix="use dd/mm/yyyy HH:MM"))
    "laporan.csv, row 12, column 'Tanggal TL': unparseable date '31/02/2022'. Fix: use dd/mm/yyyy HH:MM."
    """

    def __init__(
        self,
        file: str | Path | None,
        problem: str,
        *,
        row: int | None = None,
        column: str | None = None,
        fix: str | None = None,
    ) -> None:
        # File name only: full paths can carry user names and are noise in a report.
        self.file = Path(file).name if file is not None else None
        self.row = row
        self.column = column
        self.problem = problem
        self.fix = fix
        super().__init__(self._message())

    def _message(self) -> str:
        where = [part for part in (
            self.file,
            f"row {self.row}" if self.row is not None else None,
            f"column '{self.column}'" if self.column is not None else None,
        ) if part]
        text = f"{', '.join(where)}: {self.problem}" if where else self.problem
        text = text.rstrip(".") + "."
        if self.fix:
            text += f" Fix: {self.fix.rstrip('.')}."
        # One line whatever the inputs hold (header cells may contain newlines).
        return " ".join(text.split())

    def __str__(self) -> str:
        return self._message()
