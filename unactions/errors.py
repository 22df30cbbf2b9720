"""What a request that failed answers (Django's `handler500`).

A database that is locked is a passing state, not a fault: SQLite refuses a reader while
a first large import writes without its log (records/bulk.py, `written_once`), and a
writer that waited longer than its timeout for another. Such a request gets 503 with
`Retry-After`, saying to come back; any other error gets the usual 500 page. The API's
addresses answer in JSON, as their other errors do. Neither page reads the database.
The commands say the same in words (`BUSY`).
"""

from __future__ import annotations

import sys

from django.db import OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

# Seconds a client is asked to wait before trying again.
RETRY_AFTER = 60
# What a command says when the database is locked (unactions/cli.py).
BUSY = (
    "the database is busy: another process is writing to it (an import, say); "
    "nothing was changed, try again once it is done"
)


def database_locked(error: BaseException | None) -> bool:
    """Whether an error is SQLite's refusal of a database another connection holds."""
    return isinstance(error, OperationalError) and "database is locked" in str(error)


def server_error(request) -> HttpResponse:
    """Django calls this while it handles the request's error: `sys.exc_info` holds it."""
    # The API's answer is imported here, not by the commands that import `BUSY`.
    from unactions.api.views import error_response

    api = request.path.startswith("/api/")
    if not database_locked(sys.exc_info()[1]):
        if api:
            return error_response(500, "the server failed to answer; the error is logged")
        return defaults.server_error(request)
    if api:
        response = error_response(503, "the database is busy: try again in a minute")
    else:
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response
