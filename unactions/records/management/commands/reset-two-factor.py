from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from unactions.editors import two_factor

from ._base import RecordsCommand, ensure_database


class Command(RecordsCommand):
    help = (
        "Remove a user's authenticator and recovery codes (a lost phone): they set up "
        "two-step login again at their next login."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        ensure_database()
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        if not two_factor.is_on(user):
            self.stdout.write(f"{username} has no two-step login to reset.")
            return
        two_factor.turn_off(user)
        self.stdout.write(
            f"Two-step login reset for {username}: they set it up again at their next login."
        )
