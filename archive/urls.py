from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from archive import api, data_views, feeds, oai, views
from archive.sitemaps import SITEMAPS

archive_patterns = [
    path("", views.home, name="home"),
    path("articles/", data_views.list_formats(views.article_list), name="article_list"),
    path("articles/feed/", feeds.ArticleListFeed(), name="feed"),
    path("articles/export.<str:fmt>", data_views.export_results, name="export"),
    path("search/help/", views.search_help, name="search_help"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
    path(
        "articles/<slug:slug>/cite.<str:fmt>",
        data_views.article_citation,
        name="article_citation",
    ),
    path("data/", data_views.data_page, name="data"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("people/", views.person_list, name="person_list"),
    path("people/<slug:slug>/", views.person_detail, name="person"),
    path("events/", views.timeline, name="timeline"),
    path("events/<slug:slug>/", views.event_detail, name="event"),
    # Permanent addresses by id, cited by the reading room: /a/<id>/, /o/, /p/, /e/.
    re_path(r"^(?P<prefix>[aope])/(?P<pk>[0-9]{1,18})/$", views.permanent, name="permanent"),
]

api_patterns = [
    path("", api.Root.as_view(), name="root"),
    path("articles/", api.ArticleList.as_view(), name="article_list"),
    path("articles/<slug:slug>/", api.ArticleDetail.as_view(), name="article"),
    path("organisations/", api.OrganisationList.as_view(), name="organisation_list"),
    path("organisations/<slug:slug>/", api.OrganisationDetail.as_view(), name="organisation"),
    path("people/", api.PersonList.as_view(), name="person_list"),
    path("people/<slug:slug>/", api.PersonDetail.as_view(), name="person"),
    path("events/", api.EventList.as_view(), name="event_list"),
    path("events/<slug:slug>/", api.EventDetail.as_view(), name="event"),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include((archive_patterns, "archive"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
    path("api/", include((api_patterns, "api"))),
    re_path(r"^api/(?P<rest>.*)$", api.not_found),
    path("oai/", oai.endpoint, name="oai"),
    path("robots.txt", data_views.robots_txt, name="robots_txt"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
]
