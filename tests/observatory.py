"""Grade a response's security headers as the HTTP Observatory (MDN) does.

The tests, the score modifiers and the grade chart follow the Observatory's published scoring:
every site starts at 100; each test adds or takes away points; bonuses count only when the
score without them is at least 90; 100 and above is A+. Only what one HTTP response (and the
redirect from plain HTTP) shows is graded: preloading, which needs the browsers' list, is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from http.cookies import Morsel

GRADES = [
    (100, "A+"),
    (90, "A"),
    (85, "A-"),
    (80, "B+"),
    (70, "B"),
    (65, "B-"),
    (60, "C+"),
    (50, "C"),
    (45, "C-"),
    (40, "D+"),
    (30, "D"),
    (25, "D-"),
    (0, "F"),
]
SIX_MONTHS = 15_768_000
PRIVATE_REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}
UNSAFE_REFERRER_POLICIES = {
    "origin",
    "origin-when-cross-origin",
    "unsafe-url",
    "no-referrer-when-downgrade",
}


@dataclass
class Grade:
    results: dict[str, tuple[str, int]] = field(default_factory=dict)

    def add(self, test: str, result: str, modifier: int) -> None:
        self.results[test] = (result, modifier)

    @property
    def score(self) -> int:
        penalties = sum(m for _, m in self.results.values() if m < 0)
        bonuses = sum(m for _, m in self.results.values() if m > 0)
        base = 100 + penalties
        return max(0, base + bonuses if base >= 90 else base)

    @property
    def letter(self) -> str:
        return next(letter for floor, letter in GRADES if self.score >= floor)


def parse_csp(header: str) -> dict[str, list[str]]:
    policy: dict[str, list[str]] = {}
    for part in header.split(";"):
        tokens = part.split()
        if tokens and tokens[0].lower() not in policy:
            policy[tokens[0].lower()] = tokens[1:]
    return policy


def _sources(policy: dict[str, list[str]], directive: str) -> list[str]:
    return policy.get(directive, policy.get("default-src", []))


def grade_csp(header: str | None) -> tuple[str, int]:
    if not header:
        return "csp-not-implemented", -25
    policy = parse_csp(header)
    if "default-src" not in policy and "script-src" not in policy:
        return "csp-header-invalid", -25
    active = _sources(policy, "script-src") + _sources(policy, "object-src")
    insecure = {"http:", "*", "data:", "blob:"}
    if any(s in insecure or s.startswith("http://") for s in active):
        return "csp-implemented-with-insecure-scheme", -20
    if "'unsafe-inline'" in active or "'unsafe-inline'" in _sources(policy, "style-src"):
        return "csp-implemented-with-unsafe-inline", -20
    if "'unsafe-eval'" in active:
        return "csp-implemented-with-unsafe-eval", -10
    passive = _sources(policy, "img-src") + _sources(policy, "style-src")
    if any(s in {"http:", "*"} or s.startswith("http://") for s in passive):
        return "csp-implemented-with-insecure-scheme-in-passive-content-only", -10
    if policy.get("default-src") == ["'none'"]:
        return "csp-implemented-with-no-unsafe-default-src-none", 10
    return "csp-implemented-with-no-unsafe", 0


def grade_cookies(cookies: dict[str, Morsel]) -> tuple[str, int]:
    if not cookies:
        return "cookies-not-found", 0
    for name, morsel in cookies.items():
        session = "session" in name.lower()
        if session and not morsel["secure"]:
            return "cookies-session-without-secure-flag", -40
        if session and not morsel["httponly"]:
            return "cookies-session-without-httponly-flag", -30
        if morsel["samesite"] and morsel["samesite"].lower() not in {"lax", "strict", "none"}:
            return "cookies-samesite-flag-invalid", -20
        if not morsel["secure"]:
            return "cookies-without-secure-flag", -20
    if all(morsel["samesite"] for morsel in cookies.values()):
        return "cookies-secure-with-httponly-sessions-and-samesite", 5
    return "cookies-secure-with-httponly-sessions", 0


def grade_hsts(header: str | None) -> tuple[str, int]:
    if not header:
        return "hsts-not-implemented", -20
    directives = {
        part.strip().split("=")[0].lower(): part.strip().partition("=")[2]
        for part in header.split(";")
    }
    try:
        max_age = int(directives["max-age"])
    except (KeyError, ValueError):
        return "hsts-header-invalid", -20
    if max_age < SIX_MONTHS:
        return "hsts-implemented-max-age-less-than-six-months", -10
    return "hsts-implemented-max-age-at-least-six-months", 0


def grade_redirection(status: int, location: str | None) -> tuple[str, int]:
    if status not in (301, 302, 307, 308) or not location:
        return "redirection-missing", -20
    if not location.startswith("https://"):
        return "redirection-not-to-https", -20
    return "redirection-to-https", 0


def grade_referrer(header: str | None) -> tuple[str, int]:
    if not header:
        return "referrer-policy-not-implemented", 0
    values = {v.strip().lower() for v in header.split(",")}
    if values & UNSAFE_REFERRER_POLICIES:
        return "referrer-policy-unsafe", -5
    if values & PRIVATE_REFERRER_POLICIES:
        return "referrer-policy-private", 5
    return "referrer-policy-header-invalid", -5


def grade_x_frame_options(header: str | None, csp: str | None) -> tuple[str, int]:
    if csp and parse_csp(csp).get("frame-ancestors"):
        return "x-frame-options-implemented-via-csp", 5
    if header and header.strip().upper() in {"DENY", "SAMEORIGIN"}:
        return "x-frame-options-sameorigin-or-deny", 0
    if header:
        return "x-frame-options-header-invalid", -20
    return "x-frame-options-not-implemented", -20


_SCRIPT = re.compile(r"<script\b[^>]*>", re.IGNORECASE)


def grade_sri(response) -> tuple[str, int]:
    if "html" not in response.headers.get("Content-Type", ""):
        return "sri-not-implemented-response-not-html", 0
    tags = _SCRIPT.findall(response.content.decode("utf-8", "replace"))
    foreign = [t for t in tags if re.search(r"src=[\"']?(https?:)?//", t)]
    if any("integrity=" not in t for t in foreign):
        return "sri-not-implemented-and-external-scripts-loaded-securely", -5
    if foreign:
        return "sri-implemented-and-external-scripts-loaded-securely", 5
    return "sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0


def grade_response(response, redirect=None) -> Grade:
    """Grade a Django test response (fetched over HTTPS) and the plain-HTTP redirect to it."""
    grade = Grade()
    csp = response.headers.get("Content-Security-Policy")
    grade.add("content-security-policy", *grade_csp(csp))
    grade.add("cookies", *grade_cookies(dict(response.cookies)))
    origin = response.headers.get("Access-Control-Allow-Origin")
    if origin == "*" and response.headers.get("Access-Control-Allow-Credentials") == "true":
        grade.add("cross-origin-resource-sharing", "implemented-with-universal-access", -50)
    else:
        grade.add("cross-origin-resource-sharing", "not-implemented-or-restricted", 0)
    if redirect is not None:
        grade.add(
            "redirection",
            *grade_redirection(redirect.status_code, redirect.headers.get("Location")),
        )
    grade.add("referrer-policy", *grade_referrer(response.headers.get("Referrer-Policy")))
    grade.add(
        "strict-transport-security", *grade_hsts(response.headers.get("Strict-Transport-Security"))
    )
    nosniff = response.headers.get("X-Content-Type-Options", "").lower() == "nosniff"
    grade.add(
        "x-content-type-options",
        *(("x-content-type-options-nosniff", 0) if nosniff else ("not-implemented", -5)),
    )
    grade.add("subresource-integrity", *grade_sri(response))
    grade.add(
        "x-frame-options", *grade_x_frame_options(response.headers.get("X-Frame-Options"), csp)
    )
    return grade
