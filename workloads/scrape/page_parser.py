"""Parsing a page with BeautifulSoup: the title, the first ``h1``, links and words.

The definitions, so anyone can check them against BeautifulSoup themselves
(``soup = BeautifulSoup(body, "html.parser")``):

- ``title``: the text of ``soup.title``, whitespace collapsed ("" if there is none);
- ``h1``: the text of the first ``soup.find("h1")``, whitespace collapsed;
- ``links``: ``len(soup.find_all("a", href=True))``, the ``<a>`` elements that link
  somewhere (an ``<a>`` without ``href`` is a placeholder, not a link);
- ``words``: ``len(soup.get_text(" ").split())``, the words of the document's text,
  title included; BeautifulSoup leaves out scripts, styles, templates and comments.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning

# Real pages trigger these (XHTML served as HTML, a body that is just a URL); they are
# not the scraper's business, and in a run they would land in the output pane.
warnings.filterwarnings("ignore", category=XMLParsedAsHTMLWarning)
warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)

PARSER = "html.parser"


@dataclass(frozen=True)
class PageInfo:
    """What the scraper extracts from one page. ``hrefs``: absolute http(s) link targets."""

    title: str
    h1: str
    links: int
    words: int
    hrefs: tuple[str, ...] = field(default=(), repr=False)


def _text(node: object) -> str:
    get_text = getattr(node, "get_text", None)
    return " ".join(get_text().split()) if get_text is not None else ""


def _absolute(base: str, href: str) -> str:
    """``href`` resolved against ``base``, without its fragment; "" if it is malformed.

    One broken link (``http://[::1``) must not make the whole page unparsable.
    """
    try:
        target = urldefrag(urljoin(base, href.strip()))[0]
        urlsplit(target)
    except ValueError:
        return ""
    return target


def parse_page(body: bytes | str, base_url: str = "", encoding: str | None = None) -> PageInfo:
    """Extract a :class:`PageInfo` from HTML; ``encoding`` is the HTTP header's charset."""
    if isinstance(body, bytes) and encoding:
        soup = BeautifulSoup(body, PARSER, from_encoding=encoding)
    else:
        soup = BeautifulSoup(body, PARSER)
    anchors = soup.find_all("a", href=True)
    base = base_url
    base_tag = soup.find("base", href=True)
    if base_tag is not None:
        base = _absolute(base_url, str(base_tag["href"])) or base_url
    hrefs: list[str] = []
    for a in anchors:
        target = _absolute(base, str(a["href"]))
        if target and urlsplit(target).scheme in ("http", "https"):
            hrefs.append(target)
    return PageInfo(
        title=_text(soup.title),
        h1=_text(soup.find("h1")),
        links=len(anchors),
        words=len(soup.get_text(" ").split()),
        hrefs=tuple(hrefs),
    )
