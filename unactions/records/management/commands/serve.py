from __future__ import annotations

from django.core.management import call_command

from ._base import RecordsCommand, ensure_database


class Command(RecordsCommand):
    help = "Serve the application (creating and migrating the database first)."

    def add_arguments(self, parser):
        parser.add_argument(
            "addrport", nargs="?", default="127.0.0.1:8000", help="address and port to listen on"
        )
        parser.add_argument(
            "--reload", action="store_true", help="restart when the code changes (development)"
        )

    def handle(self, *args, addrport: str, reload: bool, **options):
        ensure_database()
        call_command("runserver", addrport, use_reloader=reload)
