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
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlencode, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from unactions.records.models import Action, Defender, Mechanism
from unactions.records.query import ActionQuery, facet_counts, find_actions

from . import static_paths
from .views import PAGE_SIZE, static_facets

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
    count = find_actions(query).count()
    pages = max(1, -(-count // PAGE_SIZE))
    for number in range(1, pages + 1):
        target = static_paths.query_path(query, number)
        params = [*query.params(), *([("page", str(number))] if number > 1 else [])]
        yield Page(url + ("?" + urlencode(params) if params else ""), _file(target))


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
            for name in (
                "public:statistics",
                "public:defenders",
                "public:mechanisms",
                "public:search",
            ):
                yield Page(reverse(name), _file(reverse(name)))
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


@dataclass
class BuildResult:
    pages: int
    files: int


def build_site(
    outdir: Path,
    *,
    base_url: str = "http://localhost",
    progress: Callable[[int, int], None] | None = None,
) -> BuildResult:
    """Write the site to `outdir`, as it will be served from `base_url` (for feeds)."""
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
    try:
        with override_settings(UNACTIONS_STATIC_BUILD=True, ALLOWED_HOSTS=["*"]):
            todo = list(dict.fromkeys(pages()))
            client = Client(HTTP_HOST=parts.netloc)
            secure = parts.scheme == "https"
            for done, page in enumerate(todo, start=1):
                # The page's own address in the export, for its language switcher.
                response = client.get(page.url, secure=secure, HTTP_X_STATIC_PATH="/" + page.path)
                if response.status_code != 200:  # pragma: no cover - a bug, not bad input
                    raise BuildError(f"{page.url} answered {response.status_code}")
                target = work / page.path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(response.content)
                if progress:
                    progress(done, len(todo))
            missing = client.get(
                "/this-page-does-not-exist/", secure=secure, HTTP_X_STATIC_PATH="/"
            )
            (work / "404.html").write_bytes(missing.content)
        files = _copy_static(work)
        _replace(outdir, work)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    finally:
        static_facets.cache_clear()
        quiet.setLevel(level)
    return BuildResult(pages=len(todo), files=files)


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
