from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from unactions.api.models import ApiToken

from ._base import RecordsCommand, ensure_database


class Command(RecordsCommand):
    help = "Issue a personal API token for a user; the key is printed once, never stored."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="what the token is for")

    def handle(self, *args, username: str, name: str, **options):
        ensure_database()
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        _, key = ApiToken.issue(user, name)
        self.stdout.write(key)
