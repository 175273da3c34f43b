"""URL sources: --url, --urls FILE, and the breadth-first same-host crawl."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from tui import cli
from workloads.param import ParamError
from workloads.scrape.url_source import (
    MAX_FILE_BYTES,
    Crawl,
    check_url_file,
    given_urls,
    normalize,
    parse_url_lines,
    read_url_file,
)


def test_url_lines_skip_blanks_and_comments() -> None:
    text = "# header\n\n  http://a.test/1  \nhttp://a.test/2 # trailing\n\t#indented comment\nx#y\n"
    assert parse_url_lines(text) == ["http://a.test/1", "http://a.test/2", "x#y"]


def test_read_url_file(tmp_path: Path) -> None:
    f = tmp_path / "urls.txt"
    f.write_text("\ufeff# list\nhttp://a.test/\nftp://b.test/\n", encoding="utf-8")
    assert read_url_file(str(f)) == ["http://a.test/", "ftp://b.test/"]
    assert given_urls(["http://first.test/", " "], str(f)) == [
        "http://first.test/",
        "http://a.test/",
        "ftp://b.test/",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("dir", "is a directory"),
        (b"# only comments\n\n", "no URLs in it"),
        (b"", "no URLs in it"),
        (b"http://a.test/\n\xff\xfebad\n", "not a UTF-8 text file"),
        (b"http://a.test/\n\x00\x01\x02", "a binary file \\(it has NUL bytes\\)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a binary file"),
    ],
)
def test_bad_url_files(tmp_path: Path, content, message: str) -> None:
    path = tmp_path / "urls.txt"
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(ParamError, match=message) as info:
        read_url_file(str(path))
    assert str(info.value).startswith(f"--urls {path}: ")


def _fifo(tmp_path: Path) -> Path:
    path = tmp_path / "urls.fifo"
    os.mkfifo(path)
    return path


def _unix_socket(tmp_path: Path) -> Path:
    path = tmp_path / "urls.sock"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    sock.close()  # the socket file stays
    return path


@pytest.mark.timeout(10)  # a blocking open of the FIFO would hang here
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_fifo, "is a named pipe \\(FIFO\\), not a file of URLs"),
        (_unix_socket, "is a socket, not a file of URLs"),
        (lambda _: Path(os.devnull), "is a character device, not a file of URLs"),
        (lambda p: p, "is a directory, not a file of URLs"),
        (lambda p: p / "missing" / "urls.txt", "no such file"),
    ],
)
def test_only_regular_files_are_read(tmp_path: Path, make, message: str) -> None:
    path = make(tmp_path)
    with pytest.raises(ParamError, match=message) as info:
        check_url_file(str(path))
    assert str(info.value).startswith(f"--urls {path}: ")
    assert "\n" not in str(info.value)


def test_a_huge_file_is_refused_by_its_size(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as f:  # sparse: big by its size, nothing written
        f.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(ParamError, match="larger than 4 MB"):
        read_url_file(str(path))


def test_a_long_line_of_blanks_is_read_in_linear_time() -> None:
    line = "http://a.test/" + " " * 200_000 + "x # comment"
    assert parse_url_lines(line) == ["http://a.test/" + " " * 200_000 + "x"]


@pytest.mark.timeout(20)
def test_cli_refuses_a_fifo_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = _fifo(tmp_path)
    code = cli.main(["run", "scrape", "--urls", str(fifo), "--json"])
    assert code == 2
    err = capsys.readouterr().err
    assert err == f"interleave: error: --urls {fifo}: is a named pipe (FIFO), not a file of URLs\n"


def test_cli_refuses_a_missing_url_file_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["run", "scrape", "--urls", "/no/such/file.txt", "--json"])
    err = capsys.readouterr().err
    assert code == 2
    assert err == "interleave: error: --urls /no/such/file.txt: no such file\n"


def test_crawl_is_breadth_first_same_host_and_limited() -> None:
    crawl = Crawl(["http://h.test/"], limit=5)
    batches = []
    links = {
        "http://h.test/": ["http://h.test/a", "http://other.test/x", "http://h.test/b#top"],
        "http://h.test/a": ["http://h.test/", "http://h.test/c", "http://h.test/d"],
        "http://h.test/b#top": ["http://H.test/e", "http://h.test/f"],
    }
    for batch in crawl:
        batches.append(batch)
        for _, url in batch:
            crawl.found(url, links.get(url, []))
    assert batches == [
        [(0, "http://h.test/")],
        [(1, "http://h.test/a"), (2, "http://h.test/b#top")],
        [(3, "http://h.test/c"), (4, "http://h.test/d")],
    ]
    assert len(crawl.urls) == 5


def test_malformed_urls_never_break_a_crawl() -> None:
    bad = ["http://127.0.0.1:99999/", "http://[::1", "not a url", "http://h.test:/", ""]
    for url in bad:
        assert isinstance(normalize(url), str)  # never raises
    crawl = Crawl([*bad, "http://h.test/"], limit=10)
    assert [row for row, _ in next(iter(crawl))] == list(range(6))
    crawl.found("http://[::1", ["http://[::1]/a"])  # a page whose URL makes no sense
    crawl.found("http://h.test/", ["http://h.test:99999/", "http://[x", "http://h.test/b"])
    assert list(crawl) == [[(6, "http://h.test/b")]]


def test_without_crawl_the_input_is_one_batch_duplicates_kept() -> None:
    crawl = Crawl(["http://a.test/", "http://a.test/"])
    batches = list(crawl)
    assert batches == [[(0, "http://a.test/"), (1, "http://a.test/")]]
    crawl.found("http://a.test/", ["http://a.test/more"])
    assert list(crawl) == []
