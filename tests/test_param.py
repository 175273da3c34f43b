"""Parameters: typed parsing and one-line reasons for bad values."""

import pytest

from workloads import catalog
from workloads.param import Param, ParamError

WORKERS = Param("workers", "int", 3, "pool size", 1, 64)


def test_parse_good_values() -> None:
    assert WORKERS.parse(" 4 ") == 4
    assert catalog.TIME_SCALE.parse("0.5") == 0.5
    assert Param("mode", "choice", "a", "", choices=("a", "b")).parse("b") == "b"
    assert Param("url", "list", [], "").parse("a, b,,") == ["a", "b"]


@pytest.mark.parametrize(
    ("param", "text", "reason"),
    [
        (WORKERS, "x", "--workers must be a whole number, not 'x'"),
        (WORKERS, "0", "--workers must be at least 1, not 0"),
        (WORKERS, "65", "--workers must be at most 64, not 65"),
        (catalog.TIME_SCALE, "-1", "--time-scale must be at least 0.001, not -1"),
        (catalog.TIME_SCALE, "nan", "--time-scale must be a finite number, not 'nan'"),
        (Param("mode", "choice", "a", "", choices=("a", "b")), "c", "--mode must be one of a, b"),
    ],
)
def test_bad_values_say_why_in_one_line(param: Param, text: str, reason: str) -> None:
    with pytest.raises(ParamError) as err:
        param.parse(text)
    assert str(err.value) == reason
    assert "\n" not in str(err.value)


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
