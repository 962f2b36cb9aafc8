"""Atom feeds: one for any article list URL (a search, a union, a person…), newest first.

Newest means newest in the archive (when the article was published here), so that a reader
following a search is told of every article added to it, whatever its date; each entry
carries the article's own date as its publication date.

`/articles/feed/?union=pcs&q=pensions` follows exactly what `/articles/?union=pcs&q=pensions`
shows: the same parameters go through the same adapter (`results.article_results`). Entity
pages link to the feed of their articles, which is the list's feed for that entity.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from archive.models import Article
from archive.results import ResultSet, article_results, permanent_url, with_links
from archive.xmltext import xml_safe

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
        return xml_safe(f"{obj.describe()} · Reading Room")

    def link(self, obj: ResultSet) -> str:
        return obj.list_url()

    def feed_url(self, obj: ResultSet) -> str:
        return obj.url_for("archive:feed")

    def subtitle(self, obj: ResultSet) -> str:
        count = obj.count()
        noun = "article" if count == 1 else "articles"
        return f"The latest additions to these {count:,} {noun} in the Reading Room."

    def items(self, obj: ResultSet):
        # Newest in the archive first: an article published today about 1995 is news to a
        # reader following the search, so it must be among the entries a reader fetches.
        added = Coalesce("first_published_at", "created_at")
        return with_links(obj.filterset.qs.order_by(added.desc(), "-id"))[:FEED_ITEMS]

    def item_title(self, item: Article) -> str:
        return xml_safe(item.title)

    def item_description(self, item: Article) -> str:
        return xml_safe(item.teaser)

    def item_link(self, item: Article) -> str:
        return permanent_url(item)

    def item_guid(self, item: Article) -> str:
        return permanent_url(item, self.request)

    item_guid_is_permalink = True

    def item_author_name(self, item: Article) -> str | None:
        # None, not "": an entry with no byline or source has no <author> rather than an empty one.
        return xml_safe(item.byline or item.source) or None

    def item_pubdate(self, item: Article) -> dt.datetime | None:
        if not item.published_date:
            return None
        return dt.datetime.combine(item.published_date, dt.time(), tzinfo=dt.UTC)

    def item_updateddate(self, item: Article) -> dt.datetime:
        return item.updated_at or timezone.now()

    def item_categories(self, item: Article) -> list[str]:
        return [xml_safe(org.short_name) for org in item.organisations.all()]
