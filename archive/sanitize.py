"""TEMPORARY placeholder, being replaced by the sanitiser helper."""
from dataclasses import dataclass


class SanitizeError(ValueError):
    pass


@dataclass(frozen=True)
class Sanitized:
    title: str
    body_html: str


def sanitize(source: str, fmt: str = "html") -> Sanitized:
    import html
    return Sanitized("", "<p>" + html.escape(source) + "</p>")


def html_to_text(body_html: str) -> str:
    import re
    return re.sub(r"<[^>]+>", " ", body_html)
