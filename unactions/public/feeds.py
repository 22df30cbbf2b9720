"""Atom feeds of newly published actions, for the whole list or any filtered view."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from unactions.records.query import (
    FACETS,
    ActionQuery,
    QueryError,
    indexed_query,
    listed_actions,
)

ITEMS = 50


class ActionFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request):
        try:
            return ActionQuery.from_params(request.GET)
        except QueryError as error:
            raise Http404(str(error)) from None

    def title(self, query):
        labels = [facet.label_of(value) for facet in FACETS for value in query.values(facet.key)]
        if query.q:
            labels.insert(0, f"“{query.q}”")
        suffix = f": {', '.join(str(label) for label in labels)}" if labels else ""
        return f"{settings.SITE_NAME}{suffix}"

    def subtitle(self, query):
        return _("UN actions on human rights defenders")

    def link(self, query):
        return reverse("public:list") + query.querystring()

    def feed_url(self, query):
        return reverse("data:feed") + query.querystring()

    def author_name(self):
        return settings.SITE_NAME

    def items(self, query):
        # Newest first whatever the page asked, so that readers see new actions.
        query = replace(query, sort="newest")
        return listed_actions(query, indexed_query(query, facets=False))[:ITEMS]

    def item_title(self, action):
        return f"{action.date_text}: {action.action} ({action.mechanism_term.name})"

    def item_description(self, action):
        return action.summary

    def item_link(self, action):
        return action.get_absolute_url()

    def item_pubdate(self, action):
        # When the public could first see it: when it was stored, or its embargo's end.
        if action.embargo_until:
            opened = dt.datetime.combine(action.embargo_until, dt.time(), tzinfo=dt.UTC)
            return max(action.created, opened)
        return action.created

    def item_updateddate(self, action):
        return action.updated

    def item_categories(self, action):
        return action.issue_names()

    def item_author_name(self, action):
        return action.mechanism_term.name
