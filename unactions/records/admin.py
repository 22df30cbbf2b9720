"""The editors' interface: Django admin for every stored model.

Editors create and correct actions with everything they hold in one form, with
autocomplete from the vocabularies and defenders (and a "+" to add a new one inline).
Every save is a version in the action's history; a save over someone else's newer save
is refused with what they changed. Admins rename, merge and retire vocabulary terms and
recover deleted actions. Roles and their permissions: records/roles.py.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.db import models as db
from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from unactions.editors import views as editor_views
from unactions.editors.forms import ActionForm, MergeForm

from . import history, models, search, totals, vocabulary

# Links typed without a scheme are taken as https, as Django 6 will do.
URL_FIELDS = {db.URLField: {"assume_scheme": "https"}}


class LinkInline(admin.TabularInline):
    extra = 0
    autocomplete_fields: tuple[str, ...] = ()
    exclude = ("position",)  # kept in the order rows are added (ActionAdmin.save_formset)


class GovernmentInline(LinkInline):
    model = models.ActionGovernment
    autocomplete_fields = ("government",)
    verbose_name_plural = _("governments addressed")


class IssueInline(LinkInline):
    model = models.ActionIssue
    autocomplete_fields = ("issue",)
    verbose_name_plural = _("issues")


class RegionInline(LinkInline):
    model = models.ActionRegion
    autocomplete_fields = ("region",)
    verbose_name_plural = _("regions")


class DefenderInline(LinkInline):
    model = models.ActionDefender
    autocomplete_fields = ("defender",)
    verbose_name_plural = _("defenders named")


class DocumentInline(admin.TabularInline):
    model = models.Document
    extra = 0
    exclude = ("position",)
    formfield_overrides = URL_FIELDS


class ResponseInline(admin.StackedInline):
    model = models.Response
    extra = 0


class RelatedSourceInline(admin.TabularInline):
    model = models.RelatedSource
    extra = 0
    exclude = ("position",)
    formfield_overrides = URL_FIELDS


class YearFilter(admin.SimpleListFilter):
    """The years from the first action's to the last's, newest first: two reads of an
    index, where listing the years that occur read every action (0.3 s on PostgreSQL at
    a million)."""

    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        # Each in a query of its own: SQLite reads one end of an index for a MIN or a
        # MAX alone, but every entry for both at once (72 ms at a million actions).
        years = models.Action.objects.values_list("year", flat=True).order_by("year")
        first, last = years.first(), years.last()
        if first is None:
            return []
        return [(str(year), str(year)) for year in range(last, first - 1, -1)]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if not value.isdigit():
            raise IncorrectLookupParameters(f"{value!r} is not a year")
        checked = _drafts_checked(request, queryset, [self.parameter_name])
        return checked if checked is not None else queryset.filter(year=int(value))


# The list's filters the tallies count (records/totals.py): parameter, column.
_COUNTED = {
    "status__exact": "status",
    "body__exact": "body",
    "action_type__exact": "action_type",
    "year": "year",
    "mechanism_term__id__exact": "mechanism_term_id",
}
# Parameters that change the list's order or page, not which actions it holds.
_UNFILTERED = {"o", "p", "all", "_facets"}


def _counted_filters(request) -> dict[str, str | int] | None:
    """The column values the list is filtered by, where the tallies count its actions
    (no search, no other filter), else None."""
    if set(request.GET) - set(_COUNTED) - _UNFILTERED:
        return None
    found: dict[str, str | int] = {}
    for parameter, column in _COUNTED.items():
        if len(values := request.GET.getlist(parameter)) != 1:
            if values:
                return None  # either of several values: counted by the database
            continue
        value = values[0]
        if column == "status":
            if value not in models.Status.values:
                return None
        elif column in ("year", "mechanism_term_id"):
            if not value.isdigit():
                return None
            value = int(value)
        found[column] = value
    return found


def _searched_alone(request) -> str | None:
    """The words the list is searched for, where it is searched for words alone (no
    filter, and not a record id: see `_by_record_id`), else None."""
    if set(request.GET) - {"q"} - _UNFILTERED:
        return None
    term = request.GET.get("q", "").strip()
    if not term or models.Action.objects.filter(record_id=term).exists():
        return None
    return term


def _drafts_checked(request, queryset, parameters: list[str]):
    """The drafts among `queryset` with the values of these filter `parameters`, each
    draft checked for them (`ActionQuerySet.checked_per_row`), when the list is of the drafts; else
    None. SQLite would otherwise read every action of a mechanism, say, from the
    column's index to find its few drafts (0.86 s at a million actions)."""
    filters = _counted_filters(request)
    if filters is None or filters.get("status") != models.Status.DRAFT:
        return None
    mine = {
        column: filters[column]
        for parameter, column in _COUNTED.items()
        if parameter in parameters and column in filters
    }
    return queryset.checked_per_row(**mine) if mine else None


class _BesideTheDrafts:
    """A column's filter that reads the drafts' index for the drafts (`_drafts_checked`)."""

    def queryset(self, request, queryset):
        checked = _drafts_checked(request, queryset, self.expected_parameters())
        return checked if checked is not None else super().queryset(request, queryset)


class ChoiceFilter(_BesideTheDrafts, admin.ChoicesFieldListFilter):
    pass


class MechanismFilter(_BesideTheDrafts, admin.RelatedFieldListFilter):
    pass


@admin.register(models.Action)
class ActionAdmin(admin.ModelAdmin):
    form = ActionForm
    change_list_template = "editors/action_change_list.html"
    list_display = ("date", "mechanism_term", "action", "publication_state", "updated")
    # By year rather than Django's date hierarchy, which truncated every action's date
    # in Python to list the years (2 s at a million actions; 8 s with a filter).
    list_filter = (
        "status",
        ("body", ChoiceFilter),
        ("action_type", ChoiceFilter),
        YearFilter,
        ("mechanism_term", MechanismFilter),
    )
    show_full_result_count = False  # a second count of every action (0.25 s on PostgreSQL)
    search_fields = ("record_id",)  # and the words of the full-text index: see below
    autocomplete_fields = ("mechanism_term",)
    readonly_fields = ("created", "updated", "revision")
    inlines = (
        GovernmentInline,
        IssueInline,
        RegionInline,
        DefenderInline,
        DocumentInline,
        ResponseInline,
        RelatedSourceInline,
    )
    fieldsets = (
        (None, {"fields": ("record_id", "status", "embargo_until", "base_revision")}),
        (_("When"), {"fields": ("date", "date_text", "published_date")}),
        (
            _("Who and what"),
            {
                "fields": (
                    "body",
                    "mechanism_term",
                    "mechanism",
                    ("mandates", "experts"),
                    "action_type",
                    "action",
                    "joint",
                    "summary",
                    "summary_zh",
                    "languages",
                    "communication_refs",
                )
            },
        ),
        (_("Record keeping"), {"fields": ("created", "updated", "revision")}),
    )

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        paginator = super().get_paginator(
            request, queryset, per_page, orphans, allow_empty_first_page
        )
        # Filtered by state and columns alone, the actions are counted from the tallies
        # (unfiltered, SQLite counts them from its smallest index); searched for words
        # alone, by the full-text index.
        if filters := _counted_filters(request):
            status = filters.pop("status", None)
            paginator.count = totals.count(status, **filters)
        elif (words := _searched_alone(request)) and (found := search.count(words)) is not None:
            paginator.count = found
        return paginator

    def get_search_results(self, request, queryset, search_term):
        """The action whose record id is searched for, or else the actions holding every
        word searched, through the full-text index as on the public site (a LIKE over
        every summary took 5 s at a million actions)."""
        return _by_record_id(queryset, search_term, search.search_in_order), False

    def get_changeform_initial_data(self, request):
        # A new action starts as a draft: communications are confidential until the UN
        # publishes them, and nothing should reach the public by accident.
        return {"status": models.Status.DRAFT, **super().get_changeform_initial_data(request)}

    @admin.display(description=_("state"))
    def publication_state(self, obj) -> str:
        return obj.publication_state

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(editor_views.import_actions), name="records_action_import"),
            path(
                "export/<str:format>/",
                view(editor_views.export_actions),
                name="records_action_export",
            ),
            path("deleted/", view(editor_views.deleted_actions), name="records_action_recover"),
            path("follow-up/", view(editor_views.follow_up), name="records_action_follow_up"),
            path(
                "deleted/<int:version_id>/recover/",
                view(editor_views.recover_action),
                name="records_action_recover_one",
            ),
            path(
                "<path:object_id>/revert/<int:version_id>/",
                view(editor_views.revert_action),
                name="records_action_revert",
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        return editor_views.action_history(request, object_id)

    def save_model(self, request, obj, form, change):
        if change:
            history.keep([obj.pk])  # the action as it was, before the form's changes
        obj.revision = (
            models.Action.objects.filter(pk=obj.pk).values_list("revision", flat=True).first() or 0
        ) + 1
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        if any(f.name == "position" for f in formset.model._meta.fields):
            # New rows go after the existing ones, as the source listed them.
            siblings = formset.model.objects.filter(action=form.instance)
            last = siblings.aggregate(n=Max("position"))["n"] or 0
            for obj in instances:
                if obj.pk is None:
                    last += 1
                    obj.position = last
        for obj in instances:
            obj.save()
        formset.save_m2m()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        search.refresh([form.instance.pk])
        history.record_version(
            form.instance,
            models.ActionVersion.Kind.UPDATED if change else models.ActionVersion.Kind.CREATED,
            user=request.user,
        )

    def delete_model(self, request, obj):
        history.delete_with_history(obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for action in queryset:
            history.delete_with_history(action, user=request.user)


class TermAdmin(admin.ModelAdmin):
    list_display = ("name", "name_zh", "slug", "retired", "action_count")
    # The Chinese names typed in the list itself, a vocabulary at a time.
    list_editable = ("name_zh",)
    list_filter = ("retired",)
    search_fields = ("name", "name_zh")
    prepopulated_fields = {"slug": ("name",)}
    actions = ("merge_terms", "retire_terms", "reinstate_terms")
    action_count_field = "action_links"

    def get_queryset(self, request):
        # Each term's actions counted on their own, a subquery for each term listed that
        # reads the links' index alone (COUNT(*)), rather than joining every link and
        # grouping them all: at a million actions, the defenders 1.5 s to 0.05 s on
        # PostgreSQL (0.7 to 0.04 on SQLite), the issues 4 s to 0.2 (0.9 to 0.2).
        relation = self.model._meta.get_field(self.action_count_field)
        term = relation.field.name  # the links' (or the actions') key to the term
        links = relation.related_model.objects.filter(**{term: OuterRef("pk")}).order_by()
        count = Subquery(links.values(term).annotate(n=Count("*")).values("n"))
        return (
            super()
            .get_queryset(request)
            .annotate(action_count=Coalesce(count, 0))
            .order_by(*self.model._meta.ordering)
        )

    @admin.display(description=_("actions"), ordering="action_count")
    def action_count(self, obj) -> int:
        return obj.action_count

    def get_search_results(self, request, queryset, search_term):
        # Retired terms stay on old records but are not offered for new ones.
        results, distinct = super().get_search_results(request, queryset, search_term)
        if request.path.endswith("/autocomplete/") and hasattr(self.model, "retired"):
            results = results.filter(retired=False)
        return results, distinct

    def save_model(self, request, obj, form, change):
        renamed = change and "name" in form.changed_data
        affected = vocabulary.actions_using([obj]) if renamed else []
        history.keep(affected)  # their records before the rename
        super().save_model(request, obj, form, change)
        if renamed:
            vocabulary.actions_changed(
                affected, user=request.user, comment=f"{_kind(obj)} renamed to {obj}"
            )
        elif change and "name_zh" in form.changed_data:
            vocabulary.renamed_in_chinese([obj])

    @admin.action(description=_("Merge the selected terms into one"), permissions=["delete"])
    def merge_terms(self, request, queryset):
        terms = list(queryset)
        if len(terms) < 2:
            self.message_user(request, _("Select two terms or more to merge."), messages.WARNING)
            return None
        form = MergeForm(request.POST if "into" in request.POST else None, terms=terms)
        if form.is_valid():
            keep = next(t for t in terms if str(t.pk) == form.cleaned_data["into"])
            merged = vocabulary.merge(keep, terms, user=request.user)
            self.message_user(
                request, _("Merged %(n)d terms into %(keep)s.") % {"n": merged, "keep": keep}
            )
            return None
        return render(
            request,
            "editors/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Merge terms"),
                "opts": self.model._meta,
                "form": form,
                "terms": terms,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Retire the selected terms"), permissions=["change"])
    def retire_terms(self, request, queryset):
        queryset.update(retired=True)

    @admin.action(description=_("Reinstate the selected terms"), permissions=["change"])
    def reinstate_terms(self, request, queryset):
        queryset.update(retired=False)


@admin.register(models.Mechanism)
class MechanismAdmin(TermAdmin):
    list_display = ("name", "name_zh", "body", "retired", "action_count")
    list_filter = ("body", "retired")
    action_count_field = "actions"


@admin.register(models.Government)
class GovernmentAdmin(TermAdmin):
    pass


@admin.register(models.Issue)
class IssueAdmin(TermAdmin):
    pass


@admin.register(models.Region)
class RegionAdmin(TermAdmin):
    list_display = ("name", "name_zh", "position", "retired", "action_count")


@admin.register(models.Defender)
class DefenderAdmin(TermAdmin):
    list_display = ("name", "name_zh", "slug", "action_count")
    list_filter = ()
    actions = ("merge_terms",)


class PartOfActionAdmin(admin.ModelAdmin):
    """A document, response or source edited on its own changes its action."""

    autocomplete_fields = ("action",)
    formfield_overrides = URL_FIELDS

    def save_model(self, request, obj, form, change):
        # Its action, and the one it was part of if it moved.
        actions = {obj.action_id}
        if change:
            actions.add(type(obj).objects.filter(pk=obj.pk).values_list("action", flat=True)[0])
        history.keep(actions)
        super().save_model(request, obj, form, change)
        vocabulary.actions_changed(actions, user=request.user, comment=f"{_kind(obj)} edited")

    def delete_model(self, request, obj):
        self.delete_queryset(request, type(obj).objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        actions = set(queryset.values_list("action", flat=True))
        history.keep(actions)
        super().delete_queryset(request, queryset)
        vocabulary.actions_changed(
            actions, user=request.user, comment=f"{_kind(queryset.model)} edited"
        )


@admin.register(models.Document)
class DocumentAdmin(PartOfActionAdmin):
    list_display = ("label", "action")
    search_fields = ("label", "action__record_id")


@admin.register(models.Response)
class ResponseAdmin(PartOfActionAdmin):
    list_display = ("action", "date", "text")
    search_fields = ("text", "action__record_id")


@admin.register(models.RelatedSource)
class RelatedSourceAdmin(PartOfActionAdmin):
    list_display = ("title", "publisher", "kind", "date")
    search_fields = ("title", "publisher", "action__record_id")


@admin.register(models.ActionVersion)
class ActionVersionAdmin(admin.ModelAdmin):
    """The whole history, newest first; nobody edits it."""

    list_display = ("record_id", "number", "kind", "author", "created", "comment")
    # Django's date hierarchy truncated every version's time in Python to list the days
    # (6-8 s at a million versions); the filter's choices (today, this month...) cost
    # nothing. The search reads the record ids' index: a LIKE over every version's id,
    # author and comment took 13 s (a whole identifier is found in milliseconds).
    list_filter = ("kind", "created")
    search_fields = ("record_id",)  # see get_search_results
    search_help_text = _("The identifier of an action, or its beginning.")
    # What the version recorded, also where it is still the action itself.
    exclude = ("data",)
    readonly_fields = ("recorded",)

    @admin.display(description=_("record"))
    def recorded(self, obj) -> str:
        return json.dumps(history.data_of(obj), ensure_ascii=False, indent=1)

    def get_search_results(self, request, queryset, search_term):
        def starting(versions, term):
            return versions.filter(record_id__startswith=term)

        return _by_record_id(queryset, search_term, starting), False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _kind(obj) -> str:
    """What `obj` is, in English whatever the editor's language: the history's comments
    are part of the record, written in one language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(obj._meta.verbose_name)


def _by_record_id(queryset, search_term: str, otherwise):
    """The rows of `queryset` with the record id searched for, or else
    `otherwise(queryset, term)`: an exact identifier is read from its index."""
    term = search_term.strip()
    if not term:
        return queryset
    exact = queryset.filter(record_id=term)
    return exact if exact.exists() else otherwise(queryset, term)
