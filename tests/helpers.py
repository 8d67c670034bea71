"""Helpers shared by the tests: the committed test keys and the frozen time."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from jwt_async._encoding import b64url

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


def _b64_int(value: int, size: int | None = None) -> str:
    length = size or max(1, (value.bit_length() + 7) // 8)
    return b64url(value.to_bytes(length, "big"))


def private_jwk(key: object) -> dict[str, str]:
    """Write a private JWK of ``key`` with cryptography's numbers, independently."""
    if isinstance(key, rsa.RSAPrivateKey):
        n = key.private_numbers()
        return {
            "kty": "RSA",
            "n": _b64_int(n.public_numbers.n),
            "e": _b64_int(n.public_numbers.e),
            "d": _b64_int(n.d),
            "p": _b64_int(n.p),
            "q": _b64_int(n.q),
            "dp": _b64_int(n.dmp1),
            "dq": _b64_int(n.dmq1),
            "qi": _b64_int(n.iqmp),
        }
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    size = (key.curve.key_size + 7) // 8
    numbers = key.private_numbers()
    crv = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}.get(
        key.curve.name, "secp256k1"
    )
    return {
        "kty": "EC",
        "crv": crv,
        "x": _b64_int(numbers.public_numbers.x, size),
        "y": _b64_int(numbers.public_numbers.y, size),
        "d": _b64_int(numbers.private_value, size),
    }
