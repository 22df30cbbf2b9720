"""Accounts in the admin: whether each uses two-step login, and a reset for a lost phone.

django-otp's own admin pages of devices are not offered: they show the secret keys, with
which anyone could make an editor's codes.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import two_factor

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)

User = get_user_model()


class AccountAdmin(UserAdmin):
    list_display = (*UserAdmin.list_display, "two_step_login")
    actions = ("reset_two_step_login",)

    def get_queryset(self, request):
        authenticator = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_authenticator=Exists(authenticator))

    @admin.display(boolean=True, description=_("Two-step login"))
    def two_step_login(self, user) -> bool:
        return user.has_authenticator

    @admin.action(
        description=_("Reset two-step login (a lost phone): set up again at next login"),
        permissions=("change",),
    )
    def reset_two_step_login(self, request, queryset):
        for user in queryset:
            two_factor.turn_off(user)
        count = len(queryset)
        self.message_user(
            request,
            ngettext(
                "Two-step login reset for %(count)d account.",
                "Two-step login reset for %(count)d accounts.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


admin.site.unregister(User)
admin.site.register(User, AccountAdmin)
