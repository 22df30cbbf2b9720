"""Work an editor has started and not finished: an uploaded file awaiting confirmation."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone


class PendingImport(models.Model):
    """A file an editor uploaded and previewed; it is imported when they confirm."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    name = models.CharField(max_length=255)
    content = models.BinaryField()
    as_drafts = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)

    KEPT_FOR = dt.timedelta(days=1)

    @classmethod
    def forget_old(cls) -> None:
        cls.objects.filter(created__lt=timezone.now() - cls.KEPT_FOR).delete()
