"""Member Markdown comes out as safe HTML: no script, no event handlers, no javascript: links.

The output is parsed as a browser would, so escaped text such as "&lt;script&gt;"
(harmless, shown as text) is told apart from a real element.
"""

from html.parser import HTMLParser

import pytest

from guanxi.core.markdown import render_markdown

SAFE_SCHEMES = ("http://", "https://", "mailto:")


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend((name, value or "") for name, value in attrs)


def parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


def assert_inert(html: str) -> None:
    parsed = parse(html)
    for tag in ("script", "img", "svg", "iframe", "style", "object", "embed", "form", "input"):
        assert tag not in parsed.tags, html
    for name, value in parsed.attrs:
        assert not name.startswith("on"), html
        assert name not in ("style", "src", "srcdoc"), html
        if name == "href":
            # html.parser has already decoded entities, as the browser would.
            assert value.strip().lower().startswith(SAFE_SCHEMES) or value.startswith("#"), html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "Hello <script src='https://evil.example/x.js'></script> world",
        "<SCRIPT>alert(1)</SCRIPT>",
        "```html\n<script>alert(1)</script>\n```",
        "<img src=x onerror=alert(1)>",
        '<a href="#" onclick="alert(1)">click</a>',
        "![pic](https://example.com/x.png)",
        "![pic](x onerror=alert(1))",
        "<svg onload=alert(1)>",
        "<iframe src='https://evil.example'></iframe>",
        "<style>body{display:none}</style>",
        "<div style='position:fixed'>overlay</div>",
    ],
)
def test_html_in_markdown_is_inert(source):
    html = render_markdown(source)
    assert_inert(html)


def test_script_source_is_shown_as_text():
    html = render_markdown("<script>alert(1)</script>")
    assert "&lt;script&gt;" in html
    assert "script" not in parse(html).tags


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](javascript&#58;alert(1))",
        "[click](&#106;avascript:alert(1))",
        "[click](<javascript:alert(1)>)",
        "<javascript:alert(1)>",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '<a href="javascript:alert(1)">x</a>',
        "[ref]\n\n[ref]: javascript:alert(1)",
    ],
)
def test_dangerous_link_schemes_are_dropped(source):
    html = render_markdown(source)
    assert_inert(html)
    hrefs = [value for name, value in parse(html).attrs if name == "href"]
    assert not any("script" in href.lower() or href.lower().startswith("data:") for href in hrefs)


def test_ordinary_markdown_renders_with_safe_links():
    html = render_markdown(
        "# Title\n\nSome **bold** and *italic* text with [a link](https://example.com).\n\n"
        "- one\n- two\n"
    )
    assert "<h3>Title</h3>" in html  # demoted below the page's own headings
    assert "<strong>bold</strong>" in html
    assert "<em>italic</em>" in html
    assert 'href="https://example.com"' in html
    assert 'rel="nofollow noopener ugc"' in html
    assert "<li>one</li>" in html
    assert_inert(html)


def test_escaped_html_is_shown_as_text():
    html = render_markdown("Use <b>tags</b> & entities")
    assert "&lt;b&gt;tags&lt;/b&gt;" in html
    assert "&amp;" in html


def test_empty_source_gives_empty_html():
    assert render_markdown("") == ""
