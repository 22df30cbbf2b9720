"""Where the static export puts the pages that the live site serves with query strings.

A static host ignores query strings, so the export writes the common filters as
folders: "/?issue=torture&page=2" becomes "/filter/issue/torture/page/2/".
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.urls import reverse


def is_static_build() -> bool:
    return getattr(settings, "UNACTIONS_STATIC_BUILD", False)


def list_path(page: int = 1) -> str:
    return reverse("public:list") + (f"page/{page}/" if page > 1 else "")


def filter_path(key: str, value: str, page: int = 1) -> str:
    base = reverse("public:list") + f"filter/{quote(key)}/{quote(value, safe='')}/"
    return base + (f"page/{page}/" if page > 1 else "")


def query_path(query, page: int = 1) -> str:
    """The static page showing `query`: the list, or the page of its one filter."""
    pairs = [(k, v) for k, values in query.selected.items() for v in values]
    if len(pairs) == 1:
        return filter_path(*pairs[0], page=page)
    return list_path(page)


def live_page(name: str, page: int = 1) -> str:
    """Page `page` of a list with a name (as the defenders'), on the live site."""
    return reverse(name) + (f"?page={page}" if page > 1 else "")


def page_of(name: str, page: int = 1) -> str:
    """Page `page` of a list with a name, in the static export: "/defenders/?page=2"
    becomes "/defenders/page/2/"."""
    return reverse(name) + (f"page/{page}/" if page > 1 else "")


def feed_path(key: str, value: str) -> str:
    return f"/feeds/{quote(key)}/{quote(value, safe='')}.atom"


def translate_path(path: str, language: str) -> str:
    """The same page of the export in another language (English has no prefix)."""
    from django.conf import settings

    prefixes = [f"/{code}/" for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    for prefix in prefixes:
        if path.startswith(prefix):
            path = "/" + path[len(prefix) :]
            break
    if language == settings.LANGUAGE_CODE:
        return path
    return f"/{language}{path}"
