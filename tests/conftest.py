"""Shared fixtures: a frozen clock and the async backends."""

from __future__ import annotations

from collections.abc import Iterator

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
