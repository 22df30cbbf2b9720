"""The sitemap: published pages only, like every public surface."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import Q
from django.urls import reverse

from unactions.records.models import Action, Defender, Mechanism


class ActionSitemap(Sitemap):
    def items(self):
        return Action.objects.published().order_by("-date", "pk")

    def lastmod(self, action):
        return action.updated


class DefenderSitemap(Sitemap):
    def items(self):
        published = Action.objects.published()
        return Defender.objects.filter(Q(actions__in=published)).distinct().order_by("name")


class MechanismSitemap(Sitemap):
    def items(self):
        published = Action.objects.published()
        return Mechanism.objects.filter(Q(actions__in=published)).distinct().order_by("name")


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
