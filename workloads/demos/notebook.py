"""Why the notebook's multiprocessing cell printed only "Total time: 0.1".

A notebook kernel runs each cell's code in its ``__main__`` module, which has no file.
Under the ``spawn`` start method a child process is a fresh interpreter: to find its
target it imports the module the function came from. It cannot import the kernel's
``__main__``, so it dies at start-up with ``AttributeError: Can't get attribute ...``.

Here the cell runs the same way: its code is executed in a fresh ``__main__`` module
with no file, and ``multiprocessing`` spawns (always, in this app).
"""

import os
import sys
import tempfile
import time
import types

from workloads.runtime import result


# The fix: the cell's two functions, in a module (this file) that a child can import.
def square_numbers():
    for i in range(5):
        time.sleep(1)
        print(f"Square of {i}: {i * i}", flush=True)


def cube_numbers():
    for i in range(5):
        time.sleep(1.5)
        print(f"Cube of {i}: {i * i * i}", flush=True)


# The lesson's cell, as typed into the notebook.
NOTEBOOK_CELL = """\
import multiprocessing
import time

def square_numbers():
    for i in range(5):
        time.sleep(1)
        print(f"Square of {i}: {i * i}", flush=True)

def cube_numbers():
    for i in range(5):
        time.sleep(1.5)
        print(f"Cube of {i}: {i * i * i}", flush=True)

if __name__ == "__main__":
    start_time = time.time()

    p1 = multiprocessing.Process(target=square_numbers)
    p2 = multiprocessing.Process(target=cube_numbers)

    p1.start()
    p2.start()

    p1.join()
    p2.join()

    end_time = time.time()
    print("Total time:", end_time - start_time)
"""

# The same cell, with the functions imported from a module instead of defined in it.
MODULE_CELL = NOTEBOOK_CELL.replace(
    NOTEBOOK_CELL[NOTEBOOK_CELL.index("def square") : NOTEBOOK_CELL.index("if __name__")],
    "from workloads.demos.notebook import cube_numbers, square_numbers\n\n",
)


def run_cell(code, number):
    """Run ``code`` the way a kernel runs a cell: in a ``__main__`` with no file."""
    kernel_main = types.ModuleType("__main__")
    saved = sys.modules["__main__"]
    sys.modules["__main__"] = kernel_main  # pickle looks functions up here
    try:
        exec(compile(code, f"<cell In[{number}]>", "exec"), kernel_main.__dict__)
    finally:
        sys.modules["__main__"] = saved
    return kernel_main


class ServerConsole:
    """File descriptor 2 of the children: the console the notebook server runs in.

    A child writes its traceback to its own stderr, which it inherits from the kernel
    process (fd 2), not to the cell (a kernel on Windows leaves it there). Here fd 2
    points at a file while the cell runs.
    """

    def __enter__(self):
        self.file = tempfile.TemporaryFile()
        self.saved = os.dup(2)
        os.dup2(self.file.fileno(), 2)
        return self

    def __exit__(self, *exc):
        os.dup2(self.saved, 2)
        os.close(self.saved)

    def text(self):
        self.file.seek(0)
        text = self.file.read().decode("utf-8", "replace")
        self.file.close()
        return text


def last_errors(console_text):
    """The last line of each traceback the children wrote: the error itself."""
    errors = []
    for line in console_text.splitlines():
        is_error = line and not line[0].isspace() and "Error" in line.partition(":")[0]
        if is_error and line not in errors:
            errors.append(line)
    return "; ".join(errors)


def main(params):
    variants = ["notebook", "module"] if params["variant"] == "both" else [params["variant"]]
    for row, variant in enumerate(variants):
        code = NOTEBOOK_CELL if variant == "notebook" else MODULE_CELL
        print(f"--- In [{row + 9}]: the cell, {variant} variant ---")
        with ServerConsole() as console:
            cell = run_cell(code, row + 9)
        error = last_errors(console.text())
        children = [cell.p1, cell.p2]
        ok = sum(1 for p in children if p.exitcode == 0)
        total = cell.end_time - cell.start_time
        for p in children:
            print(f"{p.name} (pid {p.pid}) exit code {p.exitcode}")
        if error:
            print(f"the server's console got: {error}")
        result(
            row,
            {"variant": variant, "children_ok": ok, "total_s": round(total, 2), "error": error},
        )
