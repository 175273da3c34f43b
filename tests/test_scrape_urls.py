"""URL sources: --url, --urls FILE, and the breadth-first same-host crawl."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui import cli
from workloads.param import ParamError
from workloads.scrape.url_source import Crawl, given_urls, parse_url_lines, read_url_file


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
        (b"\xff\xfe\x00bad", "not a UTF-8 text file"),
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


def test_without_crawl_the_input_is_one_batch_duplicates_kept() -> None:
    crawl = Crawl(["http://a.test/", "http://a.test/"])
    batches = list(crawl)
    assert batches == [[(0, "http://a.test/"), (1, "http://a.test/")]]
    crawl.found("http://a.test/", ["http://a.test/more"])
    assert list(crawl) == []
