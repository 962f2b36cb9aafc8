from django.apps import AppConfig
from django.core.signals import got_request_exception, request_finished, request_started
from django.db.models.signals import m2m_changed, post_delete, post_save


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Archive"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The cached whole-archive facet counts go stale when an article or its links change.
        # (Bulk updates, such as the admin's publish action, call counts.invalidate themselves.)
        from archive import counts, database, history, search
        from archive.models import Article, Event, Organisation, Person
        from archive.search import checks  # noqa: F401 - registers the search backend check

        history.register_models()

        for model in (Article, Organisation, Person, Event):
            post_save.connect(counts.invalidate, sender=model, dispatch_uid=f"counts-{model}")
            post_delete.connect(counts.invalidate, sender=model, dispatch_uid=f"counts-d-{model}")
        for relation in (Article.organisations, Article.people, Article.events):
            m2m_changed.connect(
                counts.invalidate, sender=relation.through, dispatch_uid=f"counts-{relation}"
            )
        # Each request searches afresh (archive.search keeps one match per query per request).
        request_started.connect(search.new_request, dispatch_uid="search-new-request")
        request_finished.connect(search.request_done, dispatch_uid="search-request-done")
        # A migration that changes a column's type outdates the statements PostgreSQL has
        # prepared on older connections: the request that meets one closes its connection.
        got_request_exception.connect(
            database.close_after_stale_plan, dispatch_uid="archive-close-after-stale-plan"
        )
