"""The `unactions` command: the tracker's own commands and Django's, with no tracebacks.

`unactions parse|import|export|serve|seed` are the tracker's; every Django management
command (`migrate`, `createsuperuser`, ...) works too. DATABASE_URL selects the database.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "unactions"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unactions.settings")
    show_traceback = "--traceback" in argv
    try:
        import django
        from django.core.management import ManagementUtility

        django.setup()
        ManagementUtility(argv).execute()
    except KeyboardInterrupt:
        return 130
    except SystemExit as exit:
        return exit.code if isinstance(exit.code, int) else 1
    except Exception as error:
        if show_traceback:
            raise
        print(f"unactions: error: {_describe(error)}", file=sys.stderr)
        print("(run again with --traceback for the details)", file=sys.stderr)
        return 1
    return 0


def _describe(error: Exception) -> str:
    from django.core.exceptions import ImproperlyConfigured

    message = str(error).strip() or type(error).__name__
    if isinstance(error, ImproperlyConfigured) or "DATABASE_URL" in message:
        return f"the configuration is wrong: {message}"
    try:
        from django.db import DatabaseError
    except ImportError:  # pragma: no cover
        return message
    if isinstance(error, DatabaseError):
        from unactions.errors import BUSY, database_locked

        return BUSY if database_locked(error) else f"the database failed: {message}"
    return message


if __name__ == "__main__":
    sys.exit(main())
