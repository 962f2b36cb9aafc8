from django.contrib import admin
from django.urls import include, path, re_path

from archive import views

archive_patterns = [
    path("", views.home, name="home"),
    path("articles/", views.article_list, name="article_list"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("people/", views.person_list, name="person_list"),
    path("people/<slug:slug>/", views.person_detail, name="person"),
    path("events/", views.timeline, name="timeline"),
    path("events/<slug:slug>/", views.event_detail, name="event"),
    # Permanent addresses by id, cited by the reading room: /a/<id>/, /o/, /p/, /e/.
    re_path(r"^(?P<prefix>[aope])/(?P<pk>[0-9]{1,18})/$", views.permanent, name="permanent"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include((archive_patterns, "archive"))),
]
