"""Atom feeds: one for any article list URL (a search, a union, a person…), newest first.

`/articles/feed/?union=pcs&q=pensions` follows exactly what `/articles/?union=pcs&q=pensions`
shows: the same parameters go through the same adapter (`results.article_results`). Entity
pages link to the feed of their articles, which is the list's feed for that entity.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from archive.models import Article
from archive.results import ResultSet, article_results, ordered, permanent_url, with_links

FEED_ITEMS = 50


class ArticleListFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        self.request = request
        response = super().__call__(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    def get_object(self, request, *args, **kwargs) -> ResultSet:
        return article_results(request.GET)

    def title(self, obj: ResultSet) -> str:
        return f"{obj.describe()} · Reading Room"

    def link(self, obj: ResultSet) -> str:
        return obj.list_url()

    def feed_url(self, obj: ResultSet) -> str:
        return obj.url_for("archive:feed")

    def subtitle(self, obj: ResultSet) -> str:
        count = obj.count()
        return f"The newest of {count:,} article{'s' if count != 1 else ''} in the Reading Room."

    def items(self, obj: ResultSet):
        return with_links(ordered(obj.filterset.qs, "newest"))[:FEED_ITEMS]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.teaser

    def item_link(self, item: Article) -> str:
        return permanent_url(item)

    def item_guid(self, item: Article) -> str:
        return permanent_url(item, self.request)

    item_guid_is_permalink = True

    def item_author_name(self, item: Article) -> str:
        return item.byline or item.source

    def item_pubdate(self, item: Article) -> dt.datetime | None:
        if not item.published_date:
            return None
        return dt.datetime.combine(item.published_date, dt.time(), tzinfo=dt.UTC)

    def item_updateddate(self, item: Article) -> dt.datetime:
        return item.updated_at or timezone.now()

    def item_categories(self, item: Article) -> list[str]:
        return [org.short_name for org in item.organisations.all()]
