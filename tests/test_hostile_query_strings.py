"""A query string never causes a 500: bad values are ignored with a short visible note."""

import pytest

pytestmark = pytest.mark.django_db

HOSTILE = [
    "union=no-such-union",
    "union=<script>alert(1)</script>",
    "org=%00",
    "person=" + "x" * 5000,
    "event=../../etc/passwd",
    "year=abc",
    "year=-5",
    "year=99999999999999999999",
    "month=13&year=2011",
    "month=1",
    "from=2011-02-30",
    "from=2011-13",
    "to=yesterday",
    "from=2013&to=2011",
    "page=-1",
    "page=0",
    "page=abc",
    "page=999999999999999999999999",
    "page=2&page=3",
    "sort=random",
    "sort=relevance",
    "sort=",
    "q=",
    "q=%00%01",
    "q=" + "strike " * 200,
    "union=&year=&q=&page=",
    "union=pcs&union=pcs&union=pcs",
    "all=everything",
    "source=%FF%FE",
    "&&&=&=",
    "page=%C2%B2",
    "year=%C2%B2",
    "year=2011&month=%C2%B2",
    "year=%D9%A3",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_query_string_renders_the_list(client, published_article, query):
    response = client.get(f"/articles/?{query}")
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "note"),
    [
        ("union=no-such-union", "No union “no-such-union” in the archive; ignored."),
        ("year=abc", "Ignored year “abc”: not a valid value."),
        ("from=2011-02-30", "“2011-02-30” is not a date"),
        ("page=abc", "“abc” is not a page number; showing page 1."),
        ("page=500", "There is no page 500; showing the last page."),
        ("sort=random", "Unknown sort “random”"),
        ("month=3", "Months are shown within one year"),
        ("from=2013&to=2011", "The date range ends before it starts"),
    ],
)
def test_a_bad_filter_is_ignored_with_a_visible_note(client, published_article, query, note):
    response = client.get(f"/articles/?{query}")
    assert note in response.content.decode()
    assert response.context["page"].paginator.count == 1  # the bad filter did not apply


def test_a_good_filter_still_applies_beside_a_bad_one(client, published_article, draft_article):
    response = client.get("/articles/?union=pcs&union=nope&year=2011")
    assert response.context["page"].paginator.count == 1
    assert "No union “nope”" in response.content.decode()


@pytest.mark.parametrize("query", ["union=nope", "union=%00", "union=a&union=b"])
def test_timeline_ignores_unknown_unions_with_a_note(client, n30, query):
    response = client.get(f"/events/?{query}")
    assert response.status_code == 200
    assert "in the archive; ignored" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    ["/articles/nope/", "/organisations/nope/", "/people/nope/", "/events/nope/"],
)
def test_unknown_pages_are_404_with_a_helpful_page(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Not found" in response.content.decode()


@pytest.mark.parametrize("query", ["year=2011&month=03", "year=02011", "year=%202011"])
def test_every_chip_removes_its_filter_however_the_value_was_written(
    client, published_article, query
):
    response = client.get(f"/articles/?{query}")
    for chip in response.context["chips"]:
        after = client.get(f"/articles/{chip.remove_url}")
        assert chip.label not in [c.label for c in after.context["chips"]], chip
