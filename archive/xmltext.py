"""Text that XML 1.0 can carry, for the feeds and OAI-PMH.

XML 1.0 has no way to write most control characters (nor unpaired surrogates, U+FFFE and
U+FFFF), even escaped: a serialiser refuses them, and a page that has one cannot be parsed.
A search typed with one, or an article imported with one, must still give a feed that reads.
"""

from __future__ import annotations

import re

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str | None) -> str:
    """`text` without the characters XML 1.0 cannot carry ("" for None)."""
    return _NOT_XML.sub("", text or "")


def is_xml_safe(text: str) -> bool:
    return not _NOT_XML.search(text)
