"""Problems found in input, each with where it is, for a person to fix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    message: str
    line: int | None = None
    entry: str | None = None

    def __str__(self) -> str:
        where = ", ".join(
            part for part in (f"line {self.line}" if self.line else None, self.entry) if part
        )
        return f"{where}: {self.message}" if where else self.message


class RecordsError(ValueError):
    """Input that cannot be taken in; nothing of it should be stored."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
