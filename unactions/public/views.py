"""The pages the public reads: published actions only."""

from __future__ import annotations

from django.db.models import Max
from django.shortcuts import get_object_or_404, render

from unactions.records.models import Action


def action_list(request):
    actions = Action.objects.published().with_record()
    return render(
        request,
        "public/list.html",
        {"actions": actions, "updated": actions.aggregate(latest=Max("updated"))["latest"]},
    )


def action_detail(request, record_id: str):
    action = get_object_or_404(Action.objects.published().with_record(), record_id=record_id)
    return render(request, "public/action.html", {"action": action})
