"""Many signs at once: 10,000 concurrent awaits, thousands of random cancels.

Loaded key objects keep these fast: the point is the scheduling, not PEM
parsing. The :class:`~tests.test_async.Gate` counts the signatures running in
worker threads at once.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from typing import Any

import anyio
import anyio.lowlevel
import jwt
import pytest

import jwt_async
from tests.helpers import key_text, private_key
from tests.test_async import Gate
from tests.test_sync import SECRET, public_of

pytestmark = pytest.mark.anyio

CONCURRENT = 10_000
CANCELLED = 2_000

RSA_KEY = private_key("rsa2048.pem")
SIGNERS: list[tuple[str, Any, Any]] = [
    ("HS256", SECRET, SECRET),
    ("RS256", RSA_KEY, public_of("rsa2048.pem")),
    ("HS256", SECRET.encode(), SECRET.encode()),
    ("ES256", private_key("ec_p256.pem"), public_of("ec_p256.pem")),
]


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    """A :class:`Gate` in front of the signature step."""
    installed = Gate().install(monkeypatch)
    yield installed
    installed.release()


async def test_10000_concurrent_signs_each_get_their_own_verifiable_token(
    gate: Gate,
) -> None:
    """10,000 concurrent HS256/RS256/ES256 signs each get their own jti, verified."""
    limiter = jwt_async.current_limiter()
    tokens: dict[int, str] = {}
    over_limit: list[float] = []
    most_borrowed = 0.0

    async def sign_one(number: int) -> None:
        alg, key, _ = SIGNERS[number % len(SIGNERS)]
        tokens[number] = await jwt_async.sign(
            {"n": number}, key, algorithm=alg, jwtid=f"job-{number}"
        )

    async def watch_limiter() -> None:
        nonlocal most_borrowed
        while len(tokens) < CONCURRENT:
            borrowed = limiter.borrowed_tokens
            most_borrowed = max(most_borrowed, borrowed)
            if borrowed > limiter.total_tokens:
                over_limit.append(borrowed)
            await anyio.lowlevel.checkpoint()

    with anyio.fail_after(60):
        async with anyio.create_task_group() as group:
            group.start_soon(watch_limiter)
            for number in range(CONCURRENT):
                group.start_soon(sign_one, number)

    assert over_limit == []
    assert 0 < most_borrowed <= limiter.total_tokens
    assert 0 < gate.peak <= jwt_async.thread_limit()
    assert gate.entries == CONCURRENT // 2  # every RS256 and ES256, no HS256
    assert limiter.borrowed_tokens == 0
    for number, token in tokens.items():
        alg, _, verify_key = SIGNERS[number % len(SIGNERS)]
        claims = jwt.decode(token, verify_key, algorithms=[alg])
        assert (claims["jti"], claims["n"]) == (f"job-{number}", number)


async def test_thousands_of_random_cancellations_leave_nothing_behind(
    anyio_backend: str, gate: Gate
) -> None:
    """2,000 RSA signs cancelled at seeded random points: none leaks or half-signs."""
    rng = random.Random(20240607)
    gate.dwell = 0.0005  # widen the window in which a signature is in flight
    limiter = jwt_async.current_limiter()
    outcomes: dict[int, str] = {}
    pem = key_text("rsa2048.pem")

    async def sign_one(number: int, payload: dict[str, Any]) -> None:
        key = pem if number % 10 == 0 else RSA_KEY
        token = await jwt_async.sign(
            payload, key, algorithm="RS256", jwtid=str(number), mutate_payload=True
        )
        claims = jwt.decode(token, public_of("rsa2048.pem"), algorithms=["RS256"])
        assert claims["jti"] == str(number)
        outcomes[number] = "signed"

    async def with_deadline(number: int, payload: dict[str, Any]) -> None:
        with anyio.move_on_after(rng.uniform(0, 0.01)):
            await sign_one(number, payload)

    async def with_task_cancel(number: int, payload: dict[str, Any]) -> None:
        task = asyncio.ensure_future(sign_one(number, payload))
        for _ in range(rng.randrange(30)):
            await asyncio.sleep(0)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass

    async def run(number: int) -> None:
        payload = {"n": number}
        draw = rng.random()
        if draw < 0.25:
            await sign_one(number, payload)  # never cancelled
        elif draw < 0.6 and anyio_backend == "asyncio":
            await with_task_cancel(number, payload)
        else:
            await with_deadline(number, payload)
        signed = outcomes.setdefault(number, "cancelled") == "signed"
        assert set(payload) == ({"n", "iat", "jti"} if signed else {"n"})

    jwt_async.clear_key_cache()
    with anyio.fail_after(60):
        async with anyio.create_task_group() as group:
            for number in range(CANCELLED):
                group.start_soon(run, number)
                if rng.random() < 0.3:
                    await anyio.lowlevel.checkpoint()

    results = list(outcomes.values())
    assert len(results) == CANCELLED
    assert results.count("cancelled") >= CANCELLED // 8
    assert results.count("signed") >= 50
    assert gate.active == 0
    assert gate.peak <= jwt_async.thread_limit()
    assert limiter.borrowed_tokens == 0
    claims = jwt.decode(
        await jwt_async.sign({"after": True}, RSA_KEY, algorithm="RS256"),
        public_of("rsa2048.pem"),
        algorithms=["RS256"],
    )
    assert claims["after"] is True
