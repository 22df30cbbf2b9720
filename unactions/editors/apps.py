from django.apps import AppConfig
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class EditorsConfig(AppConfig):
    name = "unactions.editors"
    verbose_name = _("Editors")

    def ready(self):
        from django.conf import settings
        from django.contrib import admin

        # The editors' pages are Django's admin: headed with the name of the site they
        # keep (UNACTIONS_SITE_NAME), where Django would say "Django administration".
        site = lazy(lambda: settings.SITE_NAME, str)()
        admin.site.site_header = format_lazy(_("{site}: editors"), site=site)
        admin.site.site_title = admin.site.site_header
