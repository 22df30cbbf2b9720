"""Headers that keep readers' browsers from talking to anyone but this site."""

from __future__ import annotations

from unactions.editors.middleware import EDITORS_PREFIX

# Readers may be under surveillance: public pages load nothing from another host,
# and no page of ours may be framed or send where a reader came from.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class PrivacyHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The editors' interface posts forms, and a browser told "no-referrer" sends
        # "Origin: null" with them, which CSRF protection rightly refuses; there Django's
        # own policy (same-origin) applies. Public pages only read.
        if not request.path.startswith(EDITORS_PREFIX):
            response["Referrer-Policy"] = "no-referrer"
            response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
