from django.contrib import admin, messages
from django.utils.translation import gettext as _

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created", "last_used")
    fields = ("user", "name")
    autocomplete_fields = ("user",)

    def has_change_permission(self, request, obj=None):
        return False  # a token is issued or deleted, never edited

    def save_model(self, request, obj, form, change):
        token, key = ApiToken.issue(obj.user, obj.name)
        obj.pk = token.pk
        messages.warning(
            request,
            _("The new token is %(key)s. Copy it now: it will not be shown again.") % {"key": key},
        )
