"""Memory stays flat over long runs: every cache is bounded."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from pathlib import Path

import pytest

import jwt_async
from jwt_async import _key_cache

STATM = Path("/proc/self/statm")
pytestmark = pytest.mark.skipif(not STATM.exists(), reason="needs /proc (Linux)")


def resident_kib() -> int:
    """Return this process's resident set size in KiB."""
    pages = int(STATM.read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


def growth_kib(sign: Callable[[int], object], count: int) -> int:
    """Sign ``count`` tokens after a warm-up; return the RSS growth of the 2nd half."""
    for number in range(count // 10):
        sign(number)
    half = count // 2
    for number in range(half):
        sign(number)
    gc.collect()
    middle = resident_kib()
    for number in range(half, count):
        sign(number)
    gc.collect()
    return resident_kib() - middle


def test_100000_signatures_leave_memory_flat() -> None:
    """100,000 HS256 tokens in a loop: the second half grows RSS by < 1 MiB."""
    growth = growth_kib(
        lambda n: jwt_async.sign_sync({"n": n}, "a-long-enough-secret-0123456789"),
        100_000,
    )
    assert growth < 1024


def test_100000_different_secrets_stay_within_the_cache_bound() -> None:
    """A new secret for each of 100,000 tokens: the secret memory stays bounded."""
    growth = growth_kib(
        lambda n: jwt_async.sign_sync({"n": n}, f"secret-number-{n:012d}"), 100_000
    )
    assert growth < 1024
    assert len(_key_cache.secrets) <= 64


def test_different_pem_keys_stay_within_the_cache_bound() -> None:
    """A new EC key for each of 500 tokens: at most the cache size is kept."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pems = [
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        for _ in range(500)
    ]
    growth = growth_kib(
        lambda n: jwt_async.sign_sync({}, pems[n % 500], algorithm="ES256"), 1_000
    )
    assert growth < 1024
    assert len(_key_cache._entries) <= jwt_async.key_cache_size()
