"""Template helpers for browsing: URLs that keep the filters, highlighting, languages."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.template.loader import render_to_string
from django.urls import reverse, translate_url
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from unactions.formats import searchtext
from unactions.records.models import in_language

from .. import static_paths

register = template.Library()


@register.simple_tag
def toggle_url(query, key: str, value: str) -> str:
    """The list's URL with `value` of facet `key` selected, or unselected if it was.

    The static export has a page per single filter, not per combination.
    """
    toggled = query.toggled(key, value)
    if static_paths.is_static_build():
        return static_paths.query_path(
            toggled if query.is_selected(key, value) else type(query)(selected={key: (value,)})
        )
    return reverse("public:list") + toggled.querystring()


@register.simple_tag
def filter_url(key: str, value: str) -> str:
    """The list filtered by one value of one facet."""
    if static_paths.is_static_build():
        return static_paths.filter_path(key, value)
    return reverse("public:list") + "?" + urlencode([(key, value)])


@register.simple_tag
def feed_url(key: str, value: str) -> str:
    """The Atom feed of the actions with one value of one facet."""
    if static_paths.is_static_build():
        return static_paths.feed_path(key, value)
    return reverse("data:feed") + "?" + urlencode([(key, value)])


@register.simple_tag
def page_url(query, number: int) -> str:
    if static_paths.is_static_build():
        return static_paths.query_path(query, number)
    return query.querystring(page=number if number > 1 else None) or "?"


@register.simple_tag(takes_context=True)
def page_link(context, number: int) -> str:
    """Page `number` of what the page lists: the pages of the list named `pages_of`
    (a URL name) when the context has one, else of the list of actions for `query`."""
    name = context.get("pages_of")
    if not name:
        return page_url(context["query"], number)
    if static_paths.is_static_build():
        return static_paths.page_of(name, number)
    return static_paths.live_page(name, number)


# The static export renders each action's card once per language, however many of its
# pages list it (an action is on a dozen filters' pages); `build_site` empties this
# before and after. Keyed by revision and time of change, as an edit during the export
# makes a new card.
static_cards: dict[tuple, str] = {}


def _card_key(action, query) -> tuple | None:
    if static_paths.is_static_build() and not (query and query.q):
        return (get_language(), action.pk, action.revision, action.updated)
    return None


def without_cards(actions: list, query) -> list:
    """The actions whose card the static export has not rendered yet (all of them on
    the live site): only they need their links and documents read."""
    return [action for action in actions if _card_key(action, query) not in static_cards]


@register.simple_tag(takes_context=True)
def action_card(context, action) -> SafeString:
    """An action's card (public/_action.html), with the search's words highlighted."""
    query = context.get("query")
    key = _card_key(action, query)
    if key is not None and key in static_cards:
        return static_cards[key]
    card = render_to_string("public/_action.html", {"action": action, "query": query})
    if key is not None:
        static_cards[key] = card
    return card


# The static export's filters are the same on every page of one filter (their counts
# are the whole list's): each is rendered once per language and filter, its pages
# taking it from here; `build_site` empties this before and after.
static_filters_rendered: dict[tuple, str] = {}


@register.simple_tag(takes_context=True)
def static_filters(context) -> SafeString:
    """The static export's filters (public/_filters_static.html) for the page's query."""
    query = context["query"]
    key = (get_language(), tuple(sorted((k, tuple(v)) for k, v in query.selected.items())))
    if key not in static_filters_rendered:
        static_filters_rendered[key] = render_to_string(
            "public/_filters_static.html", {"query": query, "facets": context["facets"]}
        )
    return static_filters_rendered[key]


@register.filter
def highlight(text: str, query) -> SafeString:
    """`text`, escaped, with the words of the search wrapped in <mark>."""
    terms = searchtext.terms(query.q) if query and query.q else []
    spans = searchtext.match_spans(text, terms)
    out, last = [], 0
    for start, end in spans:
        out.append(escape(text[last:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


@register.simple_tag(takes_context=True)
def language_url(context, language: str) -> str:
    """This page in another language, with the same filters."""
    request = context["request"]
    if static_paths.is_static_build():
        # A static page's address has no query string: switch to its folder's twin.
        path = request.META.get("HTTP_X_STATIC_PATH", request.path).removesuffix("index.html")
        return static_paths.translate_path(path, language)
    url = translate_url(request.path, language)
    query = request.META.get("QUERY_STRING", "")
    return f"{url}?{query}" if query else url


@register.filter
def summary_in_language(action) -> str:
    return in_language(action.summary, action.summary_zh)


@register.filter
def mechanism_in_language(action) -> str:
    """The mechanism as the action's source wrote it; on the Chinese interface, its
    mechanism's Chinese name when it has one."""
    return in_language(action.mechanism, action.mechanism_term.name_zh)


@register.simple_tag
def is_selected(query, key: str, value: str) -> bool:
    return query.is_selected(key, value)
