from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Archive"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The cached whole-archive facet counts go stale when an article or its links change.
        # (Bulk updates, such as the admin's publish action, call facets.invalidate themselves.)
        from archive import facets, history
        from archive.models import Article, Event, Organisation, Person

        history.register_models()

        for model in (Article, Organisation, Person, Event):
            post_save.connect(facets.invalidate, sender=model, dispatch_uid=f"facets-{model}")
            post_delete.connect(facets.invalidate, sender=model, dispatch_uid=f"facets-d-{model}")
        for relation in (Article.organisations, Article.people, Article.events):
            m2m_changed.connect(
                facets.invalidate, sender=relation.through, dispatch_uid=f"facets-{relation}"
            )
