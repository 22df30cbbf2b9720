"""The editor's own page of two-step login: setting up an authenticator app, new
recovery codes, and (where it is not required) turning it off."""

from __future__ import annotations

import django_otp
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from . import two_factor
from .forms import WRONG_CODE, CodeForm


def two_step_login(request):
    user = request.user
    context = {
        **admin.site.each_context(request),
        "title": _("Two-step login"),
        "required": two_factor.required(),
    }
    if not two_factor.is_on(user):
        return _set_up(request, context)
    if request.method == "POST" and request.POST.get("do") == "recovery-codes":
        context["recovery_codes"] = two_factor.new_recovery_codes(user)
    elif request.method == "POST" and request.POST.get("do") == "turn-off":
        if context["required"]:
            messages.error(request, _("Two-step login is required for every editor here."))
            return redirect("admin:two_factor")
        form = CodeForm(request.POST, user=user)
        if form.is_valid():
            two_factor.turn_off(user)
            messages.success(request, _("Two-step login is off for your account."))
            return redirect("admin:index")
        context["off_form"] = form
    context.setdefault("off_form", CodeForm())
    context["codes_left"] = two_factor.recovery_codes_left(user)
    return render(request, "editors/two_factor.html", context)


def _set_up(request, context):
    """Show the new secret key (as a QR code and as text) until a code from it is typed."""
    device = two_factor.pending_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm(device, form.cleaned_data["code"])
        if codes is not None:
            # This session has now given a code: it goes on without logging in again.
            django_otp.login(request, device)
            context.update(recovery_codes=codes, just_set_up=True)
            return render(request, "editors/two_factor.html", context)
        form.add_error("code", WRONG_CODE)
    context.update(
        setting_up=True,
        # The other pages wait until it is set up: no list of them beside it.
        is_nav_sidebar_enabled=not context["required"],
        form=form,
        # Drawn here from the key: markup of our own making, no text of the user's.
        qr_code=mark_safe(two_factor.qr_code_svg(device)),
        secret=two_factor.secret(device),
    )
    return render(request, "editors/two_factor.html", context)
