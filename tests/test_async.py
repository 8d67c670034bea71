"""``await sign(...)``: same tokens as ``sign_sync``, worker threads, limiter, cancels.

Most tests run under asyncio and trio. :class:`Gate` wraps the signature step
(``SigningJob.signature``, the part the async API runs in a worker thread) to
see which thread runs it, how many run at once, and to hold them mid-flight.
"""

from __future__ import annotations

import asyncio
import math
import os
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

import anyio
import anyio.to_thread
import pytest
import trio

import jwt_async
import jwt_async._async
from jwt_async._core import SigningJob
from jwt_async._keys import PemPrivateKey
from jwt_async.exceptions import InvalidOptionError, JWTError
from tests.helpers import private_key
from tests.test_sync import (
    ERROR_CASE_IDS,
    ERROR_CASES,
    SIGN_CASE_IDS,
    SIGN_CASES,
    ErrorCase,
    SignCase,
    assert_same_error,
    assert_same_token,
    case_named,
    sync_error,
    verified,
)

pytestmark = pytest.mark.anyio

HOLD_TIMEOUT = 10.0
"""How long a held signer waits before failing the test: the loop is stuck."""

RSA_CASE = case_named("rs384-key-object")
THREADED_CASE_IDS = [
    "rs256-pem",
    "rs384-key-object",
    "ps256-pem",
    "es256-pem",
    "es256-key-object",
]
INLINE_CASE_IDS = ["hs256-default", "hs512-registered-claims", "none-unsigned"]


class Gate:
    """Wraps ``SigningJob.signature``: records its threads, and can hold signers.

    Only the signatures the async API sends to a worker thread (RSA, ECDSA)
    count as active and can be held; HMAC and ``none`` pass straight through.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.active = 0
        self.peak = 0
        self.entries = 0
        self.dwell = 0.0
        self.threads: list[int] = []
        self.entered = threading.Event()
        self.opened = threading.Event()
        self.opened.set()

    def install(self, monkeypatch: pytest.MonkeyPatch) -> Gate:
        """Put the gate in front of every signature until the test ends."""
        original = SigningJob.signature

        def signature(job: SigningJob) -> bytes:
            self.threads.append(threading.get_ident())
            if not job.needs_thread:
                return original(job)
            with self._lock:
                self.active += 1
                self.entries += 1
                self.peak = max(self.peak, self.active)
            self.entered.set()
            try:
                if not self.opened.wait(HOLD_TIMEOUT):
                    raise AssertionError("a held signer was never released")
                time.sleep(self.dwell)
                return original(job)
            finally:
                with self._lock:
                    self.active -= 1

        monkeypatch.setattr(SigningJob, "signature", signature)
        return self

    def hold(self) -> None:
        """Make signers wait in their thread until :meth:`release`."""
        self.opened.clear()

    def release(self) -> None:
        """Let held and later signers go on."""
        self.opened.set()


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    """A :class:`Gate` in front of the signature step; released at teardown."""
    installed = Gate().install(monkeypatch)
    yield installed
    installed.release()


@pytest.fixture
def restore_thread_limit() -> Iterator[int]:
    """Put the thread limit back as it was after the test."""
    limit = jwt_async.thread_limit()
    yield limit
    jwt_async.set_thread_limit(limit)


async def until(condition: Callable[[], bool]) -> None:
    """Yield to the event loop until ``condition()`` holds (set by another thread)."""
    with anyio.fail_after(HOLD_TIMEOUT):
        while not condition():  # noqa: ASYNC110 - the condition changes in threads
            await anyio.sleep(0.001)


async def sign_case(case: SignCase) -> str:
    """``await sign`` with the case's input."""
    return await jwt_async.sign(case.payload, case.key, **case.options)


async def rs256(payload: dict[str, Any], **options: Any) -> str:
    """``await sign`` with the shared RSA key object and RS256."""
    return await jwt_async.sign(
        payload, private_key("rsa2048.pem"), algorithm="RS256", **options
    )


def assert_rs256(token: str) -> None:
    """Check ``token`` is an RS256 token PyJWT verifies with the shared RSA key."""
    verified(case_named("rs256-bytes-payload"), token)


# Same tokens as sign_sync


@pytest.mark.usefixtures("frozen_now")
@pytest.mark.parametrize("case", SIGN_CASES, ids=SIGN_CASE_IDS)
async def test_sign_gives_the_token_sign_sync_gives(case: SignCase) -> None:
    """sign matches sign_sync exactly for HS/RS/none and verifiably for PS/ES."""
    reference = jwt_async.sign_sync(case.payload, case.key, **case.options)

    token = await sign_case(case)

    assert_same_token(case, token, reference)
    verified(case, token)


@pytest.mark.parametrize("case", ERROR_CASES, ids=ERROR_CASE_IDS)
async def test_sign_raises_what_sign_sync_raises(case: ErrorCase, gate: Gate) -> None:
    """sign raises sign_sync's class and message, from the worker thread or not."""
    reference = sync_error(case)
    gate.threads.clear()
    jwt_async.clear_key_cache()  # so that a PEM key is loaded in the thread
    loop_thread = threading.get_ident()

    with pytest.raises(JWTError) as caught:
        await jwt_async.sign(case.payload, case.key, **case.options)

    assert_same_error(caught.value, reference)
    if case.in_thread:
        assert len(gate.threads) == 1
        assert gate.threads[0] != loop_thread
    else:
        assert gate.threads == []  # rejected before any signing work


# Worker threads


@pytest.mark.parametrize("name", THREADED_CASE_IDS)
async def test_asymmetric_signing_runs_in_a_worker_thread(
    name: str, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RSA and ECDSA work, PEM loading included, runs off the event loop's thread."""
    load_threads: list[int] = []
    load = PemPrivateKey.load

    def recording_load(pem: PemPrivateKey) -> Any:
        load_threads.append(threading.get_ident())
        return load(pem)

    monkeypatch.setattr(PemPrivateKey, "load", recording_load)
    jwt_async.clear_key_cache()
    case = case_named(name)

    token = await sign_case(case)

    assert len(gate.threads) == 1
    assert gate.threads[0] != threading.get_ident()
    assert load_threads == (gate.threads if isinstance(case.key, str) else [])
    verified(case, token)


async def test_hmac_and_none_never_take_a_thread(
    gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HS* and none sign inline on the loop thread; RS256 makes one thread call."""
    thread_calls: list[Callable[..., object]] = []
    run_sync = anyio.to_thread.run_sync

    async def counting(function: Callable[[], Any], **kwargs: Any) -> Any:
        thread_calls.append(function)
        return await run_sync(function, **kwargs)

    # jwt_async._async calls anyio.to_thread.run_sync through the module.
    monkeypatch.setattr(anyio.to_thread, "run_sync", counting)

    for name in INLINE_CASE_IDS:
        verified(case_named(name), await sign_case(case_named(name)))
    inline_calls = len(thread_calls)
    await rs256({"sub": "42"})

    assert inline_calls == 0
    assert gate.threads[:-1] == [threading.get_ident()] * len(INLINE_CASE_IDS)
    assert gate.threads[-1] != threading.get_ident()
    assert len(thread_calls) == 1


async def test_loop_keeps_ticking_while_eight_rsa_signs_are_in_threads(
    gate: Gate,
) -> None:
    """A heartbeat task ticks while 8 RSA PEM loads and signs are held in threads."""
    jwt_async.clear_key_cache()
    gate.hold()
    tokens: list[str] = []
    busy_ticks = 0

    async def sign_one() -> None:
        tokens.append(await sign_case(case_named("rs256-pem")))

    async with anyio.create_task_group() as group:
        for _ in range(8):
            group.start_soon(sign_one)
        await until(lambda: gate.active > 0)
        while busy_ticks < 10:
            assert gate.active > 0
            busy_ticks += 1
            await anyio.sleep(0.001)
        borrowed = jwt_async.current_limiter().borrowed_tokens
        gate.release()

    assert borrowed == min(8, jwt_async.thread_limit())
    assert len(tokens) == 8
    assert threading.get_ident() not in gate.threads
    for token in tokens:
        verified(case_named("rs256-pem"), token)


# The limiter


async def test_limiter_is_jwt_async_own_with_thread_limit_tokens() -> None:
    """The limiter is not anyio's default one and has thread_limit() tokens."""
    limiter = jwt_async.current_limiter()

    assert limiter is jwt_async.current_limiter()
    assert limiter is not anyio.to_thread.current_default_thread_limiter()
    assert limiter.total_tokens == jwt_async.thread_limit()
    assert limiter.borrowed_tokens == 0


def test_each_event_loop_has_a_limiter_of_its_own() -> None:
    """Two asyncio loops and a trio loop in turn get three different limiters."""

    async def limiter() -> anyio.CapacityLimiter:
        return jwt_async.current_limiter()

    limiters = [asyncio.run(limiter()), asyncio.run(limiter()), trio.run(limiter)]

    assert len({id(limiter) for limiter in limiters}) == 3


def test_thread_limit_defaults_to_twice_the_cpu_count() -> None:
    """Without set_thread_limit the limit is two threads per CPU."""
    assert jwt_async.thread_limit() == 2 * max(1, os.cpu_count() or 1)


@pytest.mark.usefixtures("restore_thread_limit")
async def test_set_thread_limit_resizes_the_running_loops_limiter() -> None:
    """set_thread_limit changes thread_limit() and the running limiter at once."""
    limiter = jwt_async.current_limiter()

    jwt_async.set_thread_limit(5)

    assert jwt_async.thread_limit() == 5
    assert limiter.total_tokens == 5
    assert jwt_async.current_limiter() is limiter


@pytest.mark.usefixtures("restore_thread_limit")
def test_set_thread_limit_applies_to_loops_started_afterwards() -> None:
    """A limit set with no loop running sizes the limiters of later loops."""

    async def tokens() -> float:
        return jwt_async.current_limiter().total_tokens

    jwt_async.set_thread_limit(3)

    assert asyncio.run(tokens()) == 3
    assert trio.run(tokens) == 3


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2", None, math.inf])
def test_set_thread_limit_rejects_anything_but_a_positive_int(bad: Any) -> None:
    """A limit that is not a positive int raises InvalidOptionError; nothing changes."""
    before = jwt_async.thread_limit()

    with pytest.raises(InvalidOptionError) as caught:
        jwt_async.set_thread_limit(bad)

    assert type(caught.value) is InvalidOptionError
    assert caught.value.option == "limit"
    assert jwt_async.thread_limit() == before


@pytest.mark.usefixtures("restore_thread_limit")
@pytest.mark.parametrize("limit", [1, 3])
async def test_no_more_than_thread_limit_threads_sign_at_once(
    limit: int, gate: Gate
) -> None:
    """12 concurrent RSA signs use exactly thread_limit() threads at the peak."""
    jwt_async.set_thread_limit(limit)
    gate.dwell = 0.005
    tokens: list[str] = []

    async def sign_one() -> None:
        tokens.append(await rs256({"sub": "42"}))

    async with anyio.create_task_group() as group:
        for _ in range(12):
            group.start_soon(sign_one)

    assert gate.peak == limit
    assert len(tokens) == 12
    for token in tokens:
        assert_rs256(token)


# Cancellation


def held_sign(gate: Gate, payload: dict[str, Any]) -> Coroutine[Any, Any, str]:
    """Hold the gate; return a coroutine that signs ``payload``, mutating it."""
    gate.hold()
    return rs256(payload, mutate_payload=True)


async def assert_clean_after_cancel(gate: Gate, payload: dict[str, Any]) -> None:
    """Check a cancelled sign left no thread, no token, no claims; a new sign works."""
    assert payload == {"sub": "42"}
    assert gate.active == 0
    assert gate.entries == 1  # the signature was in flight when cancelled
    assert jwt_async.current_limiter().borrowed_tokens == 0

    assert_rs256(await rs256(payload, mutate_payload=True))
    assert set(payload) == {"sub", "iat"}  # so the check above could fail


@pytest.mark.parametrize("how", ["move_on_after", "fail_after", "cancel"])
async def test_cancel_scope_cancels_an_in_flight_sign(how: str, gate: Gate) -> None:
    """A scope cancelled mid-signature raises its cancellation, leaving nothing."""
    payload = {"sub": "42"}
    signing = held_sign(gate, payload)
    scopes: list[anyio.CancelScope] = []
    timed_out = False

    async def cancel_when_in_flight() -> None:
        await until(lambda: gate.active == 1 and bool(scopes))
        if how == "cancel":
            scopes[0].cancel()
        else:
            scopes[0].deadline = anyio.current_time()  # the deadline passes now
        await anyio.sleep(0.01)
        gate.release()

    async with anyio.create_task_group() as group:
        group.start_soon(cancel_when_in_flight)
        try:
            if how == "fail_after":
                with anyio.fail_after(60) as scope:
                    scopes.append(scope)
                    await signing
            else:
                with anyio.move_on_after(60) as scope:
                    scopes.append(scope)
                    await signing
        except TimeoutError:
            timed_out = True

    assert scopes[0].cancelled_caught
    assert timed_out == (how == "fail_after")
    await assert_clean_after_cancel(gate, payload)


@pytest.mark.parametrize("how", ["task_cancel", "asyncio_timeout", "wait_for"])
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_native_asyncio_cancel_waits_for_the_thread_and_its_token(
    how: str, gate: Gate
) -> None:
    """A native asyncio cancel keeps the limiter token until the thread has signed."""
    payload = {"sub": "42"}
    signing = held_sign(gate, payload)

    async def timed() -> str:
        async with asyncio.timeout(0.005):
            return await signing

    if how == "task_cancel":
        task = asyncio.ensure_future(signing)
    elif how == "asyncio_timeout":
        task = asyncio.ensure_future(timed())
    else:
        task = asyncio.ensure_future(asyncio.wait_for(signing, 0.005))
    await until(lambda: gate.active == 1)
    if how == "task_cancel":
        task.cancel()
    await asyncio.sleep(0.05)  # past the timeouts: the cancellation has come
    in_flight = (task.done(), jwt_async.current_limiter().borrowed_tokens)
    gate.release()

    with pytest.raises(
        asyncio.CancelledError if how == "task_cancel" else TimeoutError
    ):
        await task
    assert in_flight == (False, 1)
    await assert_clean_after_cancel(gate, payload)


def test_trio_cancel_scope_cancels_an_in_flight_sign(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A trio.CancelScope cancelled mid-signature ends the sign with no token."""
    gate = Gate().install(monkeypatch)
    payload = {"sub": "42"}
    results: list[str] = []

    async def main() -> None:
        signing = held_sign(gate, payload)
        scope = trio.CancelScope()
        async with trio.open_nursery() as nursery:
            nursery.start_soon(cancel_when_in_flight, scope)
            with scope:
                results.append(await signing)
        assert scope.cancelled_caught
        await assert_clean_after_cancel(gate, payload)

    async def cancel_when_in_flight(scope: trio.CancelScope) -> None:
        await until(lambda: gate.active == 1)
        scope.cancel()
        await trio.sleep(0.01)
        gate.release()

    trio.run(main)

    assert results == []
