"""The editors' pages in the language each editor's browser asks for."""

from __future__ import annotations

from django.utils import translation

# Where the editors' pages (Django's admin) are served.
EDITORS_PREFIX = "/admin/"


class EditorsLanguageMiddleware:
    """The admin in the language of the editor's browser (English or Chinese): its
    language cookie, else its Accept-Language. Django's LocaleMiddleware, before this
    one, gives every address outside the public site's language prefixes ("/zh-hans/")
    the default language, English; the admin has no such prefix. Django's own pages
    of the admin come translated, the tracker's from its catalogue."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(EDITORS_PREFIX):
            language = translation.get_language_from_request(request)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
