"""Maps of the few entries used last, for a process's threads to share.

`RecentMap` is a map bounded to the entries used last (the page cache's copies and counts of
requests, archive/page_cache.py). `recent(size)` keeps a function's last results in one, as
`functools.lru_cache(maxsize)` keeps them, and can also be told a result of the same function
worked out in a fork of this process: the importer's reader processes
(archive.importing.reading) work out a file's text and its analysis, and the process that
writes the article asks for them again when it saves it (Article.prepare); handed over with
`remember`, they are not worked out twice.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

Argument = TypeVar("Argument")
Result = TypeVar("Result")

_MISSING = object()


class RecentMap:
    """A map bounded to the `limit()` entries used last (read at each write, so a setting can
    change), with a lock for this process's threads to share it."""

    def __init__(self, limit: Callable[[], int]) -> None:
        self.entries: OrderedDict = OrderedDict()
        self.lock = threading.Lock()
        self.limit = limit

    def get(self, key, default=None):
        """The value kept for `key` (now the most recent), or `default`."""
        with self.lock:
            value = self.entries.get(key, _MISSING)
            if value is _MISSING:
                return default
            self.entries.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self.lock:
            self.put_locked(key, value)

    def put_locked(self, key, value) -> None:
        """Keep `value` as the most recent; with the lock held."""
        self.entries[key] = value
        self.entries.move_to_end(key)
        while len(self.entries) > self.limit():
            self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


class Recent(Generic[Argument, Result]):
    """`function`'s results for its last `size` arguments (one hashable argument)."""

    def __init__(self, function: Callable[[Argument], Result], size: int) -> None:
        functools.update_wrapper(self, function)
        self._function = function
        self._results = RecentMap(lambda: size)

    def __call__(self, argument: Argument) -> Result:
        result = self._results.get(argument, _MISSING)
        if result is _MISSING:
            result = self._function(argument)
            self._results.put(argument, result)
        return result

    def remember(self, argument: Argument, result: Result) -> None:
        """Keep `result` as the function's for `argument`: only a result this same function
        gave (in this process, or in a fork of it), never one from anywhere else."""
        self._results.put(argument, result)

    def cache_clear(self) -> None:
        self._results.clear()


def recent(size: int) -> Callable[[Callable[[Argument], Result]], Recent[Argument, Result]]:
    """Decorate a function of one argument to keep its last `size` results (see `Recent`)."""
    return lambda function: Recent(function, size)
