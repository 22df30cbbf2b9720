"""The editors' pages: Django's admin, headed with the name of the site they keep,
listing the records before the accounts and settings, and behind two-step login
(editors/two_factor.py)."""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.urls import path
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import two_factor
from .forms import EditorsLoginForm
from .two_factor_views import two_step_login

# The pages an editor who must set up two-step login can still open.
_BEFORE_SETTING_UP = ("two_factor", "logout", "jsi18n")

# The apps an editor works in, first on the index; the others follow in Django's order.
FIRST = ("records", "public", "api")
_PLACE = {label: place for place, label in enumerate(FIRST)}


class EditorsSite(admin.AdminSite):
    # Read when shown, so that UNACTIONS_SITE_NAME (settings.SITE_NAME) names it.
    site_header = format_lazy(_("{site}: editors"), site=lazy(lambda: settings.SITE_NAME, str)())
    site_title = site_header
    login_form = EditorsLoginForm
    login_template = "editors/login.html"
    # The list of actions needs the width: beside the sidebar of every model and the
    # filters, its columns of action and mechanism were cut off at 1280 px.
    enable_nav_sidebar = False

    def has_permission(self, request):
        """A staff member's session, and if they use two-step login, one that gave a code."""
        return super().has_permission(request) and (
            request.user.is_verified() or not two_factor.is_on(request.user)
        )

    def admin_view(self, view, cacheable=False):
        """Every page behind the login, and where two-step login is required, behind
        setting it up (but for that page and logging out)."""
        inner = super().admin_view(view, cacheable)

        def view_or_set_up(request, *args, **kwargs):
            name = request.resolver_match.url_name if request.resolver_match else None
            if (
                name not in _BEFORE_SETTING_UP
                and request.user.is_active
                and request.user.is_staff
                and two_factor.must_set_up(request.user)
            ):
                return redirect(f"{self.name}:two_factor")
            return inner(request, *args, **kwargs)

        return functools.wraps(view)(view_or_set_up)

    def get_urls(self):
        return [
            path("two-step-login/", self.admin_view(two_step_login), name="two_factor"),
            *super().get_urls(),
        ]

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        return sorted(apps, key=lambda app: _PLACE.get(app["app_label"], len(FIRST)))
