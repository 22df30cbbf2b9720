"""A progress bar for long commands, drawn only when a person watches a terminal."""

from __future__ import annotations

import time


class Progress:
    def __init__(self, stream, label: str, width: int = 30):
        self.stream, self.label, self.width = stream, label, width
        self.visible = hasattr(stream, "isatty") and stream.isatty()
        self._last = 0.0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.visible and self._last:
            self.stream.write("\n", ending="")
            self.stream.flush()

    def update(self, done: float, total: float, shown: str | None = None) -> None:
        """Draw the bar `done` of `total` full, followed by `shown` (or "done/total")."""
        if not self.visible:
            return
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        filled = int(self.width * done / total) if total else self.width
        bar = "#" * filled + "-" * (self.width - filled)
        shown = f"{done}/{total}" if shown is None else shown
        self.stream.write(f"\r{self.label} [{bar}] {shown}", ending="")
        self.stream.flush()
