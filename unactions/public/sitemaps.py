"""The sitemap: published pages only, like every public surface.

`/sitemap.xml` is an index (Django's) of documents of at most `PART` addresses each:
the pages, the mechanisms, and the actions and defenders in parts ("actions-1",
"actions-2", …). One document held the first 50,000 actions only (the limit of a
sitemap), and took 8-13 s at a million actions. Parts are sections of their own, not
Django's pages of a section: those differ by a query string (`?p=2`), which a static
host ignores, so the static export could not write them as files.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.urls import reverse

from unactions.records.models import Action
from unactions.records.query import named, public_ids

# Addresses in a document of the sitemap.
PART = 5_000


class PartSitemap(Sitemap):
    """Part `part` of a section: at most `PART` of its items, so one page of Django's."""

    def __init__(self, part: int = 1):
        self.part = part

    @property
    def paginator(self):
        return _OnePage(self._items)

    @staticmethod
    def parts() -> list[int]:
        """The numbers of the section's parts now, none of them empty (a sitemap lists
        at least one address)."""
        raise NotImplementedError

    def exists(self) -> bool:
        """Whether the part is one of the section's now."""
        raise NotImplementedError


class ActionSitemap(PartSitemap):
    """The actions by id, `PART` ids to a part: a new action joins the last part (the
    others stay as search engines read them), and a part is read through the table's
    own order (counting its place among the others read a million rows for the last).
    A part whose ids are all drafts, embargoed or deleted is left out."""

    def items(self):
        ids = ((self.part - 1) * PART, self.part * PART)
        actions = Action.objects.published().filter(pk__gt=ids[0], pk__lte=ids[1])
        return actions.order_by("pk").only("record_id", "updated")

    @staticmethod
    def parts() -> list[int]:
        return sorted({(pk - 1) // PART + 1 for pk in public_ids()})

    def exists(self) -> bool:
        return self.items().exists()

    def lastmod(self, action):
        return action.updated

    def get_latest_lastmod(self):
        return None  # for the index: reading every part's actions would take seconds


class DefenderSitemap(PartSitemap):
    @functools.cached_property
    def _defenders(self):
        return named("defender")  # read once for the part's check and its items

    def items(self):
        start = (self.part - 1) * PART
        return self._defenders[start : start + PART]

    @staticmethod
    def parts() -> list[int]:
        return _parts_of(len(named("defender")))

    def exists(self) -> bool:
        return self.part in _parts_of(len(self._defenders))


class MechanismSitemap(Sitemap):
    def items(self):
        return named("mechanism")


class PageSitemap(Sitemap):
    def items(self):
        return ["public:list", "public:defenders", "public:mechanisms"]

    def location(self, name):
        return reverse(name)


_PARTED: dict[str, type[PartSitemap]] = {"actions": ActionSitemap, "defenders": DefenderSitemap}


class Sections(Mapping):
    """The sitemap's sections by name, the parts counted when they are asked for (they
    grow with the collection): what Django's `index` and `sitemap` views take."""

    def __getitem__(self, section: str) -> Sitemap:
        if section == "pages":
            return PageSitemap()
        if section == "mechanisms":
            return MechanismSitemap()
        kind, _, number = section.rpartition("-")
        sitemap = _PARTED.get(kind)
        if sitemap is None or not number.isdigit() or number[0] == "0":
            raise KeyError(section)
        part = sitemap(int(number))
        if not part.exists():
            raise KeyError(section)
        return part

    def items(self) -> list[tuple[str, Sitemap]]:
        # Each part once, not looked up by name one at a time (each counting them all).
        return [
            ("pages", PageSitemap()),
            *(
                (f"{kind}-{number}", sitemap(number))
                for kind, sitemap in _PARTED.items()
                for number in sitemap.parts()
            ),
            ("mechanisms", MechanismSitemap()),
        ]

    def __iter__(self) -> Iterator[str]:
        return iter(name for name, _ in self.items())

    def __len__(self) -> int:
        return len(self.items())

    # One collection of sections, equal only to itself: a mapping compares its items,
    # and each lookup makes new sitemaps, so `reverse`, which compares a URL's default
    # arguments (this) with those it was given, would never find the sections' URL.
    __eq__ = object.__eq__
    __hash__ = object.__hash__


def _parts_of(count: int) -> list[int]:
    """The numbers of the parts of `count` items (none when there are none)."""
    return list(range(1, -(-count // PART) + 1))


class _OnePage:
    """The pages of a part: one, which is read only when it is asked for (the index
    asks each part how many pages it has; reading them took seconds at a million)."""

    num_pages = 1

    def __init__(self, items: Callable[[], Sequence]):
        self.items = items

    def page(self, number):
        return Paginator(self.items(), PART).page(number)


SITEMAPS = Sections()
