"""The catalog's contracts: every demo's metadata points at code that exists."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from workloads import catalog
from workloads.demo import Demo

DEMOS = list(catalog.DEMOS.values())


def _functions_of(demo: Demo) -> set[str]:
    tree = ast.parse(demo.source())
    functions = (ast.FunctionDef, ast.AsyncFunctionDef)
    return {n.name for n in ast.walk(tree) if isinstance(n, functions)}


@pytest.mark.parametrize("demo", DEMOS, ids=[d.id for d in DEMOS])
def test_totals_name_real_functions_of_the_demo(demo: Demo) -> None:
    # A totals key that names no function would silently leave a panel without progress.
    keys = set(demo.totals(demo.defaults()))
    assert keys <= _functions_of(demo), keys - _functions_of(demo)


@pytest.mark.parametrize("demo", DEMOS, ids=[d.id for d in DEMOS])
def test_every_demo_has_a_main_and_readable_source(demo: Demo) -> None:
    assert "main" in _functions_of(demo)


def test_showing_a_demo_source_does_not_import_it() -> None:
    code = (
        "import sys\n"
        "from workloads import catalog\n"
        "text = catalog.get('scrape').source()\n"
        "assert 'BeautifulSoup' in text\n"
        "names = ('bs4', 'requests', 'workloads.demos.scrape')\n"
        "print(sorted(m for m in names if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_demo_is_in_exactly_one_section_with_a_title_that_fits_the_list() -> None:
    listed = [d.id for s in catalog.SECTIONS for d in s.demos]
    assert sorted(listed) == sorted(catalog.DEMOS) and len(set(listed)) == len(listed)
    # The demo list is 28 columns wide at 80x24; a heading must not wrap there.
    assert all(len(s.title) <= 26 for s in catalog.SECTIONS)
