"""Canonical URLs: the same article's address written the same way, for the duplicate check."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only say how a reader arrived, never which page it is.
TRACKING_PARAMETERS = frozenset({"fbclid", "gclid", "mc_cid", "mc_eid", "ocid", "cmp", "CMP"})


def canonical(url: str) -> str:
    """The URL with its scheme and host in lower case, no fragment, no tracking parameters
    (utm_* and the like) and no trailing slash on its path."""
    parts = urlsplit(url.strip())
    query = urlencode(
        [
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if not key.lower().startswith("utm_") and key not in TRACKING_PARAMETERS
        ]
    )
    path = parts.path.rstrip("/") if parts.path not in ("", "/") else ""
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


def variants(url: str) -> list[str]:
    """The ways an archive may already hold the same page: http or https, with or without a
    trailing slash (articles entered by hand keep their URL as typed)."""
    parts = urlsplit(canonical(url))
    found = []
    for scheme in ("https", "http"):
        for path in (parts.path, parts.path + "/"):
            found.append(urlunsplit((scheme, parts.netloc, path or "/", parts.query, "")))
            if not parts.path:
                found.append(urlunsplit((scheme, parts.netloc, "", parts.query, "")))
    return list(dict.fromkeys([url, canonical(url), *found]))
