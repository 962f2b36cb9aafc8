"""The public pages' Jinja2 environment keeps the meanings Django's templates had."""

import datetime as dt

from django.template import engines


def render(source: str, **context) -> str:
    return engines["jinja2"].from_string(source).render(context)


def test_a_moment_is_dated_in_the_archives_time_zone():
    late = dt.datetime(2024, 6, 30, 23, 30, tzinfo=dt.UTC)  # already 1 July in London
    assert render("{{ t|date('j F Y') }}", t=late) == "1 July 2024"
    assert render("{{ d|date('j F Y') }}", d=dt.date(2011, 11, 30)) == "30 November 2011"
    assert render("{{ none|date('j F Y') }}", none=None) == ""


def test_an_unknown_name_or_attribute_renders_empty_as_in_django():
    assert render("[{{ missing }}][{{ missing.attribute.deeper }}]") == "[][]"
    assert render("{% if missing.attribute %}x{% endif %}done") == "done"


def test_pluralize_and_default_keep_djangos_meaning():
    assert render("{{ 1|pluralize }}|{{ 2|pluralize }}|{{ 1|pluralize('was,were') }}") == "|s|was"
    assert render("{{ ''|default('none') }}|{{ 0|default('zero') }}") == "none|zero"


def test_values_are_escaped():
    assert render("{{ x }}", x="<script>&") == "&lt;script&gt;&amp;"
