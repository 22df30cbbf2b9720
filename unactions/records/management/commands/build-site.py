from __future__ import annotations

import os
import sys
from pathlib import Path

from django.core.management.base import CommandError

from unactions.public.static_site import BuildError, build_site

from ._base import RecordsCommand, ensure_database
from ._progress import Progress


class Command(RecordsCommand):
    help = (
        "Write the public site (published actions only) as static files into OUTDIR, "
        "for any web server or CDN. OUTDIR is replaced only once the export is complete."
    )

    def add_arguments(self, parser):
        parser.add_argument("outdir")
        parser.add_argument(
            "--base-url",
            default="http://localhost",
            help="the address the copy will be served from, for feeds and the sitemap",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            # Forked processes: Linux's way; elsewhere one process unless asked.
            default=(os.cpu_count() or 1) if sys.platform.startswith("linux") else 1,
            help="how many processes render pages at once (default on Linux: one per CPU "
            "core; elsewhere 1)",
        )

    def handle(self, *args, outdir: str, base_url: str, jobs: int, **options):
        if jobs < 1:
            raise CommandError(f"--jobs {jobs}: give at least 1")
        ensure_database()
        with Progress(self.stderr, "Writing pages") as progress:
            try:
                result = build_site(
                    Path(outdir), base_url=base_url, progress=progress.update, jobs=jobs
                )
            except (BuildError, OSError) as error:
                raise CommandError(f"the site was not written: {error}") from None
        self.stdout.write(f"Wrote {result.pages} pages and {result.files} assets to {outdir}")
