from django.urls import path, re_path

from . import views

app_name = "api"

urlpatterns = [
    path("", views.index, name="index"),
    path("actions", views.actions, name="actions"),
    path("actions/<str:record_id>", views.action, name="action"),
    path("facets", views.facets, name="facets"),
    path("defenders", views.defenders, name="defenders"),
    path("defenders/<str:slug>", views.defender, name="defender"),
    path("mechanisms", views.mechanisms, name="mechanisms"),
    path("openapi.json", views.openapi_description, name="openapi"),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
