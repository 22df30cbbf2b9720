"""Django's admin app with the editors' site (editors/site.py) as `admin.site`: in
INSTALLED_APPS in place of django.contrib.admin. Apart from the site, which is read once
the apps are loaded, as it uses their models."""

from django.contrib.admin.apps import AdminConfig


class EditorsAdminConfig(AdminConfig):
    default_site = "unactions.editors.site.EditorsSite"
