"""A byte-order mark wins, then valid UTF-8, then the declared charset, then Windows-1252."""

import codecs

import pytest

from archive.importing.service import import_files
from archive.models import Article

pytestmark = pytest.mark.django_db

TEXT = "The union won a £141m settlement – “a victory”, its leader said.\n"


def _import(write_file, name: str, raw: bytes) -> tuple[str, Article]:
    (outcome,) = import_files([write_file(name, raw)]).outcomes
    assert outcome.outcome == "imported", outcome.reason
    return outcome.encoding, Article.objects.get(pk=outcome.article_id)


def _page(charset: str, text: str = TEXT) -> str:
    return f'<html><head><meta charset="{charset}"></head><body><p>{text}</p></body></html>'


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), "utf-32"),
    ],
)
def test_a_byte_order_mark_gives_the_encoding_and_is_not_kept(write_file, raw, encoding):
    used, article = _import(write_file, "bom.txt", raw)

    assert used == encoding
    assert article.original == TEXT
    assert "£141m" in article.body_text


def test_valid_utf8_is_utf8_whatever_the_page_declares(write_file):
    used, article = _import(write_file, "page.html", _page("iso-8859-1").encode("utf-8"))

    assert used == "utf-8"
    assert "£141m" in article.body_text and "Â" not in article.original


def test_a_declared_windows_1252_page_is_decoded_as_declared(write_file):
    used, article = _import(write_file, "page.html", _page("windows-1252").encode("cp1252"))

    assert used == "windows-1252"
    assert "£141m settlement – “a victory”" in article.body_text


def test_a_declared_latin1_page_that_is_not_utf8_is_read_as_windows_1252(write_file):
    used, article = _import(write_file, "page.html", _page("iso-8859-1").encode("cp1252"))

    assert used == "windows-1252"  # as browsers read latin-1 labels
    assert "“a victory”" in article.body_text


def test_another_declared_charset_is_honoured(write_file):
    text = "Профсоюз объявил забастовку."
    used, article = _import(write_file, "page.html", _page("koi8-r", text).encode("koi8-r"))

    assert used == "koi8-r"
    assert text in article.body_text


def test_undeclared_text_that_is_not_utf8_falls_back_to_windows_1252(write_file):
    used, article = _import(write_file, "note.txt", TEXT.encode("cp1252"))

    assert used == "windows-1252"
    assert article.original == TEXT


@pytest.mark.parametrize("charset", ["no-such-charset", "base64"])
def test_a_wrong_declaration_falls_back_to_windows_1252(write_file, charset):
    used, article = _import(write_file, "page.html", _page(charset).encode("cp1252"))

    assert used == "windows-1252"
    assert "£141m" in article.body_text


def test_utf8_with_a_stray_windows_1252_byte_is_read_as_utf8(write_file):
    raw = "Unison’s members want “£250” more".encode() + b" \x96 from April"
    (outcome,) = import_files([write_file("mixed.txt", raw)]).outcomes
    assert outcome.outcome == "imported", outcome.reason
    article = Article.objects.get(pk=outcome.article_id)
    assert "Unison’s members want “£250” more – from April" in article.body_text
    assert outcome.encoding == "utf-8 (1 stray byte as windows-1252)"


LEGACY = {
    "mac_roman": (
        "Workers’ strike at the café — “solidarity” forever, said the secrétaire générale. "
        "Ça ira: the façade of the hôtel de ville was covered in posters for the grève.\n",
        "mac-roman (detected)",
    ),
    "iso8859_2": (
        "Strajk pracowników w Gdańsku: związek zawodowy Solidarność żąda podwyżek płac i "
        "zmian w zakładzie. Związkowcy zapowiadają dalsze protesty.\n",
        "iso8859-2 (detected)",
    ),
    "iso8859_15": (
        "La grève des cheminots coûte 10 € par jour; les salariés ont voté à l'unanimité "
        "pour l'action.\n",
        "iso8859-15 (detected)",
    ),
    "koi8_r": (
        "Забастовка шахтёров: профсоюз требует повышения зарплаты и улучшения условий труда "
        "на предприятии. Рабочие собрались у ворот шахты.\n",
        "koi8-r (detected)",
    ),
}


@pytest.mark.parametrize("codec", sorted(LEGACY))
def test_an_undeclared_legacy_encoding_is_detected_and_reported(write_file, codec):
    text, reported = LEGACY[codec]
    content = f"Strike\n\n{text * 3}"

    used, article = _import(write_file, f"{codec}.txt", content.encode(codec))

    assert used == reported
    assert article.original == content  # never mojibake
    assert text.strip() in article.body_text
