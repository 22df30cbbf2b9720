"""Changing the editable vocabularies: renaming, merging and retiring terms, and
naming them in Chinese.

A rename or a merge changes the record of every action that uses the term, so each
such action gets a new revision and a version in its history, and is re-indexed. A
Chinese name is not part of any record: it changes what the Chinese interface shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, OuterRef, Subquery

from . import history, models, search
from .bulk import chunks
from .history import version
from .serialize import CHUNK, with_records

# For each term model: the link table and its field, or None where the action holds
# the term itself (the mechanism).
LINKS = {
    models.Issue: (models.ActionIssue, "issue"),
    models.Region: (models.ActionRegion, "region"),
    models.Government: (models.ActionGovernment, "government"),
    models.Defender: (models.ActionDefender, "defender"),
    models.Mechanism: (None, "mechanism_term"),
}


# The kinds of named rows, as a file of Chinese names keys them (formats/names.py).
KINDS = {model._meta.model_name: model for model in LINKS}


@dataclass
class Naming:
    """What `name_in_chinese` did."""

    named: int = 0
    kept: int = 0  # already named in Chinese, and not replaced
    missing: list[str] = field(default_factory=list)  # "kind 'name'" not stored

    def summary(self) -> str:
        text = f"{self.named:,} named in Chinese"
        if self.kept:
            text += f"; {self.kept:,} already named, kept"
        if self.missing:
            text += f"; {len(self.missing):,} not found: " + ", ".join(self.missing)
        return text


def name_in_chinese(names: dict[str, dict[str, str]], *, replace: bool = False) -> Naming:
    """Give the named terms and defenders their Chinese names, as
    {"issue": {"arbitrary detention": "任意拘留"}, ...}: those that have none yet, or
    with `replace` every one. The actions using them are re-indexed."""
    naming = Naming()
    changed = []
    for kind, translations in names.items():
        model = KINDS[kind]
        found = {term.name: term for term in model.objects.filter(name__in=translations)}
        naming.missing += [f"{kind} {name!r}" for name in translations if name not in found]
        terms = []
        for term in found.values():
            chinese = translations[term.name]
            if term.name_zh == chinese:
                continue
            if term.name_zh and not replace:
                naming.kept += 1
                continue
            term.name_zh = chinese
            terms.append(term)
        model.objects.bulk_update(terms, ["name_zh"])
        changed.extend(terms)
    naming.named = len(changed)
    renamed_in_chinese(changed)
    return naming


def renamed_in_chinese(terms) -> None:
    """Re-index the actions using these terms, whose Chinese names changed (no record
    changed: no new version)."""
    by_model: dict[type, list] = {}
    for term in terms:
        by_model.setdefault(type(term), []).append(term)
    for same in by_model.values():
        search.refresh(actions_using(same))


def actions_using(terms) -> list[int]:
    model = type(terms[0]) if terms else None
    if model is None:
        return []
    link_model, field = LINKS[model]
    if link_model is None:
        rows = models.Action.objects.filter(**{f"{field}__in": terms})
        return list(rows.values_list("pk", flat=True))
    rows = link_model.objects.filter(**{f"{field}__in": terms})
    return list(rows.values_list("action_id", flat=True).distinct())


def actions_changed(action_ids, *, user=None, comment: str) -> None:
    """Give actions whose record changed through a term a new revision, a version and
    their new indexed text: a chunk at a time, each in a few statements (a term may be
    in hundreds of thousands of actions)."""
    extra = {
        "fields": (*search.REINDEXED["fields"], "status", "embargo_until", "revision"),
        "related": search.REINDEXED["related"],
    }
    for chunk in chunks(sorted(set(action_ids)), CHUNK):
        history.check_kept(chunk)
        models.Action.objects.filter(pk__in=chunk).update(revision=F("revision") + 1)
        actions = list(with_records(models.Action.objects.filter(pk__in=chunk), **extra))
        search.reindex(actions)
        models.ActionVersion.objects.bulk_create(
            version(action, "updated", user=user, comment=comment, record=record.to_dict())
            for action, record in actions
        )


def merge(keep, others, *, user=None) -> int:
    """Merge `others` into `keep`: every action that used one of them uses `keep`."""
    others = [t for t in others if t.pk != keep.pk]
    if not others:
        return 0
    link_model, field = LINKS[type(keep)]
    with transaction.atomic():
        affected = actions_using(others)
        history.keep(affected)  # their records before the merge
        if link_model is None:
            models.Action.objects.filter(**{f"{field}__in": others}).update(**{field: keep})
        else:
            # In a few statements, whatever the number of links: an action that uses
            # `keep` already loses its links to the others; of an action's links to
            # several of the others, the first takes `keep` and the rest go.
            links = link_model.objects.filter(**{f"{field}__in": others})
            links.filter(
                action_id__in=link_model.objects.filter(**{field: keep}).values("action_id")
            ).delete()
            first = (
                links.filter(action_id=OuterRef("action_id"))
                .order_by("position", "pk")
                .values("pk")
            )
            links.exclude(pk=Subquery(first[:1])).delete()
            links.update(**{field: keep})
        names = ", ".join(str(t) for t in others)
        chinese = next((t.name_zh for t in others if t.name_zh), "")
        if chinese and not keep.name_zh:
            # The merged terms' Chinese name, when the kept one had none.
            keep.name_zh = chinese
            keep.save(update_fields=["name_zh"])
        for term in others:
            term.delete()
        actions_changed(affected, user=user, comment=f"merged {names} into {keep}")
    return len(others)
