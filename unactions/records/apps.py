from django.apps import AppConfig
from django.core.signals import request_finished
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "unactions.records"
    verbose_name = _("Records")

    def ready(self):
        post_migrate.connect(install_search_index, sender=self)
        post_migrate.connect(install_tallies, sender=self)
        post_migrate.connect(install_roles, sender=self)
        request_finished.connect(trim_heap)


def install_search_index(sender, using, **kwargs):
    from .search import install_index

    install_index(connections[using])


def install_tallies(sender, using, **kwargs):
    from .tallies import install

    install(connections[using])


def install_roles(sender, using, **kwargs):
    from .roles import ensure_roles

    ensure_roles(using)


def trim_heap(sender, **kwargs):
    """After each request, give back the memory its searches took for a while."""
    from .facetindex import trim_heap

    trim_heap()
