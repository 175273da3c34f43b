"""workloads/ is the headless core: importing all of it must not pull in textual."""

import pkgutil
import subprocess
import sys

import workloads


def test_workloads_never_imports_textual_or_tui() -> None:
    modules = [m.name for m in pkgutil.walk_packages(workloads.__path__, "workloads.")]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'tui'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == ""
    assert len(modules) > 10
