"""The three editorial roles, as Django groups with their permissions.

- Admin: manages users and vocabularies, recovers deleted actions; can do all an
  editor does.
- Editor: creates and edits actions and everything they hold, adds new terms and
  defenders, imports and exports.
- Reviewer: reads everything, drafts included, and changes nothing.

`ensure_roles` runs after every migration, so a new model's permissions reach the roles.
Give a person a role by adding them to the group and ticking "staff status".
"""

from __future__ import annotations

from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

ADMIN, EDITOR, REVIEWER = "Admin", "Editor", "Reviewer"

# The parts of an action an editor edits along with it.
_ACTION_PARTS = (
    "action",
    "actiongovernment",
    "actionissue",
    "actionregion",
    "actiondefender",
    "document",
    "response",
    "relatedsource",
)
_VOCABULARIES = ("mechanism", "government", "issue", "region")
_ALL = ("add", "change", "delete", "view")


def _perms(app: str, models, actions) -> set[tuple[str, str]]:
    return {(app, f"{a}_{m}") for m in models for a in actions}


def _records_models():
    from django.apps import apps

    return [m._meta.model_name for m in apps.get_app_config("records").get_models()]


def role_permissions() -> dict[str, set[tuple[str, str]]]:
    records = _records_models()
    reviewer = _perms("records", records, ("view",)) | {("public", "view_introduction")}
    editor = (
        reviewer
        | _perms("records", _ACTION_PARTS, _ALL)
        | _perms("records", ("defender",), ("add", "change"))
        | _perms("records", _VOCABULARIES, ("add",))
        | {("public", "change_introduction")}
    )
    admin = (
        editor
        | _perms("records", records, _ALL)
        | {("records", "recover_action")}
        | _perms("public", ("introduction",), _ALL)
        | _perms("auth", ("user",), _ALL)
        | _perms("api", ("apitoken",), ("add", "delete", "view"))
        | {("auth", "view_group")}
    )
    return {ADMIN: admin, EDITOR: editor, REVIEWER: reviewer}


def ensure_roles(using: str = "default") -> None:
    from django.apps import apps

    for label in ("auth", "records", "public", "api"):
        create_permissions(apps.get_app_config(label), verbosity=0, using=using)
    for name, wanted in role_permissions().items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        permissions = [
            p
            for p in Permission.objects.using(using).select_related("content_type")
            if (p.content_type.app_label, p.codename) in wanted
        ]
        group.permissions.set(permissions)
