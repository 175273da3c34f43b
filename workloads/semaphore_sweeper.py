"""Named semaphores a run left in ``/dev/shm``: found while it lives, removed after.

Under ``spawn`` and ``forkserver``, multiprocessing's locks and queues (a pool has
several) are named POSIX semaphores: files ``/dev/shm/sem.mp-XXXXXXXX`` that outlive
the processes that made them. Normally the run's resource tracker unlinks the ones
nobody cleaned up, once the rest of the run is gone. But the tracker runs at the run's
nice 19: on a machine saturated by other work it may not get a core before the
session's grace ends and kills it, and the files then stay until the next reboot.

So the session keeps a :class:`SemaphoreSweeper`. While the run lives, whenever a
``sem.mp-*`` file it has not looked at appears in ``/dev/shm``, it reads the memory
maps of the run's processes (``/proc/PID/maps``) and keeps the inode of every
``/dev/shm`` file they map. Once every process of the run is gone, :meth:`sweep`
unlinks each ``sem.mp-*`` file whose inode is one of those: only what the run's own
processes mapped, never another program's semaphore.

Why inodes and not names: glibc makes a semaphore under a temporary name, maps it, then
links it to its real name and removes the temporary one. The creator's map shows that
temporary name ("(deleted)"); only the inode says which file it is. It also means a
name that is visible is already mapped by its creator, so one look finds it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable

SHM_DIR = "/dev/shm"
#: multiprocessing's names: what its resource tracker would unlink (a semaphore another
#: library made to outlive its process is left alone, whoever mapped it).
PREFIX = "sem.mp-"


def shm_inodes_mapped_by(pid: int, device: tuple[int, int], shm_dir: str = SHM_DIR) -> set[int]:
    """Inodes of the files under ``shm_dir`` (on ``device``) that process ``pid`` maps."""
    found: set[int] = set()
    marker = " " + shm_dir + "/"
    try:
        with open(f"/proc/{pid}/maps") as f:
            for line in f:
                if marker not in line:
                    continue
                # address perms offset major:minor inode path
                fields = line.split(maxsplit=5)
                major, _, minor = fields[3].partition(":")
                if (int(major, 16), int(minor, 16)) == device:
                    found.add(int(fields[4]))
    except (OSError, ValueError, IndexError):
        pass  # gone, or not ours to read: it maps nothing we could learn
    return found


class SemaphoreSweeper:
    """Learns which named semaphores a run's processes map, and removes the leftovers.

    Thread-safe: the session looks from its follow thread and from :meth:`cancel`'s.
    """

    def __init__(self, shm_dir: str = SHM_DIR, prefix: str = PREFIX) -> None:
        self.shm_dir = shm_dir
        self.prefix = prefix
        self._lock = threading.Lock()
        self._device = _device_of(shm_dir)
        #: Inodes of shm files a process of the run mapped.
        self._ours: set[int] = set()
        #: (name, inode) of every semaphore file already looked for in the maps.
        self._seen: set[tuple[str, int]] = set()

    @property
    def known(self) -> frozenset[int]:
        """Inodes of the files the run's processes were seen to map."""
        with self._lock:
            return frozenset(self._ours)

    def look(self, pids: Callable[[], Iterable[int]]) -> None:
        """If a semaphore file appeared since the last look, read the maps of ``pids()``
        (the run's live processes). Cheap when nothing appeared: one directory read."""
        if self._device is None:
            return
        with self._lock:
            new = self._unseen()
            if not new:
                return
            for pid in pids():
                self._ours |= shm_inodes_mapped_by(pid, self._device, self.shm_dir)
            self._seen |= new

    def sweep(self) -> list[str]:
        """Unlink every semaphore file the run mapped that is still there; their names.

        Call it once no process of the run is left (the files are still in use before).
        """
        removed: list[str] = []
        with self._lock:
            if not self._ours:
                return removed
            for name, inode in self._files():
                if inode in self._ours:
                    try:
                        os.unlink(os.path.join(self.shm_dir, name))
                    except OSError:
                        continue  # the tracker got there first
                    removed.append(name)
        return removed

    def _unseen(self) -> set[tuple[str, int]]:
        return {f for f in self._files() if f not in self._seen}

    def _files(self) -> list[tuple[str, int]]:
        """(name, inode) of the semaphore files with our prefix (inodes need no stat)."""
        try:
            with os.scandir(self.shm_dir) as entries:
                return [(e.name, e.inode()) for e in entries if e.name.startswith(self.prefix)]
        except OSError:
            return []


def _device_of(path: str) -> tuple[int, int] | None:
    """``path``'s device as (major, minor), as /proc/PID/maps writes it; None without it
    (no /dev/shm, or no /proc: then there is nothing to find)."""
    if not os.path.isdir("/proc/self"):
        return None
    try:
        dev = os.stat(path).st_dev
    except OSError:
        return None
    return os.major(dev), os.minor(dev)
