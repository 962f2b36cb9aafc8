"""The filter sets' declarations and form class are made once and shared by every request
(archive/filters.py, Declared and DeclaredFilterSet): nothing one request's filter set does
reaches another's."""

from django.http import QueryDict

from archive.filters import ArticleFilter, EventFilter
from archive.models import Article, Event


def _filters(query: str, cls=ArticleFilter, model=Article):
    return cls(QueryDict(query), queryset=model.objects.all())


def test_each_filter_set_has_its_own_filters_and_form_fields():
    first, second = _filters("year=2011"), _filters("year=2012")
    for name in first.filters:
        assert first.filters[name] is not second.filters[name]
        assert first.filters[name].parent is first
        assert second.filters[name].parent is second
    assert type(first.form) is type(second.form)  # the class, made once
    assert first.form.fields["year"] is not second.form.fields["year"]


def test_a_rejected_value_is_noted_for_its_own_request_only():
    bad = _filters("year=abc&year=2011")
    assert bad.values["year"] == [2011]
    assert any("Ignored year “abc”" in note for note in bad.notes)
    good = _filters("year=2012")
    assert good.values["year"] == [2012]
    assert good.notes == []
    assert not getattr(good.form.fields["year"], "rejected", [])


def test_the_timeline_filter_set_keeps_its_rejected_values_to_itself(db):
    bad = _filters("union=not%20a%20slug", EventFilter, Event)
    assert bad.unions == []
    assert bad.notes
    good = _filters("", EventFilter, Event)
    assert good.unions == []
    assert good.notes == []
