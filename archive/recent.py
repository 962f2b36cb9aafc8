"""A function's last few results, kept as `functools.lru_cache(maxsize)` keeps them, that can also
be told a result of the same function worked out in a fork of this process.

The importer's reader processes (archive.importing.reading) work out a file's text and its
analysis; the process that writes the article asks for them again when it saves it
(Article.prepare). Handed over with `remember`, they are not worked out twice.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

Argument = TypeVar("Argument")
Result = TypeVar("Result")


class Recent(Generic[Argument, Result]):
    """`function`'s results for its last `size` arguments (one hashable argument)."""

    def __init__(self, function: Callable[[Argument], Result], size: int) -> None:
        functools.update_wrapper(self, function)
        self._function = function
        self._size = size
        self._results: OrderedDict[Argument, Result] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, argument: Argument) -> Result:
        with self._lock:
            if argument in self._results:
                self._results.move_to_end(argument)
                return self._results[argument]
        result = self._function(argument)
        self.remember(argument, result)
        return result

    def remember(self, argument: Argument, result: Result) -> None:
        """Keep `result` as the function's for `argument`: only a result this same function
        gave (in this process, or in a fork of it), never one from anywhere else."""
        with self._lock:
            self._results[argument] = result
            self._results.move_to_end(argument)
            while len(self._results) > self._size:
                self._results.popitem(last=False)

    def cache_clear(self) -> None:
        with self._lock:
            self._results.clear()


def recent(size: int) -> Callable[[Callable[[Argument], Result]], Recent[Argument, Result]]:
    """Decorate a function of one argument to keep its last `size` results (see `Recent`)."""
    return lambda function: Recent(function, size)
