"""The worker-thread limit of the async API.

jwt_async keeps its own :class:`anyio.CapacityLimiter` rather than anyio's
process-wide default one, so that a burst of signatures neither starves other
``to_thread`` users nor takes far more threads than there are cores to run
them.
The limiter is per event loop (an anyio ``RunVar``), so asyncio and trio
loops in one process never share one.
"""

from __future__ import annotations

import os

from anyio import CapacityLimiter
from anyio.lowlevel import RunVar

from ._encoding import shown
from .exceptions import InvalidOptionError

_limiter: RunVar[CapacityLimiter] = RunVar("jwt_async_limiter")
# Two per core, measured: on 2 cores, 200 concurrent RS256 signs ran at 1.3x
# one thread's rate with 4 workers (heartbeat p99 1.6 ms), 1.17x with 2
# (p99 1.3 ms); the workers yield between signatures, so the extra ones do not
# hold the loop back. anyio's default of 40 gave p99 8-14 ms for no gain.
_thread_limit = 2 * max(1, os.cpu_count() or 1)


def thread_limit() -> int:
    """Return the number of worker threads the async API may use per event loop.

    The default is twice the number of CPUs.
    """
    return _thread_limit


def set_thread_limit(limit: int) -> None:
    """Set how many worker threads the async API may use per event loop.

    Takes effect at once for the running loop's limiter, if any, and for every
    loop started afterwards.

    :raises InvalidOptionError: ``limit`` is not a positive integer.
    """
    global _thread_limit
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InvalidOptionError(
            f"thread limit must be a positive integer, not {shown(limit)}",
            option="limit",
        )
    _thread_limit = limit
    try:
        _limiter.get().total_tokens = limit
    except (LookupError, RuntimeError):
        pass  # no event loop is running, or it has not made its limiter yet


def current_limiter() -> CapacityLimiter:
    """Return the running event loop's jwt_async limiter, making it on first use.

    :raises RuntimeError: no event loop that anyio supports is running in this
        thread (anyio's ``NoEventLoopError``): like ``asyncio.get_running_loop``,
        this is a misuse of the call, not bad input.
    """
    try:
        return _limiter.get()
    except LookupError:
        limiter = CapacityLimiter(_thread_limit)
        _limiter.set(limiter)
        return limiter
