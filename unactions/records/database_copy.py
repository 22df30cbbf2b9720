"""Copying one database into another, empty one (a SQLite file into PostgreSQL).

Table by table, in key order, a chunk of rows at a time: rows are read through the
models (so dates, JSON and booleans come out as Python values whatever the source) and
written with `bulk.Inserter` (COPY on PostgreSQL), keys and all, so every link between
rows holds as it was. Memory stays that of one chunk however large the collection.

What each database derives for itself is not copied but rebuilt: the content types and
permissions that `migrate` creates (links to them are carried over by name), the
full-text index (the target's own, kept as the actions go in), the tallies, the log
of changes behind the facet index and PostgreSQL's planner statistics. Sessions, login
attempts and the admin's log stay behind.

The copy is one transaction on the target, so any failure leaves it as it was; the
source is read in one transaction too, as it was when the copy began. The target's
indexes are built, and on PostgreSQL its foreign keys checked, once over all the rows at
the end (SQLite checks its deferred keys as the rows go in, at little cost).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.apps import apps
from django.core.management.color import no_style
from django.db import connections, models, transaction

from . import tallies
from .bulk import (
    Inserter,
    chunks,
    collector_paused,
    foreign_keys_dropped,
    indexes_dropped,
    vacuum,
)

# Rebuilt on the target, or not worth keeping (app labels or model labels).
SKIPPED = {
    "contenttypes",
    "auth.Permission",
    "sessions",
    "admin",
    "axes",
    "records.ActionSearchEntry",  # the full-text index, rebuilt from the actions
    "records.ActionTally",  # counts, recounted from the actions
    "records.TermTally",
    "records.ReplyTally",
    "records.ActionChange",  # the log of changes the facet index follows: it starts anew
}
# Rows `migrate` writes into every database (the roles, the regions): the target's give
# way to the source's, which were written the same way and perhaps changed since.
REPLACED = ("auth.Group", "auth.Group_permissions", "records.Region")

CHUNK = 5_000


class CopyError(Exception):
    """The copy cannot be made; nothing was changed."""


def copied_models() -> list[type[models.Model]]:
    """The models whose rows are copied, many-to-many tables included, each after
    those it refers to."""
    chosen = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.app_label not in SKIPPED
        and model._meta.label not in SKIPPED
    ]
    ordered: list[type[models.Model]] = []

    def visit(model):
        if model in ordered:
            return
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model in chosen:
                if field.related_model is not model:
                    visit(field.related_model)
        ordered.append(model)

    for model in chosen:
        visit(model)
    return ordered


@collector_paused()
def copy(source: str, target: str, progress: Callable[[int, int], None] | None = None) -> dict:
    """Copy every row of `copied_models` from the database alias `source` into
    `target`, which must hold none yet; returns the number of rows of each model
    (by label), checked equal on both sides. `progress(done, total)` is told of the
    rows written as the copy goes. Python's collector is paused meanwhile, as during a
    load (`bulk.collector_paused`): 200,000 actions copied into PostgreSQL in 27.0-27.6 s
    instead of 29.4-29.6 s."""
    chosen = copied_models()
    with _snapshot(source), transaction.atomic(using=target):
        if connections[target].vendor == "postgresql":
            # Keys checked as rows change, not at the commit: tables cannot be altered
            # (below) while checks are pending.
            with connections[target].cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        _check_empty(target, chosen)
        for label in REPLACED:
            apps.get_model(label)._base_manager.using(target).all().delete()
        keys = _key_maps(source, target)
        counts = {model._meta.label: model._base_manager.using(source).count() for model in chosen}
        total, done = sum(counts.values()), 0
        # Indexes built, and foreign keys checked, once over all the rows at the end
        # (the target is new: no one reads it yet); those of keys and unique columns
        # stay, to check the rows as they go in.
        tables = [model._meta.db_table for model in chosen]
        with (
            tallies.suspended(target),
            indexes_dropped(tables, _keep_none, using=target),
            foreign_keys_dropped(tables, using=target),
        ):
            for model in chosen:
                for rows in _copy_table(model, source, target, keys):
                    done += rows
                    if progress:
                        progress(done, total)
        tallies.rebuild(connections[target])
        _reset_sequences(target)
        for model in chosen:
            copied = model._base_manager.using(target).count()
            if copied != counts[model._meta.label]:
                raise CopyError(
                    f"{model._meta.label}: {counts[model._meta.label]} rows in the source, "
                    f"{copied} in the copy; nothing was changed"
                )
    # Until autovacuum comes by, PostgreSQL would plan for the empty tables it had (at a
    # million actions, the list took 0.40 s instead of 0.11: it scanned the table for
    # lapsed embargoes), and read every row an index points to (see `bulk.vacuum`).
    vacuum(target)
    return counts


@contextmanager
def _snapshot(source: str):
    """The source read as it was when the copy began, though it is in use: in one read
    transaction (on PostgreSQL a repeatable-read one; SQLite's are)."""
    with transaction.atomic(using=source):
        if connections[source].vendor == "postgresql":
            with connections[source].cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _check_empty(target: str, chosen: list[type[models.Model]]) -> None:
    # Actions first: the likeliest mistake is a target that is already in use.
    for model in sorted(chosen, key=lambda model: model._meta.label != "records.Action"):
        if model._meta.label not in REPLACED and model._base_manager.using(target).exists():
            raise CopyError(
                f"the target database already holds {model._meta.verbose_name_plural}: "
                "copy into an empty one"
            )


def _keep_none(columns: list[str]) -> bool:
    return False


def _copy_table(model, source: str, target: str, keys: dict) -> Iterator[int]:
    """Copy the model's rows, yielding the size of each chunk written."""
    fields = model._meta.concrete_fields
    remapped = [
        (i, keys[field.related_model])
        for i, field in enumerate(fields)
        if field.is_relation and field.related_model in keys
    ]
    names = [field.attname for field in fields]
    inserter = Inserter(model, names, using=target)
    rows = (
        model._base_manager.using(source)
        .order_by("pk")
        .values_list(*names)
        .iterator(chunk_size=CHUNK)
    )
    for chunk in chunks(rows, CHUNK):
        if remapped:
            chunk = [_remap(row, remapped) for row in chunk]
        inserter.insert(chunk)
        yield len(chunk)


def _remap(row: tuple, remapped: list[tuple[int, dict]]) -> list:
    row = list(row)
    for i, key in remapped:
        if row[i] is not None:
            row[i] = key[row[i]]
    return row


def _key_maps(source: str, target: str) -> dict:
    """The target's key of each content type and permission of the source, matched by
    name; those the target lacks (made by hand in the source) are created there."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    types = {}
    for type_ in ContentType.objects.using(source):
        types[type_.pk] = (
            ContentType.objects.using(target)
            .get_or_create(app_label=type_.app_label, model=type_.model)[0]
            .pk
        )
    permissions = {}
    for permission in Permission.objects.using(source):
        permissions[permission.pk] = (
            Permission.objects.using(target)
            .get_or_create(
                content_type_id=types[permission.content_type_id],
                codename=permission.codename,
                defaults={"name": permission.name},
            )[0]
            .pk
        )
    return {ContentType: types, Permission: permissions}


def _reset_sequences(target: str) -> None:
    """Keys were copied: the target's sequences continue after them (PostgreSQL;
    SQLite's follow the largest key by themselves)."""
    connection = connections[target]
    chosen = [model for model in apps.get_models() if model._meta.managed]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), chosen):
            cursor.execute(statement)
