"""Long commands draw a progress bar on a terminal, and nothing when piped."""

from __future__ import annotations

import io

from django.core.management.base import OutputWrapper

from unactions.records.management.commands._progress import Progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_bar_on_a_terminal():
    screen = Terminal()
    with Progress(OutputWrapper(screen), "Importing", width=10) as progress:
        for done in range(1, 5):
            progress.update(done, 4)
    assert screen.getvalue().endswith("\rImporting [##########] 4/4\n")
    assert screen.getvalue().startswith("\rImporting [##--------] 1/4")


def test_a_bar_with_its_own_words():
    screen = Terminal()
    with Progress(OutputWrapper(screen), "Importing", width=10) as progress:
        progress.update(0.5, 1, "1,000 records")
    assert screen.getvalue() == "\rImporting [#####-----] 1,000 records\n"


def test_nothing_when_piped():
    pipe = io.StringIO()
    with Progress(OutputWrapper(pipe), "Importing") as progress:
        for done in range(1, 5):
            progress.update(done, 4)
    assert pipe.getvalue() == ""
