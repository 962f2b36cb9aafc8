"""Bytes to text, and text to a format: which encoding a file is in, and whether it is HTML.

The encoding is chosen in this order, and the one used is reported:

1. a byte-order mark (UTF-8, UTF-16 or UTF-32);
2. UTF-8, whenever the bytes are valid UTF-8, whatever the page declares (mail clients and
   "save as" often keep a stale ``charset=iso-8859-1`` on UTF-8 text); also UTF-8 text with a
   few stray Windows-1252 bytes pasted in, those bytes read as Windows-1252;
3. the charset the HTML declares (``<meta charset>`` or ``http-equiv``), with the labels
   browsers treat as Windows-1252 (latin-1, ascii...) decoded as Windows-1252;
4. without a declaration, the legacy encoding charset-normalizer finds most coherent (Mac Roman,
   ISO-8859-x, KOI8-R, Windows-125x...), reported as "mac-roman (detected)"; where Windows-1252
   reads the bytes the same, it is Windows-1252, the most common;
5. Windows-1252.

Binary files (NUL bytes without a UTF-16/32 byte-order mark, or many control characters) and
text that none of these decodes are refused.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath

from archive.importing.outcomes import Refused

FALLBACK = "cp1252"
# How the report names an encoding, where Python's name is not the usual one.
_REPORTED_NAMES = {"cp1252": "windows-1252"}

# Longest marks first: the UTF-32 little-endian mark begins with the UTF-16 one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)
# Labels that browsers decode as Windows-1252 (the WHATWG Encoding Standard).
_WINDOWS_1252_LABELS = frozenset(
    {"ascii", "us-ascii", "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "cp819"}
)
# Only the first bytes are searched for a declaration, as browsers do.
_DECLARATION_WINDOW = 4096
_DECLARED_CHARSET = re.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
_CONTROL_CHARACTERS = re.compile("[\x01-\x08\x0b\x0e-\x1f\x7f]")
# A file is binary when more than this share of its opening characters are control characters.
_MAX_CONTROL_SHARE = 0.05
_SAMPLE = 8192

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
_HTML_SNIFF = re.compile(
    r"<(?:!doctype\s+html|html|head|body|p|div|br|h[1-6]|table|article|span|font)\b[^>]*>",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def decode(raw: bytes) -> Decoded:
    """The file's text and the encoding used; Refused for binary or undecodable bytes."""
    for mark, codec, name in _BOMS:
        if raw.startswith(mark):
            try:
                return _checked(raw[len(mark) :].decode(codec), name)
            except UnicodeDecodeError:
                raise Refused(
                    f"cannot be decoded as {name}, which its byte-order mark says it is"
                ) from None
    if b"\x00" in raw:
        raise Refused("binary file (it holds NUL bytes)")
    try:
        return _checked(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    mixed = _utf8_with_stray_bytes(raw)
    if mixed is not None:
        text, stray = mixed
        return _checked(text, f"utf-8 ({stray} stray byte{'s' * (stray > 1)} as windows-1252)")
    tried = ["utf-8"]
    declared = _declared_encoding(raw)
    if declared is None:
        detected = _detected(raw)
        if detected is not None:
            return detected
    for name in (declared, FALLBACK):
        if name and name not in tried:
            tried.append(name)
            try:
                return _checked(raw.decode(name), name)
            except (UnicodeDecodeError, LookupError):  # LookupError: not a text encoding
                continue
    names = ", ".join(_REPORTED_NAMES.get(name, name) for name in tried)
    raise Refused(f"cannot be decoded (tried {names})")


# Windows-1252 for a stray byte: Latin-1 with 0x80-0x9F remapped, the five bytes Windows-1252
# leaves undefined standing for the code points of the same value (as the WHATWG standard has).
_WINDOWS_1252_TABLE = {
    code: bytes([code]).decode("cp1252", errors="ignore") or chr(code) for code in range(0x80, 0xA0)
}
# UTF-8 with at most this many stray bytes (and fewer than its good non-ASCII characters) is
# UTF-8 with a few Windows-1252 characters pasted in, not Windows-1252 text.
_MAX_STRAY_BYTES = 16


def _windows_1252(raw: bytes) -> str:
    return raw.decode("latin-1").translate(_WINDOWS_1252_TABLE)


def _utf8_with_stray_bytes(raw: bytes) -> tuple[str, int] | None:
    """UTF-8 text with a few bytes that are not UTF-8, those read as Windows-1252; else None."""
    parts: list[str] = []
    stray = 0
    position = 0
    while True:
        try:
            parts.append(raw[position:].decode("utf-8"))
            break
        except UnicodeDecodeError as error:
            stray += 1
            if stray > _MAX_STRAY_BYTES:
                return None
            bad = position + error.start
            parts.append(raw[position:bad].decode("utf-8"))
            parts.append(_windows_1252(raw[bad : bad + 1]))
            position = bad + 1
    text = "".join(parts)
    good = sum(1 for char in text if ord(char) > 0x7F) - stray
    return (text, stray) if good > stray else None


# Encodings a detected one is reported as when they read the bytes the same, most common first.
_SAME_AS = ("cp1252", "mac_roman", "iso8859_15", "koi8_r")
_DETECTION_THRESHOLD = 0.5
_MAX_CHAOS = 0.1
# A lower-case letter followed by an upper-case letter beyond ASCII, inside a word ("cafŽ",
# "unionÕs"): what a wrong single-byte encoding makes of accents and curly quotes.
_CASE_FLIP = re.compile(r"[a-zß-ÿ][À-ÖØ-ÞŠŽŒŸ]")
# The legacy encodings an undeclared file may be in, the more common first (ties go to the
# earlier). Multi-byte East Asian encodings are left out: on short European texts the detector
# mistakes Latin-1 for Big5.
LEGACY_ENCODINGS = (
    "cp1252",
    "iso8859_15",
    "mac_roman",
    "iso8859_2",
    "cp1250",
    "mac_latin2",
    "cp1251",
    "koi8_r",
    "koi8_u",
    "iso8859_5",
    "mac_cyrillic",
    "cp1253",
    "iso8859_7",
    "cp1254",
    "iso8859_9",
    "cp1257",
    "iso8859_13",
    "cp1255",
    "iso8859_8",
    "cp1256",
    "iso8859_6",
)
_DETECTED_NAMES = {"cp1252": "windows-1252", "mac_roman": "mac-roman"}


def _detected(raw: bytes) -> Decoded | None:
    """The text in the legacy encoding charset-normalizer finds most coherent, or None."""
    from charset_normalizer import from_bytes  # only files that are not UTF-8 need it

    # A looser threshold than the default makes it weigh more candidates: by default it stops at
    # the first coherent ones, and takes ISO-8859-10 for Polish written in ISO-8859-2.
    matches = list(
        from_bytes(raw, threshold=_DETECTION_THRESHOLD, cp_isolation=list(LEGACY_ENCODINGS))
    )
    matches.sort(
        key=lambda m: (
            round(m.chaos, 2),
            len(_CASE_FLIP.findall(str(m))),
            -round(m.coherence, 1),
            LEGACY_ENCODINGS.index(m.encoding),
        )
    )
    # Garbage bytes read as something by some encoding: only a reading with little chaos, in
    # one script (not Latin words with Arabic letters in them), is taken.
    best = next((m for m in matches if m.chaos <= _MAX_CHAOS and len(_scripts(str(m))) <= 1), None)
    if best is None or best.encoding.startswith(("utf", "ascii")):
        return None
    text = str(best)
    name = best.encoding
    for other in _SAME_AS:
        try:
            if raw.decode(other) == text:
                name = other
                break
        except UnicodeDecodeError:
            continue
    if name == FALLBACK and "¤" in text:  # the currency sign is ISO-8859-15's euro, 0xA4
        text, name = raw.decode("iso8859_15"), "iso8859_15"
    if name == FALLBACK:  # what an undeclared file was always read as
        return _checked(text, FALLBACK)
    reported = _DETECTED_NAMES.get(name, codecs.lookup(name).name)
    return _checked(text, f"{reported} (detected)")


def _scripts(text: str) -> set[str]:
    """The scripts of a text's letters beyond ASCII: {"LATIN"}, {"CYRILLIC"}, {"LATIN",
    "ARABIC"}..."""
    scripts = set()
    for char in set(text):
        if char.isalpha() and ord(char) > 0x7F:
            scripts.add(unicodedata.name(char, "UNKNOWN").split(" ", 1)[0])
    return scripts


def _declared_encoding(raw: bytes) -> str | None:
    """The encoding an HTML page declares, by Python's name for it, if Python knows it."""
    match = _DECLARED_CHARSET.search(raw[:_DECLARATION_WINDOW])
    if not match:
        return None
    label = match.group(1).decode("ascii").lower()
    if label in _WINDOWS_1252_LABELS:
        return FALLBACK
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A page without a byte-order mark cannot be UTF-16 or UTF-32 whatever it says.
    return None if name.startswith(("utf-16", "utf-32")) else name


def _checked(text: str, encoding: str) -> Decoded:
    if "\x00" in text:
        raise Refused("binary file (it holds NUL characters)")
    sample = text[:_SAMPLE]
    if sample and len(_CONTROL_CHARACTERS.findall(sample)) > _MAX_CONTROL_SHARE * len(sample):
        raise Refused("binary file (too many control characters)")
    return Decoded(text=text, encoding=_REPORTED_NAMES.get(encoding, encoding))


def detect_format(filename: str, text: str) -> str:
    """The format: email for a message (an .eml file, or text opening with a header block),
    html for .html and .htm files and any text that reads as HTML, else text."""
    from archive.importing.emails import looks_like_email

    if looks_like_email(filename, text):
        return "email"
    if PurePath(filename).suffix.lower() in HTML_SUFFIXES:
        return "html"
    return "html" if looks_like_html(text) else "text"


def looks_like_html(text: str) -> bool:
    """Whether a text's opening reads as HTML markup."""
    return bool(_HTML_SNIFF.search(text[:_DECLARATION_WINDOW]))
