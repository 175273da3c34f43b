"""Parameters: typed parsing and one-line reasons for bad values."""

from __future__ import annotations

from typing import Any

import pytest

from workloads import catalog, gil_lab
from workloads.common_options import PYTHON, TIME_SCALE
from workloads.param import (
    MAX_TEXT,
    ChoiceParam,
    FlagParam,
    FloatParam,
    IntParam,
    ListParam,
    Param,
    ParamError,
    TextParam,
    number_text,
)

WORKERS = IntParam("workers", 3, "pool size", 1, 64)
SLEEP = FloatParam("sleep", 1.0, "seconds", 0.0, 60.0)
MODE = ChoiceParam("mode", "a", "", ("a", "b"))
URL = ListParam("url", (), "")
NAME = TextParam("name", "", "")
RACE = FlagParam("race", False, "let the threads race")


def test_parse_good_values() -> None:
    assert WORKERS.parse(" 4 ") == 4
    assert WORKERS.parse("+4") == 4
    assert TIME_SCALE.parse("0.5") == 0.5
    assert SLEEP.parse("1e1") == 10.0 and SLEEP.parse(".5") == 0.5 and SLEEP.parse("5.") == 5.0
    assert MODE.parse("b") == "b"
    assert URL.parse("a, b,,") == ("a", "b")
    assert NAME.parse("  x y ") == "x y"
    assert RACE.parse("on") is True and RACE.parse("") is False and RACE.parse("No") is False


@pytest.mark.parametrize(
    ("param", "text", "reason"),
    [
        (WORKERS, "x", "--workers must be a whole number, not 'x'"),
        (WORKERS, "0", "--workers must be at least 1, not 0"),
        (WORKERS, "65", "--workers must be at most 64, not 65"),
        (WORKERS, "", "--workers must be a whole number, not ''"),
        (WORKERS, "６４", "--workers must be a whole number, not '６４'"),
        (WORKERS, "6_4", "--workers must be a whole number, not '6_4'"),
        (WORKERS, "6 4", "--workers must be a whole number, not '6 4'"),
        (WORKERS, "0x10", "--workers must be a whole number, not '0x10'"),
        (WORKERS, "1e3", "--workers must be a whole number, not '1e3'"),
        (WORKERS, "2.0", "--workers must be a whole number, not '2.0'"),
        (WORKERS, "\u00a04", "--workers must be a whole number, not '\\xa04'"),
        (SLEEP, "60.0000001", "--sleep must be at most 60, not 60.0000001"),
        (SLEEP, "1e999", "--sleep must be at most 60, not 1e999"),
        (SLEEP, "-0.5", "--sleep must be at least 0, not -0.5"),
        (SLEEP, "inf", "--sleep must be a number, not 'inf'"),
        (SLEEP, "-Infinity", "--sleep must be a number, not '-Infinity'"),
        (SLEEP, "nan", "--sleep must be a number, not 'nan'"),
        (SLEEP, "1_0", "--sleep must be a number, not '1_0'"),
        (SLEEP, "0x1p3", "--sleep must be a number, not '0x1p3'"),
        (SLEEP, "١", "--sleep must be a number, not '١'"),
        (TIME_SCALE, "-1", "--time-scale must be at least 0.001, not -1"),
        (TIME_SCALE, "nan", "--time-scale must be a number, not 'nan'"),
        (MODE, "c", "--mode must be one of a, b, not 'c'"),
        (MODE, "A", "--mode must be one of a, b, not 'A'"),
        (NAME, "a\x00b", "--name must not contain control characters ('\\x00')"),
        (NAME, "a\nb", "--name must not contain control characters ('\\n')"),
        (NAME, "x" * (MAX_TEXT + 1), "--name is too long: 4097 characters, at most 4096"),
        (URL, "a, b\x1b[31m", "--url must not contain control characters ('\\x1b')"),
        (RACE, "maybe", "--race must be on or off, not 'maybe'"),
    ],
)
def test_bad_values_say_why_in_one_line(param: Param[object], text: str, reason: str) -> None:
    with pytest.raises(ParamError) as err:
        param.parse(text)
    assert str(err.value) == reason
    assert len(str(err.value).splitlines()) == 1


def test_huge_values_are_cut_in_the_message() -> None:
    with pytest.raises(ParamError) as err:
        WORKERS.parse("9" * 300)
    assert str(err.value) == f"--workers must be at most 64, not {'9' * 40}… (300 characters)"


def test_typed_values_show_as_numbers_not_rounded() -> None:
    items = IntParam("items", 5, "", 1, 1000)
    with pytest.raises(ParamError, match=r"^--items must be at most 1000, not 1000000000$"):
        items.check(10**9)
    with pytest.raises(ParamError, match=r"^--sleep must be at most 60, not 60.0000001$"):
        SLEEP.check(60.0000001)
    with pytest.raises(ParamError, match=r"^--sleep must be at most 60, not 1000000000$"):
        SLEEP.check(1e9)
    with pytest.raises(ParamError, match="must be a whole number, not True"):
        items.check(True)
    with pytest.raises(ParamError, match="must be a number, not nan"):
        SLEEP.check(float("nan"))
    assert SLEEP.check(2) == 2.0 and isinstance(SLEEP.check(2), float)
    assert (number_text(1e9), number_text(0.001), number_text(5)) == ("1000000000", "0.001", "5")


def test_format_round_trips() -> None:
    cases: list[tuple[Param[Any], Any]] = [
        (WORKERS, 7),
        (SLEEP, 0.25),
        (MODE, "b"),
        (URL, ("a", "b")),
        (RACE, True),
    ]
    for param, value in cases:
        assert param.parse(param.format(value)) == value
    assert RACE.format(False) == ""  # a flag that is off is not worth a word in a header


def test_metavars_and_kinds() -> None:
    metavars = (WORKERS.metavar, SLEEP.metavar, MODE.metavar, NAME.metavar, RACE.metavar)
    assert metavars == ("N", "X", "{a,b}", "TEXT", "")
    assert PYTHON.metavar == "PATH" and TIME_SCALE.metavar == "X"
    assert [p.kind for p in (WORKERS, SLEEP, MODE, NAME, URL, RACE)] == [
        "int",
        "float",
        "choice",
        "text",
        "list",
        "flag",
    ]
    assert MODE.choices == ("a", "b") and WORKERS.choices == ()


def test_the_hook_runs_on_parse_and_check_but_not_quick_parse() -> None:
    seen: list[str] = []

    def refuse_b(value: str) -> None:
        seen.append(value)
        if value == "b":
            raise ParamError("--path: no b")

    path = TextParam("path", "", "", validate=refuse_b)
    assert path.quick_parse("b") == "b" and seen == []
    with pytest.raises(ParamError, match="no b"):
        path.parse("b")
    with pytest.raises(ParamError, match="no b"):
        path.check("b")
    assert path.parse("a") == "a" and seen == ["b", "b", "a"]


def test_bad_definitions_fail_at_import() -> None:
    with pytest.raises(ParamError, match="at most 64, not 65"):
        IntParam("workers", 65, "", 1, 64)
    with pytest.raises(ValueError, match="needs choices"):
        ChoiceParam("mode", "a", "")
    with pytest.raises(ValueError, match="default must be False"):
        FlagParam("race", True, "")


def test_every_number_of_the_catalog_has_bounds() -> None:
    for demo in catalog.DEMOS.values():
        for p in demo.params:
            if isinstance(p, (IntParam, FloatParam)):
                assert p.minimum <= p.default <= p.maximum, (demo.id, p.name)


def test_the_gil_lab_takes_256_workers() -> None:
    for demo in gil_lab.DEMOS:
        assert demo.param("workers").parse("256") == 256
        with pytest.raises(ParamError, match=r"^--workers must be at most 256, not 1000$"):
            demo.param("workers").parse("1000")


def test_demo_resolve_and_unknown_names() -> None:
    demo = catalog.get("thread-pool")
    assert demo.parse({"workers": "5"}) == {"workers": 5, "items": 5, "sleep": 1.0}
    with pytest.raises(ParamError, match="has no option --bogus"):
        demo.parse({"bogus": "1"})
    with pytest.raises(ParamError, match="unknown demo 'nope'"):
        catalog.get("nope")


def test_every_demo_is_complete() -> None:
    for demo in catalog.DEMOS.values():
        assert demo.title and demo.summary and len(demo.explanation) > 100
        assert "def main" in demo.source()
        config = demo.config(demo.defaults(), 0.5)
        assert config.time_scale == 0.5 and config.module == demo.module
