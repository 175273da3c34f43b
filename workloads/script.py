"""A user's own script or notebook, as a run: checked, read, and turned into a demo.

``interleave run mine.py`` and ``interleave run lesson.ipynb`` run the file as
``__main__`` in the run host (:mod:`workloads.script_runner`). This module is what the
command line and the app need before that: a :class:`Script` (a typed value that
travels in the :class:`~workloads.runtime.RunConfig`), the checks that refuse a bad
path with one line, and the source shown in the code pane.

A notebook is read with the stdlib ``json`` module: its code cells, in order, become
one script. IPython-only lines (``%magic``, ``%%cell magic``, ``!shell``) are left out
with a note, their line kept as a ``pass`` so that line numbers and indentation hold.
"""

from __future__ import annotations

import json
import os
from typing import NamedTuple

from workloads.events import StrEnum
from workloads.param import ParamError, quote

#: Bytes of a file read to tell text from binary before decoding it.
SNIFF = 8192
#: Cell magics whose body is plain Python that IPython runs (timed): kept, magic line skipped.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})


class ScriptKind(StrEnum):
    """What kind of file a script run reads."""

    PYTHON = "python"
    NOTEBOOK = "notebook"


class ScriptError(ParamError):
    """A path that cannot be run; the message is the one line shown."""


class Script(NamedTuple):
    """A user's file to run as ``__main__``, with its command-line arguments."""

    path: str
    argv: tuple[str, ...] = ()

    @property
    def kind(self) -> ScriptKind:
        """Python file or notebook, from the extension."""
        return ScriptKind.NOTEBOOK if self.path.endswith(".ipynb") else ScriptKind.PYTHON

    @property
    def name(self) -> str:
        """The file's name, as the run screen's title shows it."""
        return os.path.basename(self.path)


class ScriptSource(NamedTuple):
    """The Python text a script runs, and where each notebook cell starts in it."""

    text: str
    #: (first line, cell number) of each code cell, in order; empty for a .py file.
    cells: tuple[tuple[int, int], ...] = ()
    #: One line per IPython-only line that was left out.
    notes: tuple[str, ...] = ()

    def cell_at(self, line: int) -> int | None:
        """The number of the cell that holds ``line`` of :attr:`text` (None: not a notebook)."""
        found = None
        for first, number in self.cells:
            if first > line:
                break
            found = number
        return found


def looks_like_path(text: str) -> bool:
    """Whether a command-line word names a file rather than a demo id."""
    return text.endswith((".py", ".ipynb")) or os.sep in text or text.startswith(".")


def load_script(path: str, argv: tuple[str, ...] = ()) -> Script:
    """A checked :class:`Script` for ``path``; a :class:`ScriptError` line otherwise.

    Refused: a missing path, a directory, a file that is not Python (another extension,
    binary, not UTF-8, not notebook JSON), and code with a syntax error.
    """
    full = os.path.abspath(os.path.expanduser(path))
    if os.path.isdir(full):
        raise ScriptError(f"{quote(path)} is a directory, not a Python script")
    if not os.path.exists(full):
        raise ScriptError(f"no such file: {quote(path)}")
    if not full.endswith((".py", ".ipynb")):
        raise ScriptError(f"{quote(path)} is not a Python script (expected a .py or .ipynb file)")
    script = Script(full, tuple(argv))
    source = read_source(script)
    try:
        compile(source.text, full, "exec", dont_inherit=True)
    except SyntaxError as exc:
        where = f"line {exc.lineno}" if exc.lineno else "somewhere"
        cell = source.cell_at(exc.lineno or 0)
        if cell is not None:
            where = f"cell {cell}, {where} of the cells joined"
        raise ScriptError(f"{quote(path)} has a syntax error ({where}): {exc.msg}") from None
    except ValueError as exc:  # source code string cannot contain null bytes
        raise ScriptError(f"{quote(path)} is not a Python script ({exc})") from None
    return script


def read_source(script: Script) -> ScriptSource:
    """The Python text ``script`` runs (a :class:`ScriptError` if it cannot be read)."""
    try:
        with open(script.path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise ScriptError(f"cannot read {quote(script.path)}: {exc.strerror}") from None
    if b"\0" in data[:SNIFF]:
        raise ScriptError(f"{quote(script.name)} is not a Python script (binary data)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScriptError(f"{quote(script.name)} is not a Python script (not UTF-8 text)") from None
    if script.kind is ScriptKind.NOTEBOOK:
        return notebook_source(text, script.name)
    return ScriptSource(text)


def notebook_source(text: str, name: str = "notebook") -> ScriptSource:
    """The code cells of notebook JSON ``text`` joined into one script."""
    try:
        nb = json.loads(text)
        cells = nb["cells"]
        if not isinstance(cells, list):
            raise TypeError("cells is not a list")
    except (ValueError, KeyError, TypeError):
        raise ScriptError(
            f"{quote(name)} is not a Jupyter notebook (no cells in its JSON)"
        ) from None
    lines: list[str] = []
    starts: list[tuple[int, int]] = []
    notes: list[str] = []
    number = 0
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        number += 1
        source = cell.get("source", "")
        body = "".join(source) if isinstance(source, list) else str(source)
        lines.append(f"# ---- cell [{number}] ----")
        starts.append((len(lines) + 1, number))
        lines.extend(_python_lines(body.splitlines(), number, notes))
        lines.append("")
    return ScriptSource("\n".join(lines) + "\n", tuple(starts), tuple(notes))


def _python_lines(body: list[str], cell: int, notes: list[str]) -> list[str]:
    """A cell's lines, IPython-only ones replaced by ``pass`` with a note."""
    first = body[0].strip() if body else ""
    if first.startswith("%%"):
        magic = first[2:].split(maxsplit=1)[0] if first[2:].strip() else ""
        notes.append(f"cell [{cell}]: skipped {first} (IPython only)")
        if magic not in PYTHON_CELL_MAGICS:  # %%bash, %%html...: the body is no Python
            if len(body) > 1:
                notes[-1] = f"cell [{cell}]: skipped the whole cell ({first}: IPython only)"
            return [f"pass  # skipped: {line}" for line in body]
        body = body[1:]
        out = [f"pass  # skipped: {first}"]
    else:
        out = []
    for line in body:
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            indent = line[: len(line) - len(stripped)]
            out.append(f"{indent}pass  # skipped: {stripped}")
            notes.append(f"cell [{cell}]: skipped {stripped} (IPython only)")
        else:
            out.append(line)
    return out
