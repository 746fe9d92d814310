"""X's weighted counting: cases ported from twitter-text's conformance/validate.yml.

Sections ``WeightedTweetsCounterTest`` (v2 numbers for texts without emoji are the same
in v3), ``WeightedTweetsWithDiscountedEmojiCounterTest`` and
``UnicodeDirectionalMarkerCounterTest`` of github.com/twitter/twitter-text; each case
gives ``(text, weightedLength, valid, permillage, displayRangeEnd, validRangeEnd)``
(ranges start at 0 and are inclusive UTF-16 offsets).
"""

from __future__ import annotations

import pytest

from app.networks.twitter_text import (
    MAX_WEIGHTED_LENGTH,
    extract_urls,
    parse_tweet,
    weighted_length,
)

X10 = "xxxxxxxxxx-"
CJK160 = (
    "故人西辞黄鹤楼，烟花三月下扬州。孤帆远影碧空尽，唯见长江天际流。朱雀桥边野草花，乌衣巷口"
    "夕阳斜。旧时王谢堂前燕，飞入寻常百姓家。朝辞白帝彩云间，千里江陵一日还。两岸猿声啼不住，"
    "轻舟已过万重山。泪湿罗巾梦不成，夜深前殿按歌声。红颜未老恩先断，斜倚薰笼坐到明。独在异乡"
    "为异客，每逢佳节倍思亲。遥知兄弟登高处，遍插茱萸少一人。"
)
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
KANA = "あいうえおかきくけこ"
PUNCT = (
    "This is a tweet with general punctuation characters: "
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u200c\u200d"
    " ‐ ‑ ‒ – — ― ‖  ‗ ‘ ’ ‚ ‛ “ ” „ ‟ ′ ″ ‴ ‵ ‶ ‷"
)

CASES = [
    ("Regular Tweet with url", "Hi http://test.co", 26, True, 92, 16, 16),
    ("Just url", "http://test.co", 23, True, 82, 13, 13),
    ("Long tweet, overflow at 280", "285 chars-" + X10 * 25, 285, False, 1017, 284, 279),
    (
        "url in the middle, overflow at 284",
        "285 chars- http://www.twitter.com/jack " + X10 * 24,
        299,
        False,
        1067,
        302,
        283,
    ),
    (
        "url at the end, overflow at 265",
        X10 * 24 + " http://www.twitter.com/jack ",
        289,
        False,
        1032,
        292,
        264,
    ),
    ("10 urls, no overflow", "https://www.twitter.com/aloha " * 10, 240, True, 857, 299, 299),
    ("160 CJK, overflow at 140", CJK160, 320, False, 1142, 159, 139),
    ("160 emoji, overflow at 140", "\U0001f637" * 160, 320, False, 1142, 319, 279),
    ("3 latin + 160 CJK", "the" + CJK160, 323, False, 1153, 162, 140),
    ("'Á' is normalized into 1 char", "A\u0301B", 2, True, 7, 2, 2),
    ("שּׁ is normalized into 3 chars", "A\ufb2c", 4, True, 14, 1, 1),
    (
        "282 chars with a normalized character",
        "282 chars-" + X10 * 24 + "xxxxxA\u0301x",
        281,
        False,
        1003,
        281,
        280,
    ),
    ("general punctuation", PUNCT, 112, True, 400, 111, 111),
    (
        "64 character domain without protocol",
        "randomurlrandomurlrandomurlrandomurlrandomurlrandomurlrandomurls.com",
        68,
        True,
        242,
        67,
        67,
    ),
    (
        "CJK host longer than 63 punycode chars is no URL",
        KANA * 12 + " http://" + KANA * 5 + "あいう.com",
        358,
        False,
        1278,
        184,
        143,
    ),
    (
        "CJK host within 63 punycode chars is a URL",
        KANA * 12 + " http://" + KANA * 5 + "あい.com",
        264,
        True,
        942,
        183,
        183,
    ),
    # WeightedTweetsWithDiscountedEmojiCounterTest (v3)
    ("140 family emoji", FAMILY * 140, 280, True, 1000, 1539, 1539),
    (
        "Unicode 10.0 emoji",
        "Unicode 10.0 emoji: \U0001f92a; \U0001f9d5; \U0001f9d5\U0001f3fe; "
        "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
        34,
        True,
        121,
        47,
        47,
    ),
    (
        "Unicode 9.0 emoji",
        "Unicode 9.0 emoji: \U0001f920; \U0001f483; \U0001f483\U0001f3fe",
        29,
        True,
        103,
        30,
        30,
    ),
    # UnicodeDirectionalMarkerCounterTest
    ("invalid characters", "ABC\u202a\uffffABC\ufffe", 12, False, 42, 8, 3),
    (
        "directional characters are valid",
        "\u2066\u202ahttp://foobar.\u067e\u0627\u06a9\u0633\u062a\u0627\u0646/\u202c\u2069",
        31,
        True,
        110,
        25,
        25,
    ),
]


@pytest.mark.parametrize(
    ("text", "length", "valid", "permillage", "display_end", "valid_end"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_conformance(
    text: str, length: int, valid: bool, permillage: int, display_end: int, valid_end: int
) -> None:
    result = parse_tweet(text)
    assert result.weighted_length == length
    assert result.valid is valid
    assert result.permillage == permillage
    assert result.display_range == (0, display_end)
    assert result.valid_range == (0, valid_end)


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("This is a test.", 15),
        ("http://test.com", 23),
        ("https://test.com", 23),
        ("test.com", 23),
        ("Test https://test.com test https://test.com test.com test", 86),
        ("\U00010000\U0010ffff", 4),  # outside the weight-1 ranges: 2 each
        ("저찀쯿쿿", 8),
        ("H\U0001f431☺" + FAMILY, 7),  # H 1 + cat 2 + ☺ 2 + family 2
        ("😷👾😡🔥💩", 10),
        ("🙋🏽👨‍🎤", 4),
        ("1️⃣ 🇪🇸 ❤️", 8),
    ],
)
def test_lengths(text: str, length: int) -> None:
    assert weighted_length(text) == length


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        ("http://example.com", ["http://example.com"]),
        (
            "https://example.com/path/to/resource?search=foo&lang=en",
            ["https://example.com/path/to/resource?search=foo&lang=en"],
        ),
        ("HTTPS://www.ExaMPLE.COM/index.html", ["HTTPS://www.ExaMPLE.COM/index.html"]),
        ("http://test_underscore.twitter.com", ["http://test_underscore.twitter.com"]),
        ("http://☃.net/", ["http://☃.net/"]),
        ("http://example.com/Русские_слова", ["http://example.com/Русские_слова"]),
        ("ftp://www.example.com/", []),
        ("http://domain-dash_2314352345_dfasd.foo-cow_4352.com", []),
        ("http://www.-domain4352.com/", []),
        ("http://www.domain4352-.com/", []),
        ("http://☃-.net/", []),
        ("http://test.-twitter.com", []),
        ("example.com", ["example.com"]),
        ("www.example.com", ["www.example.com"]),
        ("t.co", ["t.co"]),
        ("foo.co.jp", ["foo.co.jp"]),
        (
            "example.com/path/to/resource?search=foo&lang=en",
            ["example.com/path/to/resource?search=foo&lang=en"],
        ),
        ("foo.jp", []),  # ccTLD without scheme and path
        ("foo.jp/bar", ["foo.jp/bar"]),
        ("Visita empleo.example.es.", ["empleo.example.es"]),
        ("(https://empleo.example.es/cursos)", ["https://empleo.example.es/cursos"]),
        ("https://es.wikipedia.org/wiki/Foo_(bar)", ["https://es.wikipedia.org/wiki/Foo_(bar)"]),
        ("info@empleo.es y @user.com y #tag.com", []),
        ("12.000 personas y 1.5 puntos", []),
        ("Cl@ve.", []),
        ("➡empleo.example.es/x ✅", ["empleo.example.es/x"]),
        ("https://x.es✅", ["https://x.es"]),
        ("¡Mira https://x.es/a?b=1&c=2! ¿Ves?", ["https://x.es/a?b=1&c=2"]),
    ],
)
def test_extract_urls(text: str, urls: list[str]) -> None:
    assert [u.url for u in extract_urls(text)] == urls


def test_empty_and_blank() -> None:
    assert parse_tweet("").weighted_length == 0 and not parse_tweet("").valid
    assert parse_tweet("   \n").weighted_length == 0


def test_valid_end_marks_where_the_limit_is_passed() -> None:
    text = "🚀" * 150  # 300 units: 140 emoji fit
    result = parse_tweet(text)
    assert result.over_limit and result.remaining == -20
    assert result.valid_end == 140 and text[: result.valid_end] == "🚀" * 140
    assert result.valid_end_utf16 == 280  # QTextCursor position
    ok = parse_tweet("hola")
    assert not ok.over_limit and ok.valid_end == 4 and ok.remaining == MAX_WEIGHTED_LENGTH - 4


def test_valid_end_in_a_not_normalized_text() -> None:
    text = "e\u0301" * 300  # NFC: 300 × é
    result = parse_tweet(text)
    assert result.weighted_length == 300
    assert result.valid_end == 560  # 280 é = 560 code points of the original
