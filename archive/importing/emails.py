"""E-mails: ``.eml`` files, e-mails saved as text, and the header block of e-mails saved as HTML.

Headers are read by Python's email package (encoded words, folded lines, quoted-printable and
base64 bodies). A multipart message gives its HTML part, else its text part. The subject is the
title unless the body has a headline of its own, the Date (or Outlook's "Sent") header the
date; the sender is kept for the article's provenance and never left in its body.
"""

from __future__ import annotations

import email
import email.errors
import email.header
import email.policy
import email.utils
import re
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import PurePath

from lxml.html import HtmlElement

from archive.importing import dates
from archive.importing.dates import PublishedDate

EMAIL_SUFFIXES = frozenset({".eml", ".msg", ".mbox", ".email"})
# Header names a message's header block is made of, as mail clients write them.
_HEADER_NAMES = (
    "from|sent|date|to|cc|bcc|subject|reply-to|return-path|received|message-id|mime-version|"
    "content-type|content-transfer-encoding|delivered-to|x-[\\w-]+|importance|sender|organization"
)
_HEADER_LINE = re.compile(rf"^(?:{_HEADER_NAMES})\s*:", re.I)
# Lines a forwarded or quoted message starts with, before its header block.
_FORWARD_LINE = re.compile(
    r"^\s*(?:-{2,}\s*(?:Forwarded message|Original Message)\s*-{2,}|Begin forwarded message:)\s*$",
    re.I,
)
_INLINE_HEADER = re.compile(r"\b(From|Sent|Date|To|Cc|Subject)\s*:\s*", re.I)
_HEADER_WINDOW = 2000
_INLINE_FROM = re.compile(r"(?i)\bfrom\s*:")


@dataclass(frozen=True)
class Email:
    subject: str
    sender: str
    published: PublishedDate | None
    body: str  # the part to show: HTML or plain text
    body_format: str  # "html" or "text"


def looks_like_email(filename: str, text: str) -> bool:
    """Whether a file is a message: an e-mail suffix, or a header block naming its sender and
    its subject or date at the top."""
    if PurePath(filename).suffix.lower() in EMAIL_SUFFIXES:
        return True
    names = _header_block_names(text)
    return "from" in names and bool(names & {"subject", "date", "sent"})


def parse(text: str) -> Email:
    """The message in a text: headers, and the body part a reader would be shown."""
    lines = text.lstrip("\ufeff").splitlines()
    while lines and (not lines[0].strip() or _FORWARD_LINE.match(lines[0])):
        lines.pop(0)
    message = email.message_from_string("\n".join(lines) + "\n", policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    body, body_format = _body(message)
    return Email(
        subject=_header(message, "subject"),
        sender=_header(message, "from"),
        published=parse_date(_header(message, "date") or _header(message, "sent")),
        body=body,
        body_format=body_format,
    )


def parse_date(value: str) -> PublishedDate | None:
    """A Date header ("Tue, 4 Oct 2005 18:22:10 +0100") or Outlook's "Sent" in words."""
    if not value:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        moment = None
    if moment is not None:
        return dates.parse_value(moment.date().isoformat())
    return dates.parse_value(value)


def header_block(tree: HtmlElement) -> tuple[HtmlElement, dict[str, str]] | None:
    """In an e-mail saved as HTML, the element holding its header block ("From: … Sent: …
    To: … Subject: …") before the message, and the headers it gives; else None."""
    body = tree.find(".//body")
    if body is None or not _INLINE_FROM.search(body.text_content()[:_HEADER_WINDOW]):
        return None
    for br in body.iter("br"):  # "affiliates<br>Subject:" reads as two lines, not one word
        br.tail = "\n" + (br.tail or "")
    for element in body.iter("div", "p", "table", "td", "span", "font", "blockquote"):
        text = " ".join(element.text_content().split())
        if not text:
            continue
        if len(text) > _HEADER_WINDOW or not re.match(r"(?i)from\s*:", text):
            if element.tag in ("div", "p", "table"):
                # The header block comes first: an earlier block of text means there is none.
                if len(text) > 40 and not re.search(r"(?i)\bfrom\s*:", text):
                    return None
            continue
        headers = _inline_headers(text)
        if "subject" in headers or "sent" in headers or "date" in headers:
            return element, headers
    return None


def _inline_headers(text: str) -> dict[str, str]:
    headers: dict[str, str] = {}
    matches = list(_INLINE_HEADER.finditer(text))
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        end = following.start() if following else len(text)
        headers.setdefault(match.group(1).lower(), text[match.end() : end].strip())
    return headers


def _header_block_names(text: str) -> set[str]:
    names: set[str] = set()
    for number, line in enumerate(text.lstrip("\ufeff")[:_HEADER_WINDOW].splitlines()):
        if number == 0 and _FORWARD_LINE.match(line):
            continue
        if not line.strip():
            if names:
                break
            continue
        if line[0] in " \t" and names:  # a folded header line
            continue
        if not _HEADER_LINE.match(line):
            return set()
        names.add(line.split(":", 1)[0].strip().lower())
    return names


def _header(message: EmailMessage, name: str) -> str:
    """A header as written, its encoded words decoded ("=?utf-8?q?R=C3=A9union?=" is
    "Réunion"), not re-formatted as the policy would ("Tony Reay [mailto:…]" stays whole)."""
    for key, value in message.raw_items():
        if key.lower() == name:
            try:
                text = str(email.header.make_header(email.header.decode_header(value)))
            except (UnicodeDecodeError, LookupError, email.errors.HeaderParseError):
                text = value
            return " ".join(text.split())
    return ""


def _body(message: EmailMessage) -> tuple[str, str]:
    part = message.get_body(preferencelist=("html", "plain")) if message.is_multipart() else None
    part = part or message
    try:
        content = part.get_content()
    except (LookupError, ValueError, KeyError):  # an unknown charset or a broken encoding
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        content = ""
    return content, "html" if part.get_content_subtype() == "html" else "text"
