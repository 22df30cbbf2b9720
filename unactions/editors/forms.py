"""Forms of the editors' interface."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from unactions.records import history
from unactions.records.models import Action, ActionVersion

MAX_UPLOAD = 20 * 1024 * 1024


class ActionForm(forms.ModelForm):
    """The action form, refusing to overwrite changes saved since it was opened."""

    base_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Action
        fields = "__all__"

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
    changes = history.changes(before.data if before else None, latest.data) if latest else []
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
