"""Django admin for every stored model, so an editor can fix a record today."""

from __future__ import annotations

from django.contrib import admin
from django.db import models as db
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from . import models, search


class LinkInline(admin.TabularInline):
    extra = 0
    autocomplete_fields: tuple[str, ...] = ()


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


# Links typed without a scheme are taken as https, as Django 6 will do.
URL_FIELDS = {db.URLField: {"assume_scheme": "https"}}


class DocumentInline(admin.TabularInline):
    model = models.Document
    extra = 0
    formfield_overrides = URL_FIELDS


class ResponseInline(admin.StackedInline):
    model = models.Response
    extra = 0


class RelatedSourceInline(admin.TabularInline):
    model = models.RelatedSource
    extra = 0
    formfield_overrides = URL_FIELDS


@admin.register(models.Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ("date", "mechanism_term", "action", "status", "embargo_until")
    list_filter = ("status", "body", "action_type", "mechanism_term")
    search_fields = ("record_id", "summary", "action", "mechanism")
    date_hierarchy = "date"
    autocomplete_fields = ("mechanism_term",)
    readonly_fields = ("created", "updated")
    inlines = (
        GovernmentInline,
        IssueInline,
        RegionInline,
        DefenderInline,
        DocumentInline,
        ResponseInline,
        RelatedSourceInline,
    )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        search.refresh([form.instance.pk])

    fieldsets = (
        (None, {"fields": ("record_id", "status", "embargo_until")}),
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
        (_("Record keeping"), {"fields": ("created", "updated")}),
    )


class TermAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "retired", "action_count")
    list_filter = ("retired",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(action_count=Count("action_links", distinct=True))
        )

    @admin.display(description=_("actions"), ordering="action_count")
    def action_count(self, obj) -> int:
        return obj.action_count

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A renamed term changes what its actions are found by.
        search.refresh(
            models.Action.objects.filter(**{self.action_filter: obj}).values_list("pk", flat=True)
        )

    action_filter = ""


@admin.register(models.Mechanism)
class MechanismAdmin(TermAdmin):
    list_display = ("name", "body", "retired", "action_count")
    list_filter = ("body", "retired")
    action_filter = "mechanism_term"

    def get_queryset(self, request):
        return admin.ModelAdmin.get_queryset(self, request).annotate(action_count=Count("actions"))


@admin.register(models.Government)
class GovernmentAdmin(TermAdmin):
    action_filter = "governments"


@admin.register(models.Issue)
class IssueAdmin(TermAdmin):
    action_filter = "issues"


@admin.register(models.Region)
class RegionAdmin(TermAdmin):
    list_display = ("name", "position", "retired", "action_count")
    action_filter = "regions"


@admin.register(models.Defender)
class DefenderAdmin(TermAdmin):
    list_display = ("name", "slug", "action_count")
    list_filter = ()
    action_filter = "defenders"


class PartOfActionAdmin(admin.ModelAdmin):
    """A document, response or source edited on its own changes its action's search text."""

    autocomplete_fields = ("action",)
    formfield_overrides = URL_FIELDS

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        search.refresh([obj.action_id])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        search.refresh([obj.action_id])


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
