"""The editors' pages beyond Django admin's own: import with preview, export, history.

They are served inside the admin (see records/admin.py), behind its login, and each
checks the permission of the role it is for (records/roles.py).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.helpers import AdminForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from unactions.formats import csvfile, jsonfile, xlsxfile
from unactions.formats.errors import RecordsError
from unactions.formats.read import parse_records
from unactions.records import followup, history, search
from unactions.records.duplicates import find_duplicates
from unactions.records.loader import load_records
from unactions.records.models import Action, ActionVersion, Status
from unactions.records.serialize import records_of

from .forms import ImportForm
from .models import PendingImport

# Communications on a page of each list of the follow-up.
FOLLOW_UP_PAGE = 100

# Writers of the file in pieces, sent as written (a whole collection would not fit in a
# server's memory).
EXPORTS = {
    "json": (jsonfile.pieces, "application/json; charset=utf-8"),
    "csv": (csvfile.pieces, "text/csv; charset=utf-8"),
    "xlsx": (
        xlsxfile.pieces,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _context(request, title: str, **extra):
    return {**admin.site.each_context(request), "title": title, "opts": Action._meta, **extra}


def export_actions(request, format: str):
    """Every action, drafts and embargoed ones included, for editors and reviewers."""
    _require(request, "records.view_action")
    if format not in EXPORTS:
        raise Http404("No such format")
    writer, content_type = EXPORTS[format]
    response = StreamingHttpResponse(
        writer(records_of(Action.objects.with_record())), content_type=content_type
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="un-actions-all-{stamp}.{format}"'
    return response


def import_actions(request):
    """Upload a file, see what it would change, then confirm: all of it or nothing."""
    _require(request, "records.add_action")
    _require(request, "records.change_action")
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm_import(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    # Laid out as the admin's own forms are: label, field and help on one row each.
    layout = AdminForm(form, [(None, {"fields": list(form.fields)})], {})
    context = _context(request, _("Import actions"), form=form, adminform=layout)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            records = parse_records(content, name=upload.name)
            plan = load_records(records, dry_run=True)
        except RecordsError as error:
            context["problems"] = error.problems
            context["file_name"] = upload.name
            return render(request, "editors/import.html", context, status=400)
        if not plan.created and not plan.updated:
            # Nothing to confirm: said at once, with the form for another file.
            count = len(plan.unchanged)
            if count:
                said = ngettext(
                    "Nothing to import from %(name)s: its %(count)s action is stored as it is.",
                    "Nothing to import from %(name)s: its %(count)s actions are stored as they "
                    "are.",
                    count,
                )
            else:  # an empty list, say
                said = _("Nothing to import from %(name)s: it holds no action.")
            messages.info(request, said % {"name": upload.name, "count": count})
            return render(request, "editors/import.html", context)
        PendingImport.forget_old()
        pending = PendingImport.objects.create(
            user=request.user,
            name=upload.name,
            content=content,
            as_drafts=form.cleaned_data["as_drafts"],
        )
        context.update(
            pending=pending,
            plan=plan,
            records={r.id: r for r in records},
            duplicates=find_duplicates(records, new_ids=set(plan.created)),
        )
    return render(request, "editors/import.html", context)


def _confirm_import(request):
    pending = get_object_or_404(PendingImport, pk=request.POST.get("pending"), user=request.user)
    try:
        records = parse_records(bytes(pending.content), name=pending.name)
        # Where the editor chose to merge a likely duplicate, the record updates the
        # stored action instead of creating another.
        for record in records:
            target = request.POST.get(f"merge-{record.id}", "")
            if target and target != record.id and Action.objects.filter(record_id=target).exists():
                record.id = target
        with transaction.atomic():
            result = load_records(
                records,
                user=request.user,
                comment=f"import of {pending.name}",
                status=Status.DRAFT if pending.as_drafts else Status.PUBLISHED,
            )
            pending.delete()
    except RecordsError as error:
        messages.error(request, _("Nothing was imported: %(error)s") % {"error": error})
        return redirect("admin:records_action_import")
    messages.success(
        request,
        _("Imported %(name)s: %(summary)s.") % {"name": pending.name, "summary": result.summary()},
    )
    return redirect("admin:records_action_changelist")


def action_history(request, object_id: str):
    """Every version of an action, each with what it changed, and a way back."""
    _require(request, "records.view_action")
    action = get_object_or_404(Action, pk=object_id)
    versions = list(ActionVersion.objects.filter(record_id=action.record_id).order_by("pk"))
    rows, previous = [], None
    for version in versions:
        rows.append(
            {
                "version": version,
                "changes": history.changes(
                    history.data_of(previous) if previous else None, history.data_of(version)
                ),
                "is_first": previous is None,
            }
        )
        previous = version
    rows.reverse()
    return render(
        request,
        "editors/history.html",
        _context(
            request,
            _("History of %(action)s") % {"action": action},
            action=action,
            original=action,
            rows=rows,
            can_revert=request.user.has_perm("records.change_action"),
        ),
    )


@require_POST
def revert_action(request, object_id: str, version_id: int):
    _require(request, "records.change_action")
    action = get_object_or_404(Action, pk=object_id)
    version = get_object_or_404(ActionVersion, pk=version_id, record_id=action.record_id)
    history.restore(version, user=request.user)
    messages.success(
        request, _("The action is back to revision %(number)s.") % {"number": version.number}
    )
    return redirect(reverse("admin:records_action_history", args=[action.pk]))


def deleted_actions(request):
    _require(request, "records.recover_action")
    return render(
        request,
        "editors/recover.html",
        _context(request, _("Recover deleted actions"), versions=history.deleted_actions()),
    )


@require_POST
def recover_action(request, version_id: int):
    _require(request, "records.recover_action")
    version = get_object_or_404(ActionVersion, pk=version_id, kind=ActionVersion.Kind.DELETED)
    if Action.objects.filter(record_id=version.record_id).exists():
        messages.error(request, _("An action with this identifier exists already."))
        return redirect("admin:records_action_recover")
    action = history.restore(version, user=request.user)
    search.refresh([action.pk])
    messages.success(request, _("Recovered %(action)s.") % {"action": action})
    return redirect(reverse("admin:records_action_change", args=[action.pk]))


def follow_up(request):
    """Communications awaiting a reply, overdue ones first, and the replies received,
    each list in pages of its own (?overdue=2 is the second page of the overdue ones)."""
    _require(request, "records.view_action")
    state = followup.follow_up()
    pages = {
        name: Paginator(getattr(state, name), FOLLOW_UP_PAGE).get_page(request.GET.get(name))
        for name in ("overdue", "awaiting", "answered")
    }
    return render(
        request,
        "editors/follow_up.html",
        _context(
            request,
            _("Follow-up of communications"),
            **pages,
            reply_days=followup.reply_days(),
        ),
    )
