"""Where the scraper's URLs come from: ``--url``, a ``--urls`` file, and a same-host crawl.

A URL file holds one URL a line; blank lines and lines starting with ``#`` are skipped,
and so is a `` # comment`` after a URL. URLs themselves are not judged here: a broken
one becomes a result row that says why (see :mod:`workloads.scrape.fetcher`).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator, Sequence
from urllib.parse import urlsplit, urlunsplit

from workloads.param import ParamError

#: A URL file larger than this is refused (it is a list of URLs, not a data dump).
MAX_FILE_BYTES = 4 * 1024 * 1024
#: Where a trailing comment starts: a blank, then ``#``.
_BLANK_HASH = re.compile(r"\s#")
#: What a path that is not a regular file is, by ``stat`` file type test.
_NOT_FILES = (
    (stat.S_ISDIR, "is a directory"),
    (stat.S_ISFIFO, "is a named pipe (FIFO)"),
    (stat.S_ISSOCK, "is a socket"),
    (stat.S_ISCHR, "is a character device"),
    (stat.S_ISBLK, "is a block device"),
)
# Never block on open: a FIFO with no writer would hang the CLI (and freeze the app)
# forever. O_NONBLOCK changes nothing for a regular file.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def parse_url_lines(text: str) -> list[str]:
    """The URLs of a URL file's text, in order."""
    urls: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        urls.append(_strip_comment(line))
    return urls


def _strip_comment(line: str) -> str:
    # Not r"\s+#.*$": that one re-scans a run of blanks from each of its blanks, which
    # is quadratic on a long line of them. A blank then "#" is matched in one pass.
    match = _BLANK_HASH.search(line)
    return line[: match.start()].rstrip() if match else line


def read_url_file(path: str) -> list[str]:
    """The URLs listed in the file at ``path``; a :class:`ParamError` in one line if none.

    Never blocks: anything but a regular file (a FIFO, a device, a directory, a socket)
    is refused from its ``stat`` before it is opened, and so is a file too large.
    """
    where = f"--urls {path}"
    data = _read_small_file(path, where)
    if b"\0" in data:
        raise ParamError(f"{where}: a binary file (it has NUL bytes), not a list of URLs")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ParamError(f"{where}: not a UTF-8 text file") from None
    urls = parse_url_lines(text)
    if not urls:
        raise ParamError(f"{where}: no URLs in it (one a line; # starts a comment)")
    return urls


def _read_small_file(path: str, where: str) -> bytes:
    try:
        _check_regular(os.stat(path), where)
        fd = os.open(path, _OPEN_FLAGS)
        with os.fdopen(fd, "rb") as f:
            _check_regular(os.fstat(fd), where)  # the path may have changed since stat
            data = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ParamError(f"{where}: no such file") from None
    except NotADirectoryError:
        raise ParamError(f"{where}: no such file (a part of the path is not a directory)") from None
    except PermissionError:
        raise ParamError(f"{where}: permission denied") from None
    except OSError as exc:
        raise ParamError(f"{where}: cannot read it ({exc.strerror or exc})") from None
    if len(data) > MAX_FILE_BYTES:  # it grew since it was checked
        raise ParamError(_too_large(where))
    return data


def _check_regular(st: os.stat_result, where: str) -> None:
    for is_kind, what in _NOT_FILES:
        if is_kind(st.st_mode):
            raise ParamError(f"{where}: {what}, not a file of URLs")
    if not stat.S_ISREG(st.st_mode):
        raise ParamError(f"{where}: not a regular file")
    if st.st_size > MAX_FILE_BYTES:
        raise ParamError(_too_large(where))


def _too_large(where: str) -> str:
    return f"{where}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB (a list of URLs is smaller)"


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
    """The form two URLs of the same page share: no fragment, lowercase scheme and host.

    Never raises: a malformed URL (a bad port, an unclosed ``[``) is its own form, so it
    is still scraped once, and its row says what is wrong with it.
    """
    key = _key(url)
    return key[0] if key is not None else url


def _key(url: str) -> tuple[str, str] | None:
    """``(normalized URL, host)``, or None when ``url`` cannot be parsed."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    netloc = parts.netloc.lower()
    scheme = parts.scheme.lower()
    if (scheme, port) in (("http", 80), ("https", 443)):
        netloc = netloc.rsplit(":", 1)[0]
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, "")), netloc


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
        #: Whether :meth:`found` uses the links of pages (only a crawl does).
        self.wants_links = limit > 0
        self._seen = {normalize(u) for u in self.urls} if limit else set()
        self._pending: list[tuple[int, str]] = list(enumerate(self.urls))

    def __iter__(self) -> Iterator[list[tuple[int, str]]]:
        while self._pending:
            batch, self._pending = self._pending, []
            yield batch

    def found(self, page_url: str, links: Sequence[str]) -> None:
        """The page at ``page_url`` (after redirects) links to ``links`` (absolute)."""
        page = _key(page_url) if self.limit else None
        if page is None:  # not crawling, or a page whose URL makes no sense: no links
            return
        for link in links:
            if len(self.urls) >= self.limit:
                return
            key = _key(link)
            if key is None or key[0] in self._seen or key[1] != page[1]:
                continue
            self._seen.add(key[0])
            self._pending.append((len(self.urls), link))
            self.urls.append(link)
