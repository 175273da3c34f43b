"""Another Python interpreter for the run host (``--python PATH``), checked before use.

The session starts the host as ``PATH -m workloads.run_host`` with only the directory
that holds ``workloads`` on ``PYTHONPATH``: a different interpreter (say a free-threaded
3.13t beside this 3.11) keeps its own standard library and site-packages.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from workloads.param import ParamError

#: The oldest interpreter the host supports.
MIN_VERSION = (3, 10)
#: The directory that holds the ``workloads`` package.
ROOT = str(Path(__file__).resolve().parent.parent)

_PROBE = """\
import json, sys
sys.path.insert(0, sys.argv[1])
ok = sys.version_info >= (3, 10)
error = ""
if ok:
    try:
        import workloads.run_host
    except BaseException as exc:
        error = f"{type(exc).__name__}: {exc}"
check = getattr(sys, "_is_gil_enabled", None)
print(json.dumps({
    "version": sys.version.split()[0],
    "ok": ok,
    "error": error,
    "gil_enabled": True if check is None else bool(check()),
    "sys_path": sys.path[1:],
}))
"""


@dataclass(frozen=True)
class Interpreter:
    """A Python that can run the host."""

    path: str
    version: str
    gil_enabled: bool
    #: Its own module search path (without ``ROOT``).
    sys_path: tuple[str, ...]


@functools.lru_cache(maxsize=8)
def probe(path: str) -> Interpreter:
    """Check that ``path`` is a Python >= 3.10 that can import ``workloads``.

    Raises :class:`ParamError` with one line saying what is wrong.
    """
    where = f"--python {path}"
    if not os.path.isfile(path) or not os.access(path, os.X_OK):
        raise ParamError(f"{where}: not an executable file")
    try:
        done = subprocess.run(
            [path, "-I", "-c", _PROBE, ROOT],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise ParamError(f"{where}: could not run it ({exc})") from None
    try:
        info = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise ParamError(f"{where}: not a Python interpreter this can use") from None
    if not info["ok"]:
        need = ".".join(map(str, MIN_VERSION))
        raise ParamError(f"{where}: Python {info['version']} is too old (need {need} or newer)")
    if info["error"]:
        raise ParamError(f"{where}: cannot import workloads ({info['error']})")
    return Interpreter(path, info["version"], info["gil_enabled"], tuple(info["sys_path"]))
