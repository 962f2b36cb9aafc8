"""sitemap.xml for search engines: published articles and every organisation, person and event.

`/sitemap.xml` is always a sitemap index naming one sitemap per section; a section past
50,000 URLs (the protocol's limit, `Sitemap.limit`) is split into numbered pages
(`/sitemap-articles.xml?p=2`), which the index lists.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q

from archive.models import Article, Event, Organisation, Person


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return (
            Article.objects.published()
            .only("slug", "updated_at")
            .order_by("id")  # a stable order across the section's pages
        )

    def lastmod(self, item: Article):
        return item.updated_at


class _EntitySitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5
    model = None

    def items(self):
        # The last change of a page is that of its newest published article.
        return (
            # Only what the public may see: those named in a published article.
            self.model.objects.public()
            .annotate(
                last_article=Max(
                    "articles__updated_at",
                    filter=Q(articles__status=Article.Status.PUBLISHED),
                )
            )
            .only("slug")
            .order_by("id")
        )

    def lastmod(self, item):
        return item.last_article


class OrganisationSitemap(_EntitySitemap):
    model = Organisation


class PersonSitemap(_EntitySitemap):
    model = Person


class EventSitemap(_EntitySitemap):
    model = Event


SITEMAPS = {
    "articles": ArticleSitemap,
    "organisations": OrganisationSitemap,
    "people": PersonSitemap,
    "events": EventSitemap,
}
