"""The editors' pages: Django's admin, headed with the name of the site they keep and
listing the records before the accounts and settings."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# The apps an editor works in, first on the index; the others follow in Django's order.
FIRST = ("records", "public", "api")
_PLACE = {label: place for place, label in enumerate(FIRST)}


class EditorsSite(admin.AdminSite):
    # Read when shown, so that UNACTIONS_SITE_NAME (settings.SITE_NAME) names it.
    site_header = format_lazy(_("{site}: editors"), site=lazy(lambda: settings.SITE_NAME, str)())
    site_title = site_header

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        return sorted(apps, key=lambda app: _PLACE.get(app["app_label"], len(FIRST)))


class EditorsAdminConfig(AdminConfig):
    """Django's admin app with `EditorsSite` as `admin.site` (in INSTALLED_APPS in place
    of django.contrib.admin)."""

    default_site = "unactions.editors.site.EditorsSite"
