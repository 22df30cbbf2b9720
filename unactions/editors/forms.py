"""Forms of the editors' interface."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from unactions.records import history
from unactions.records.models import Action, ActionVersion

from . import two_factor

MAX_UPLOAD = 20 * 1024 * 1024


class ActionForm(forms.ModelForm):
    """The action form, refusing to overwrite changes saved since it was opened."""

    base_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Action
        fields = "__all__"
        # Long names and identifiers in full, not cut at the admin's usual 20 em.
        widgets = {
            name: forms.TextInput(attrs={"class": "vLargeTextField"})
            for name in ("record_id", "mechanism", "action")
        }

    class Media:
        # The mechanism's box of choices as wide as those fields.
        css = {"all": ["editors/action_form.css"]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["base_revision"].initial = self.instance.revision

    def clean(self):
        cleaned = super().clean()
        base = cleaned.get("base_revision")
        if self.instance.pk and base is not None:
            # Lock the row until this save commits, so two saves cannot both pass.
            current = (
                Action.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("revision", flat=True)
                .first()
            )
            if current is not None and current != base:
                raise ValidationError(conflict_message(self.instance.record_id, base))
        return cleaned


def conflict_message(record_id: str, base: int):
    versions = list(
        ActionVersion.objects.filter(record_id=record_id, number__gt=base).order_by("pk")
    )
    before = ActionVersion.objects.filter(record_id=record_id, number=base).order_by("-pk").first()
    latest = versions[-1] if versions else None
    who = ", ".join(
        dict.fromkeys(
            f"{v.author or v.user or _('someone')} ({v.created:%Y-%m-%d %H:%M} UTC)"
            for v in versions
        )
    )
    changes = (
        history.changes(history.data_of(before) if before else None, history.data_of(latest))
        if latest
        else []
    )
    items = format_html_join(
        "", "<li><strong>{}</strong>: {} → {}</li>", ((c.field, c.old, c.new) for c in changes)
    )
    return format_html(
        "{} {} {}<ul>{}</ul>{}",
        _("This action was changed while you were editing it, by"),
        who or _("someone"),
        _("— your changes were NOT saved. What changed meanwhile:"),
        items,
        _("Copy your changes, reload the page, and apply them again to the current version."),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("The page's text format (.txt), JSON, CSV or Excel (.xlsx), as exported."),
    )

    as_drafts = forms.BooleanField(
        label=_("Keep new actions as drafts"),
        required=False,
        help_text=_("They stay off the public site until an editor publishes them."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise ValidationError(_("The file is larger than 20 MB."))
        return upload


class MergeForm(forms.Form):
    """Which of the selected terms the others are merged into."""

    into = forms.ChoiceField(label=_("Keep"), widget=forms.RadioSelect)

    def __init__(self, *args, terms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = [(str(t.pk), str(t)) for t in terms]


WRONG_CODE = _("That code is wrong or has expired: give the code your app shows now.")


def checked_device(user, code: str):
    """The user's device that accepts `code`, or a ValidationError that says why none does."""
    if not code.strip():
        raise ValidationError(
            _(
                "This account uses two-step login: give the code your authenticator "
                "app shows (or one of your recovery codes)."
            ),
            code="code_required",
        )
    if two_factor.throttled(user, code):
        raise ValidationError(
            _("Too many wrong codes: wait a minute, then give the code your app shows."),
            code="throttled",
        )
    device = two_factor.verified_device(user, code)
    if device is None:
        raise ValidationError(WRONG_CODE, code="wrong_code")
    return device


class EditorsLoginForm(AdminAuthenticationForm):
    """The editors' login: a password, and from an editor who uses two-step login, the
    code of the moment from their authenticator app (or a recovery code)."""

    code = forms.CharField(
        label=_("Code"),
        required=False,
        max_length=32,
        help_text=_("From your authenticator app, if you use two-step login."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is not None and two_factor.is_on(user):
            # django-otp marks the session as verified by this device as it logs in.
            user.otp_device = checked_device(user, cleaned.get("code", ""))
        return cleaned


class CodeForm(forms.Form):
    """A code from the authenticator app: checked against the `user`'s devices when
    given one."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_code(self):
        code = self.cleaned_data["code"]
        if self.user is not None:
            checked_device(self.user, code)
        return code
