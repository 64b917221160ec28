"""The errors a user must fix: bad input, bad settings, an unknown city or month.

Every error meant for the user derives from :class:`UserError`; the command
line prints it as one line without a traceback. Anything else that escapes is
a bug in this package (or a library) and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path


class UserError(Exception):
    """Something the user must fix; ``str()`` is one line, ready to print without a traceback.

    >>> str(UserError("unknown city 'jaktimur'\\nexpected one of jakpus, jaktim"))
    "unknown city 'jaktimur' expected one of jakpus, jaktim"
    """

    def __str__(self) -> str:
        # One line whatever the message holds (header cells may contain newlines).
        return " ".join(super().__str__().split())


class UsageError(UserError):
    """A command's arguments name something that does not exist (a city, a month, a report)."""


class InputError(UserError):
    """A file the package cannot use, with where it is and how to fix it.

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
        self.file = (Path(file).name or str(file)) if file is not None else None
        self.row = row
        self.column = column
        self.problem = problem
        self.fix = fix
        super().__init__(self._message())

    def _where(self) -> list[str | None]:
        return [self.file, f"row {self.row}" if self.row is not None else None,
                f"column '{self.column}'" if self.column is not None else None]

    def _message(self) -> str:
        where = ", ".join(part for part in self._where() if part)
        text = (f"{where}: {self.problem}" if where else self.problem).rstrip(".") + "."
        return text + (f" Fix: {self.fix.rstrip('.')}." if self.fix else "")


class SettingsError(InputError):
    """A settings file under ``params/`` that is missing, not valid YAML, or holds a wrong value.

    >>> str(SettingsError("params/rules/crm.yaml", "expected a number > 0, got -6", key="response.max_hours"))
    "crm.yaml, key 'response.max_hours': expected a number > 0, got -6. Fix: correct it in the settings file."
    >>> str(SettingsError("aliases.yaml", "not valid YAML", line=3, fix="correct the YAML syntax"))
    'aliases.yaml, line 3: not valid YAML. Fix: correct the YAML syntax.'
    """

    def __init__(self, file: str | Path | None, problem: str, *, key: str | None = None, line: int | None = None,
                 fix: str = "correct it in the settings file") -> None:
        self.key = key
        self.line = line
        super().__init__(file, problem, fix=fix)

    def _where(self) -> list[str | None]:
        # A settings file is addressed by line and key, not by row and column.
        return [self.file, f"line {self.line}" if self.line is not None else None,
                f"key '{self.key}'" if self.key is not None else None]
