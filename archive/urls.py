from django.contrib import admin
from django.urls import include, path

from archive import views

archive_patterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("people/<slug:slug>/", views.person_detail, name="person"),
    path("events/<slug:slug>/", views.event_detail, name="event"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include((archive_patterns, "archive"))),
]
