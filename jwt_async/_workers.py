"""Worker threads for the async API: batches of signatures, one hop each.

A thread hop through ``anyio.to_thread`` costs about as much loop time as an
ECDSA signature, and each finished hop wakes the event loop. Under load, tasks
that want a signature therefore queue here, and at most ``thread_limit()``
leaders at a time each take a batch from the queue and sign it in one worker
thread: the loop pays one hop and one wake-up per batch, while the signing
itself (which releases the GIL) keeps every core busy.

A waiting task that is cancelled leaves the queue; one whose job is already
in a running batch returns at once and its signature is dropped. A leader
always waits for its thread, so no more threads run than the limit allows.
"""

from __future__ import annotations

import asyncio
import enum
import math
import os
from collections import deque
from collections.abc import Callable

import anyio
import anyio.lowlevel
import anyio.to_thread
from anyio import CapacityLimiter

from ._core import SigningJob
from ._limits import current_limiter

# Eight RSA-2048 signatures take about 2.5 ms: a waiting task never waits
# long for its batch, and the hop's cost is spread over the eight.
MAX_BATCH = 8


class _State(enum.Enum):
    QUEUED = enum.auto()
    PROMOTED = enum.auto()
    CLAIMED = enum.auto()
    DONE = enum.auto()


class _Ticket:
    """One signature to make, and where its outcome goes."""

    __slots__ = ("error", "job", "signature", "state", "wake")

    def __init__(self, job: SigningJob) -> None:
        self.job = job
        self.wake = anyio.Event()
        self.state = _State.QUEUED
        self.signature = b""
        self.error: BaseException | None = None

    def outcome(self) -> bytes:
        if self.error is not None:
            raise self.error
        return self.signature


class _Queue:
    """The signatures waiting for a worker thread in one event loop."""

    __slots__ = ("leaders", "tickets")

    def __init__(self) -> None:
        self.tickets: deque[_Ticket] = deque()
        self.leaders = 0


_queue: anyio.lowlevel.RunVar[_Queue] = anyio.lowlevel.RunVar("jwt_async_queue")


async def sign_in_worker(job: SigningJob) -> bytes:
    """Return the signature of ``job``, made in a worker thread.

    :raises JWTError: whatever the signature raised.
    """
    queue = _current_queue()
    ticket = _Ticket(job)
    if not queue.tickets and queue.leaders < current_limiter().total_tokens:
        # Nobody waits and a thread is free: lead at once, with no wake-up.
        ticket.state = _State.PROMOTED
        queue.leaders += 1
        return await _lead(queue, ticket)
    queue.tickets.append(ticket)
    _promote(queue)
    try:
        await ticket.wake.wait()
    except BaseException:
        _abandon(queue, ticket)
        raise
    if ticket.state is _State.PROMOTED:
        return await _lead(queue, ticket)
    return ticket.outcome()


def _promote(queue: _Queue) -> None:
    limit = current_limiter().total_tokens
    while queue.leaders < limit and queue.tickets:
        ticket = queue.tickets.popleft()
        ticket.state = _State.PROMOTED
        queue.leaders += 1
        ticket.wake.set()


def _abandon(queue: _Queue, ticket: _Ticket) -> None:
    if ticket.state is _State.QUEUED:
        queue.tickets.remove(ticket)
    elif ticket.state is _State.PROMOTED:
        queue.leaders -= 1
        _promote(queue)
    # A claimed ticket's batch runs on; its signature is dropped.


async def _lead(queue: _Queue, ticket: _Ticket) -> bytes:
    batch = [ticket]
    while queue.tickets and len(batch) < MAX_BATCH:
        batch.append(queue.tickets.popleft())
    for claimed in batch:
        claimed.state = _State.CLAIMED
    try:
        await _in_worker_thread(lambda: _sign_batch(batch))
    finally:
        queue.leaders -= 1
        _hand_out(queue, batch[1:])
        _promote(queue)
    return ticket.outcome()


def _sign_batch(batch: list[_Ticket]) -> None:
    for ticket in batch:
        try:
            ticket.signature = ticket.job.signature()
        except Exception as exc:
            ticket.error = exc
        ticket.state = _State.DONE
        # Hand the core over between two signatures: when every core signs,
        # an event loop that wakes up would otherwise wait for a time slice to
        # end (about 3 ms at the 99th percentile on 2 cores); with this, at
        # most one signature (0.3 ms for RSA-2048). It costs nothing when no
        # other thread is waiting.
        _yield_core()


_yield_core: Callable[[], None] = getattr(os, "sched_yield", lambda: None)


def _hand_out(queue: _Queue, others: list[_Ticket]) -> None:
    unsigned = [ticket for ticket in others if ticket.state is not _State.DONE]
    # A leader cancelled before its thread started leaves its batch unsigned:
    # back to the front of the queue, in order, for the next leader.
    for ticket in reversed(unsigned):
        ticket.state = _State.QUEUED
        queue.tickets.appendleft(ticket)
    for ticket in others:
        if ticket.state is _State.DONE:
            ticket.wake.set()


def _current_queue() -> _Queue:
    try:
        return _queue.get()
    except LookupError:
        queue = _Queue()
        _queue.set(queue)
        return queue


# Under asyncio the limiter token is held by the awaiting task itself, and the
# thread call borrows from this per-loop limiter, which never makes it wait.
_unlimited: anyio.lowlevel.RunVar[CapacityLimiter] = anyio.lowlevel.RunVar(
    "jwt_async_unlimited"
)


async def _in_worker_thread(compute: Callable[[], None]) -> None:
    limiter = current_limiter()
    if _running_asyncio_task() is None:
        # Trio: cancel scopes cannot interrupt a thread call that is not
        # abandoned on cancel, so it keeps its token to the end. But trio then
        # returns the result of the call even if a cancellation came while it
        # ran; raise that here, so that a cancelled sign gives no token and
        # leaves a mutate_payload mapping alone, as under asyncio.
        await anyio.to_thread.run_sync(compute, limiter=limiter)
        await anyio.lowlevel.checkpoint_if_cancelled()
        return

    # anyio shields a thread call from its own cancel scopes only: a native
    # cancellation (Task.cancel, asyncio.timeout, wait_for) ends the call at
    # once and frees its limiter token while the thread still signs, so more
    # threads than the limit could run. Hence the token is taken here and the
    # call runs as a task of its own, whose end is awaited whatever happens.
    async with limiter:
        call = anyio.to_thread.run_sync(compute, limiter=_unlimited_limiter())
        await _outlast_cancellation(asyncio.ensure_future(call))


async def _outlast_cancellation(work: asyncio.Future[None]) -> None:
    cancelled: asyncio.CancelledError | None = None
    while not work.done():
        try:
            await asyncio.wait((work,))
        except asyncio.CancelledError as exc:
            cancelled = cancelled or exc
    if cancelled is not None:
        if not work.cancelled():
            work.exception()  # seen, so asyncio does not log it as lost
        raise cancelled
    work.result()


def _running_asyncio_task() -> asyncio.Task[object] | None:
    try:
        return asyncio.current_task()
    except RuntimeError:
        return None  # no asyncio event loop in this thread


def _unlimited_limiter() -> CapacityLimiter:
    try:
        return _unlimited.get()
    except LookupError:
        limiter = CapacityLimiter(math.inf)
        _unlimited.set(limiter)
        return limiter
