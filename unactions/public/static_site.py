"""The static export: the whole public site as files any web server or CDN can host.

Every page is rendered by the application itself (through Django's test client, with
`UNACTIONS_STATIC_BUILD` on, so links point at files), in English and in Chinese: the
list and its pages, a page per value of each filter, every permalink, defender and
mechanism page, the statistics, the Atom feed, the JSON and CSV downloads, the sitemap,
and a search that runs in the browser over search-index.json. Published actions only,
as on the live site. The export is written to a new folder that replaces OUTDIR only
once it is complete.
"""

from __future__ import annotations

import logging
import multiprocessing
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlencode, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connections
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from unactions.records.models import Action, Defender, Mechanism
from unactions.records.query import ActionQuery, facet_counts, find_actions, named

from . import static_paths
from .sitemaps import SITEMAPS
from .templatetags.browse import static_cards, static_filters_rendered
from .views import DEFENDERS_PAGE_SIZE, PAGE_SIZE, static_facets

LANGUAGES = ("en", "zh-hans")


class BuildError(RuntimeError):
    pass


@dataclass(frozen=True)
class Page:
    url: str  # what the live site answers
    path: str  # where the static copy is written, under the output folder


def _file(path: str) -> str:
    """A URL path as a file: folders get index.html."""
    path = unquote(path).lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


def _pages_of(query: ActionQuery) -> Iterator[Page]:
    url = reverse("public:list")
    for number in _page_numbers(find_actions(query).count(), PAGE_SIZE):
        target = static_paths.query_path(query, number)
        params = [*query.params(), *([("page", str(number))] if number > 1 else [])]
        yield Page(url + ("?" + urlencode(params) if params else ""), _file(target))


def _page_numbers(count: int, size: int) -> range:
    """The numbers of the pages of `count` items, `size` a page (one page when none)."""
    return range(1, max(1, -(-count // size)) + 1)


def pages() -> Iterator[Page]:
    """Every page of the static site, in every language."""
    published = Action.objects.published()
    for language in LANGUAGES:
        with translation.override(language):
            yield from _pages_of(ActionQuery())
            for facet in facet_counts(ActionQuery()):
                values = [v.value for v in facet.values]
                if facet.more:
                    values = [value for value, _, _ in facet.facet.counts(published)]
                for value in values:
                    yield from _pages_of(ActionQuery(selected={facet.key: (value,)}))
                    if language == LANGUAGES[0]:
                        feed = reverse("data:feed") + "?" + urlencode([(facet.key, value)])
                        yield Page(feed, _file(static_paths.feed_path(facet.key, value)))
            for name in ("public:statistics", "public:mechanisms", "public:search"):
                yield Page(reverse(name), _file(reverse(name)))
            for number in _page_numbers(len(named("defender")), DEFENDERS_PAGE_SIZE):
                url = static_paths.live_page("public:defenders", number)
                yield Page(url, _file(static_paths.page_of("public:defenders", number)))
            for record_id in published.values_list("record_id", flat=True):
                url = reverse("public:action", args=[record_id])
                yield Page(url, _file(url))
            for model, name in ((Defender, "public:defender"), (Mechanism, "public:mechanism")):
                slugs = model.objects.filter(actions__in=published).values_list("slug", flat=True)
                for slug in sorted(set(slugs)):
                    url = reverse(name, args=[slug])
                    yield Page(url, _file(url))
    for name in (
        "data:feed",
        "data:download-json",
        "data:download-csv",
        "data:search-index",
        "sitemap",
    ):
        yield Page(reverse(name), _file(reverse(name)))
    for section in SITEMAPS:
        url = reverse("sitemap-section", kwargs={"section": section})
        yield Page(url, _file(url))


@dataclass
class BuildResult:
    pages: int
    files: int


def build_site(
    outdir: Path,
    *,
    base_url: str = "http://localhost",
    progress: Callable[[int, int], None] | None = None,
    jobs: int = 1,
) -> BuildResult:
    """Write the site to `outdir`, as it will be served from `base_url` (for feeds),
    rendering its pages in `jobs` processes."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise BuildError(
            f"{base_url!r}: give the address of a site's root, like https://example.org"
        )
    outdir = outdir.resolve()
    if outdir.exists() and not outdir.is_dir():
        raise BuildError(f"{outdir} exists and is not a folder")
    outdir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.", dir=outdir.parent))
    quiet = logging.getLogger("django.request")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # the deliberate 404 below is not worth a warning
    static_facets.cache_clear()
    static_cards.clear()
    static_filters_rendered.clear()
    try:
        with override_settings(UNACTIONS_STATIC_BUILD=True, ALLOWED_HOSTS=["*"]):
            todo = list(dict.fromkeys(pages()))
            writer = _Writer(work, parts.netloc, secure=parts.scheme == "https")
            if jobs > 1 and len(todo) > 1:
                _write_in_processes(writer, todo, jobs, progress)
            else:
                for done, page in enumerate(todo, start=1):
                    writer.write(page)
                    if progress:
                        progress(done, len(todo))
            writer.write(Page("/this-page-does-not-exist/", "404.html"), 404)
        files = _copy_static(work)
        _replace(outdir, work)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    finally:
        static_facets.cache_clear()
        static_cards.clear()
        static_filters_rendered.clear()
        quiet.setLevel(level)
    return BuildResult(pages=len(todo), files=files)


class _Writer:
    """Renders pages through the application and writes them under `work`."""

    def __init__(self, work: Path, host: str, secure: bool):
        self.work, self.secure = work, secure
        self.client = Client(HTTP_HOST=host)

    def write(self, page: Page, status: int = 200) -> None:
        # The page's own address in the export, for its language switcher (the page
        # for a missing address is served from anywhere: it says the root).
        here = "/" + page.path if status == 200 else "/"
        response = self.client.get(page.url, secure=self.secure, HTTP_X_STATIC_PATH=here)
        if response.status_code != status:
            raise BuildError(f"{page.url} answered {response.status_code}")
        target = self.work / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            # Any response is iterable; a streamed one (a download) is written as it comes.
            out.writelines(response)


# What each process of a parallel export writes with (a fork inherits it).
_writer: _Writer | None = None


def _start_process() -> None:
    """In each forked process: forget the database connections it inherited, without
    closing them, and open its own. Their sockets are the parent's, and the parent
    cannot close every one before forking: a connection held in another context (as
    under a running event loop) is out of its reach. SQLite's in-memory database (the
    tests') lives only in its connection, which the process keeps."""
    for connection in connections.all():
        if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):
            connection.connection = None


def _write_batch(batch: list[Page]) -> int:
    for page in batch:
        _writer.write(page)
    return len(batch)


def _write_in_processes(
    writer: _Writer, todo: list[Page], jobs: int, progress: Callable[[int, int], None] | None
) -> None:
    """Write the pages in `jobs` forked processes, a batch at a time: pages render
    through Python and the database one at a time, so a second core doubles the pace.
    Each process opens its own database connection; an error in any stops them all."""
    global _writer
    _writer = writer
    size = max(1, min(200, len(todo) // (jobs * 4)))
    batches = [todo[start : start + size] for start in range(0, len(todo), size)]
    connections.close_all()  # not shared with the processes: each opens its own
    try:
        with multiprocessing.get_context("fork").Pool(jobs, _start_process) as pool:
            done = 0
            for count in pool.imap_unordered(_write_batch, batches):
                done += count
                if progress:
                    progress(done, len(todo))
    finally:
        _writer = None


def _copy_static(work: Path) -> int:
    """The public site's own CSS and JavaScript (not the admin's)."""
    count = 0
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            if not path.startswith("public/"):
                continue
            target = work / settings.STATIC_URL.strip("/") / path
            target.parent.mkdir(parents=True, exist_ok=True)
            with storage.open(path) as source:
                target.write_bytes(source.read())
            count += 1
    return count


def _replace(outdir: Path, work: Path) -> None:
    old = None
    if outdir.exists():
        old = outdir.with_name(f".{outdir.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        outdir.rename(old)
    work.rename(outdir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
