"""Batched worker threads: fewer hops than signatures, nothing lost or stuck."""

from __future__ import annotations

from collections.abc import Iterator

import anyio
import anyio.to_thread
import jwt
import pytest

import jwt_async
from jwt_async import _workers
from tests.helpers import private_key

pytestmark = pytest.mark.anyio


@pytest.fixture
def one_thread() -> Iterator[None]:
    """Run the test with a thread limit of 1, then restore the limit."""
    before = jwt_async.thread_limit()
    jwt_async.set_thread_limit(1)
    yield
    jwt_async.set_thread_limit(before)


@pytest.mark.usefixtures("one_thread")
async def test_concurrent_signatures_share_thread_hops(
    thread_hops: list[object],
) -> None:
    """24 concurrent RS256 signs take a handful of hops, each token its own."""
    key = private_key("rsa2048.pem")
    tokens: dict[int, str] = {}

    async def one(index: int) -> None:
        tokens[index] = await jwt_async.sign(
            {"n": index}, key, algorithm="RS256", jwtid=f"id-{index}"
        )

    async with anyio.create_task_group() as group:
        for index in range(24):
            group.start_soon(one, index)
    assert len(thread_hops) <= 24 // _workers.MAX_BATCH + 2
    public = key.public_key()
    for index, token in tokens.items():
        claims = jwt.decode(token, public, algorithms=["RS256"])
        assert (claims["n"], claims["jti"]) == (index, f"id-{index}")
    queue = _workers._current_queue()
    assert (queue.leaders, len(queue.tickets)) == (0, 0)


@pytest.mark.usefixtures("one_thread")
async def test_cancelled_waiters_leave_the_queue() -> None:
    """Queued signs cancelled by a timeout leave nothing behind; others finish."""
    key = private_key("rsa2048.pem")
    finished: list[str] = []
    cancelled: list[int] = []

    async def one(index: int, patience: float) -> None:
        with anyio.move_on_after(patience) as scope:
            finished.append(await jwt_async.sign({"n": index}, key, algorithm="RS256"))
        if scope.cancelled_caught:
            cancelled.append(index)

    async with anyio.create_task_group() as group:
        for index in range(40):
            group.start_soon(one, index, 0.0 if index % 2 else 30.0)
    assert len(finished) + len(cancelled) == 40
    assert len(finished) >= 20
    queue = _workers._current_queue()
    assert (queue.leaders, len(queue.tickets)) == (0, 0)
    assert jwt_async.current_limiter().borrowed_tokens == 0
    token = await jwt_async.sign({}, key, algorithm="RS256")
    assert jwt.decode(token, key.public_key(), algorithms=["RS256"])


async def test_errors_reach_only_their_own_task() -> None:
    """In one batch, a job that fails does not fail its neighbours."""
    key = private_key("rsa2048.pem")
    small = private_key("rsa512.pem")
    outcomes: dict[int, object] = {}

    async def one(index: int) -> None:
        signing_key = small if index % 3 == 0 else key
        try:
            outcomes[index] = await jwt_async.sign(
                {}, signing_key, algorithm="RS512", allow_insecure_key_sizes=True
            )
        except jwt_async.InvalidKeyError as exc:
            outcomes[index] = exc

    async with anyio.create_task_group() as group:
        for index in range(12):
            group.start_soon(one, index)
    for index, outcome in outcomes.items():
        if index % 3 == 0:
            assert isinstance(outcome, jwt_async.InvalidKeyError)
        else:
            assert isinstance(outcome, str)
