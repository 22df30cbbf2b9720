from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path

from unactions.editors.middleware import EDITORS_PREFIX
from unactions.public.sitemaps import SITEMAPS
from unactions.public.urls import data_urlpatterns

# A locked database answers 503 (try again), other errors the usual 500 page.
handler500 = "unactions.errors.server_error"

urlpatterns = [
    path(EDITORS_PREFIX.removeprefix("/"), admin.site.urls),
    path("api/v1/", include("unactions.api.urls")),
    path(
        "sitemap.xml",
        sitemaps.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<str:section>.xml",
        sitemaps.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("", include(data_urlpatterns)),
    *i18n_patterns(path("", include("unactions.public.urls")), prefix_default_language=False),
]
