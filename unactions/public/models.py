"""What editors write for the public site itself, apart from the actions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Introduction(models.Model):
    """The text at the top of the list of actions, in English and Chinese."""

    text = models.TextField(_("introduction"), blank=True)
    text_zh = models.TextField(_("introduction in Chinese"), blank=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")

    def __str__(self) -> str:
        return str(_("Introduction to the list of actions"))

    @classmethod
    def current(cls) -> Introduction | None:
        return cls.objects.order_by("-updated").first()

    def text_for(self, language: str) -> str:
        if language.startswith("zh") and self.text_zh:
            return self.text_zh
        return self.text
