"""Helpers shared by the tests: the committed test keys and the frozen time."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key

KEYS = Path(__file__).parent / "keys"
FROZEN_NOW = 1_700_000_000
"""The time ``iat`` gets in tests that freeze the clock (the Node vectors' too)."""


def key_text(name: str) -> str:
    """Return the text of a committed test key file."""
    return (KEYS / name).read_text(encoding="ascii")


@cache
def private_key(name: str) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    """Return a committed test key, loaded (and cached: RSA loading is slow)."""
    pem = (KEYS / name).read_bytes()
    password = b"correct horse" if b"ENCRYPTED" in pem else None
    key = load_pem_private_key(pem, password)
    assert isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey)
    return key
