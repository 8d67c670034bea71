"""Shared fixtures: a frozen clock and the async backends."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio.to_thread
import pytest

import jwt_async._claims
from tests.helpers import FROZEN_NOW


@pytest.fixture
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """Freeze the clock jwt_async reads for ``iat`` at :data:`FROZEN_NOW`."""
    monkeypatch.setattr(jwt_async._claims, "now_seconds", lambda: FROZEN_NOW)
    yield FROZEN_NOW


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Run every ``@pytest.mark.anyio`` test under asyncio and under trio."""
    return str(request.param)


@pytest.fixture
def thread_hops(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record every call into ``anyio.to_thread.run_sync``: one per thread hop."""
    calls: list[object] = []
    original = anyio.to_thread.run_sync

    async def counting(func: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(func)
        return await original(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counting)
    return calls
