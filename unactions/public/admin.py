from django.contrib import admin

from .models import Introduction


@admin.register(Introduction)
class IntroductionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "updated")
