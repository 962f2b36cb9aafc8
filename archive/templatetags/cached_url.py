"""`{% url %}` for the reading room's own pages, reversed once per process.

Loaded as a template builtin (settings.TEMPLATES), after Django's, so it takes the `url` tag's
name. A tag naming one of the archive's pages as a quoted constant with no arguments
(`{% url 'archive:home' %}`, the site's navigation, the search form) is looked up in
archive.links, which reverses each address once per process and script prefix; every other
use (arguments, a variable, another application's URLs such as the admin's) is Django's own
tag, unchanged. Each page carried about fifteen such tags, at ~50 us a reverse.
"""

from __future__ import annotations

from django import template
from django.template.defaulttags import url as django_url
from django.utils.html import conditional_escape

from archive import links

register = template.Library()


class ArchiveURLNode(template.Node):
    def __init__(self, name: str, asvar: str | None) -> None:
        self.name, self.asvar = name, asvar

    def render(self, context) -> str:
        address = links.url(self.name)
        if self.asvar:
            context[self.asvar] = address
            return ""
        return conditional_escape(address) if context.autoescape else address


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    name = node.view_name.var
    constant = isinstance(name, str) and not node.view_name.filters
    if constant and name.startswith("archive:") and not node.args and not node.kwargs:
        return ArchiveURLNode(name, node.asvar)
    return node
