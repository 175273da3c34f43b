"""Where the scraper's URLs come from: ``--url``, a ``--urls`` file, and a same-host crawl.

A URL file holds one URL a line; blank lines and lines starting with ``#`` are skipped,
and so is a `` # comment`` after a URL. URLs themselves are not judged here: a broken
one becomes a result row that says why (see :mod:`workloads.scrape.fetcher`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from urllib.parse import urlsplit, urlunsplit

from workloads.param import ParamError

#: A URL file larger than this is refused (it is a list of URLs, not a data dump).
MAX_FILE_BYTES = 4 * 1024 * 1024
_TRAILING_COMMENT = re.compile(r"\s+#.*$")


def parse_url_lines(text: str) -> list[str]:
    """The URLs of a URL file's text, in order."""
    urls: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        urls.append(_TRAILING_COMMENT.sub("", line))
    return urls


def read_url_file(path: str) -> list[str]:
    """The URLs listed in the file at ``path``; a :class:`ParamError` in one line if none."""
    where = f"--urls {path}"
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ParamError(f"{where}: no such file") from None
    except IsADirectoryError:
        raise ParamError(f"{where}: is a directory, not a file of URLs") from None
    except PermissionError:
        raise ParamError(f"{where}: permission denied") from None
    except OSError as exc:
        raise ParamError(f"{where}: cannot read it ({exc.strerror or exc})") from None
    if len(data) > MAX_FILE_BYTES:
        raise ParamError(f"{where}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ParamError(f"{where}: not a UTF-8 text file") from None
    urls = parse_url_lines(text)
    if not urls:
        raise ParamError(f"{where}: no URLs in it (one a line; # starts a comment)")
    return urls


def check_url_file(path: str) -> None:
    """Parameter validator: an empty path is fine (no file), else it must list URLs."""
    if path:
        read_url_file(path)


def given_urls(urls: Sequence[str], urls_file: str) -> list[str]:
    """The ``--url`` URLs, then the file's, in order (duplicates kept: one row each)."""
    found = [u.strip() for u in urls if u.strip()]
    if urls_file:
        found += read_url_file(urls_file)
    return found


def normalize(url: str) -> str:
    """The form two URLs of the same page share: no fragment, lowercase scheme and host."""
    parts = urlsplit(url)
    netloc = parts.netloc.lower()
    scheme = parts.scheme.lower()
    if (scheme, parts.port) in (("http", 80), ("https", 443)):
        netloc = netloc.rsplit(":", 1)[0]
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


class Crawl:
    """The rows to scrape, batch by batch: breadth-first, same host, up to ``limit`` pages.

    Rows are numbered in the order URLs are found, which is the input order for the
    start URLs, then breadth-first, each page's links in document order. Iterating
    yields one batch (a BFS level) of ``(row, url)`` at a time; between batches, report
    each page of the batch with :meth:`found`, in row order, so numbering is the same
    on every run whatever order the pages finished in. With ``limit`` 0 (no crawl),
    the start URLs are the only batch.
    """

    def __init__(self, start: Sequence[str], limit: int = 0) -> None:
        self.urls: list[str] = list(start)
        self.limit = limit
        self._seen = {normalize(u) for u in self.urls}
        self._pending: list[tuple[int, str]] = list(enumerate(self.urls))

    def __iter__(self) -> Iterator[list[tuple[int, str]]]:
        while self._pending:
            batch, self._pending = self._pending, []
            yield batch

    def found(self, page_url: str, links: Sequence[str]) -> None:
        """The page at ``page_url`` (after redirects) links to ``links`` (absolute)."""
        if not self.limit:
            return
        host = urlsplit(normalize(page_url)).netloc
        for link in links:
            if len(self.urls) >= self.limit:
                return
            key = normalize(link)
            if key in self._seen or urlsplit(key).netloc != host:
                continue
            self._seen.add(key)
            self._pending.append((len(self.urls), link))
            self.urls.append(link)
