from django.conf import settings

from .static_paths import is_static_build


def site(request):
    return {"site_name": settings.SITE_NAME, "static_site": is_static_build()}
