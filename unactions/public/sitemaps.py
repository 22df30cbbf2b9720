"""The sitemap: published pages only, like every public surface."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from unactions.records.models import Action
from unactions.records.query import named


class ActionSitemap(Sitemap):
    def items(self):
        return Action.objects.published().order_by("-date", "pk")

    def lastmod(self, action):
        return action.updated


class DefenderSitemap(Sitemap):
    def items(self):
        return named("defender")


class MechanismSitemap(Sitemap):
    def items(self):
        return named("mechanism")


class PageSitemap(Sitemap):
    def items(self):
        return ["public:list", "public:defenders", "public:mechanisms"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "actions": ActionSitemap,
    "defenders": DefenderSitemap,
    "mechanisms": MechanismSitemap,
}
