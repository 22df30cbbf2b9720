from django.urls import path

from . import views
from .feeds import ActionFeed

app_name = "public"

urlpatterns = [
    path("", views.action_list, name="list"),
    path("statistics/", views.statistics_page, name="statistics"),
    path("search/", views.search_page, name="search"),
    path("actions/<str:record_id>/", views.action_detail, name="action"),
    path("defenders/", views.defender_list, name="defenders"),
    path("defenders/<str:slug>/", views.defender_detail, name="defender"),
    path("mechanisms/", views.mechanism_list, name="mechanisms"),
    path("mechanisms/<str:slug>/", views.mechanism_detail, name="mechanism"),
]

# Data in every language at one address: downloads, feeds, the static search's index.
data_urlpatterns = (
    [
        path("actions.csv", views.download, {"format": "csv"}, name="download-csv"),
        path("actions.json", views.download, {"format": "json"}, name="download-json"),
        path("feeds/actions.atom", ActionFeed(), name="feed"),
        path("search-index.json", views.search_index, name="search-index"),
    ],
    "data",
)
