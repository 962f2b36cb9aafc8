"""Whether a file can be read within the time and memory budgets, tried in a throwaway process.

Reading a file (decoding it, extracting and cleaning the article) is the costly part of an
import, and what it costs depends on the file: a 4.9 MB page once took 58 s and 1 GB. The file
is first read in a forked child process whose address space is capped at what it had plus
`memory_mb`, and which is killed after `seconds`: a file over either budget is refused with
the reason, and the worker (which never ran out of anything) goes on. The child touches no
database, so killing it can leave nothing half-written; a file within budget is then imported
as usual, in one transaction.

Where processes cannot be forked (not POSIX) there is no trial: every file is imported.
"""

from __future__ import annotations

import json
import os
import resource
import select
import signal
import time
from collections.abc import Callable

from archive.importing.outcomes import Refused


def _rss_limit(extra_mb: int) -> int:
    """The child's address-space cap: what it maps now, plus the budget."""
    with open("/proc/self/statm") as statm:  # noqa: PTH123 - Linux's own accounting
        pages = int(statm.read().split()[0])
    return pages * resource.getpagesize() + extra_mb * 1024 * 1024


def check_within_budget(read: Callable[[], object], *, seconds: float, memory_mb: int) -> None:
    """Run `read()` in a child process; Refused when it takes too long or too much memory.

    `read` raising Refused (or anything else) is not judged here: the import that follows
    meets the same error and reports it as it always does.
    """
    if not hasattr(os, "fork"):
        return
    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: read, say how it went, and leave without any clean-up
        os.close(readable)
        status = "done"
        try:
            try:
                resource.setrlimit(resource.RLIMIT_AS, (_rss_limit(memory_mb),) * 2)
            except (OSError, ValueError):
                pass
            read()
        except MemoryError:
            status = "memory"
        except BaseException:  # noqa: BLE001,S110 - the real import reports it
            status = "done"
        try:
            os.write(writable, json.dumps(status).encode())
        finally:
            os._exit(0)
    os.close(writable)
    try:
        status = _wait(readable, pid, seconds)
    finally:
        os.close(readable)
    if status == "time":
        raise Refused(f"takes too long to read (over the limit of {seconds:g} s)")
    if status == "memory":
        raise Refused(f"needs too much memory to read (over the limit of {memory_mb} MB)")
    if status == "crashed":
        raise Refused("could not be read: the reader stopped (probably out of memory)")


def _wait(readable: int, pid: int, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    message = b""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "time"
        ready, _, _ = select.select([readable], [], [], left)
        if ready:
            chunk = os.read(readable, 1024)
            if chunk:
                message += chunk
                continue
            # The pipe closed: the child has finished (or died).
            _, code = os.waitpid(pid, 0)
            if message:
                return json.loads(message)
            return "crashed" if code else "done"
