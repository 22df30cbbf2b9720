from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.action_list, name="list"),
    path("actions/<str:record_id>/", views.action_detail, name="action"),
]
