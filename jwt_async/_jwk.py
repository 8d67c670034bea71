"""JSON Web Keys (RFC 7517, 7518 §6, 8037): reading private JWKs, writing public
ones, and RFC 7638 thumbprints."""

from __future__ import annotations

import binascii
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

from ._algorithms import AsymmetricKey
from ._encoding import b64url, shown
from .exceptions import InvalidKeyError

# JWK "crv" names (RFC 7518 §6.2.1.1, RFC 8812 §3.1) and their curves.
_EC_CURVES: dict[str, ec.EllipticCurve] = {
    "P-256": ec.SECP256R1(),
    "P-384": ec.SECP384R1(),
    "P-521": ec.SECP521R1(),
    "secp256k1": ec.SECP256K1(),
}
_EC_NAMES = {curve.name: crv for crv, curve in _EC_CURVES.items()}
_OKP_KEYS: dict[str, type[ed25519.Ed25519PrivateKey] | type[ed448.Ed448PrivateKey]] = {
    "Ed25519": ed25519.Ed25519PrivateKey,
    "Ed448": ed448.Ed448PrivateKey,
}

# RFC 7638 §3.2: the members a thumbprint covers, for each key type.
_REQUIRED_MEMBERS = {
    "RSA": ("e", "kty", "n"),
    "EC": ("crv", "kty", "x", "y"),
    "OKP": ("crv", "kty", "x"),
    "oct": ("k", "kty"),
}


def parse_jwk_text(data: bytes) -> dict[str, Any] | None:
    """Return the JWK that ``data`` holds as JSON text, or None if it holds none."""
    data = data.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte order mark
    if not data.lstrip().startswith(b"{"):
        return None
    try:
        parsed = json.loads(data)
    except (ValueError, RecursionError):
        return None
    return parsed if isinstance(parsed, dict) and "kty" in parsed else None


def jwk_declared_alg(jwk: Mapping[str, Any]) -> str | None:
    """Return the JWK's ``alg``, after refusing a JWK not meant for signing.

    The caller checks the algorithm itself, on every use of the key.

    :raises InvalidKeyError: ``alg`` is not a string, ``use`` is not ``sig``,
        or ``key_ops`` lacks ``sign`` (RFC 7517 §4.2-4.4).
    """
    declared = jwk.get("alg")
    if declared is not None and not isinstance(declared, str):
        raise InvalidKeyError('the JWK\'s "alg" must be a string')
    if jwk.get("use", "sig") != "sig":
        raise InvalidKeyError('the JWK\'s "use" is not "sig"')
    operations = jwk.get("key_ops")
    if operations is not None and (
        not isinstance(operations, list) or "sign" not in operations
    ):
        raise InvalidKeyError('the JWK\'s "key_ops" do not allow "sign"')
    return declared


def jwk_secret(jwk: Mapping[str, Any]) -> bytes:
    """Return the secret of an ``oct`` JWK.

    :raises InvalidKeyError: it has no usable ``k``.
    """
    secret = _member_bytes(jwk, "k")
    if not secret:
        raise InvalidKeyError('the "oct" JWK has an empty "k"')
    return secret


def is_private_jwk(jwk: Mapping[str, Any]) -> bool:
    """True when the JWK holds private (or secret) key material."""
    return "d" in jwk or (jwk.get("kty") == "oct" and "k" in jwk)


def jwk_private_key(jwk: Mapping[str, Any]) -> AsymmetricKey:
    """Build the private key of an ``RSA``, ``EC`` or ``OKP`` JWK.

    CPU-bound for RSA (the key is validated): the async API runs it in a
    worker thread.

    :raises InvalidKeyError: the JWK is public, damaged or of an unknown type.
    """
    kty = jwk.get("kty")
    if "d" not in jwk:
        raise InvalidKeyError("a public JWK cannot sign; pass the private JWK")
    builder = _BUILDERS.get(kty) if isinstance(kty, str) else None
    if builder is None:
        raise InvalidKeyError(
            f'JWK "kty" must be "oct", "RSA", "EC" or "OKP", not {shown(kty)}'
        )
    try:
        return builder(jwk)
    except InvalidKeyError:
        raise
    except (ValueError, TypeError, OverflowError):
        pass
    # Raised outside the handler: cryptography's message, kept as __context__,
    # could describe the private numbers.
    raise InvalidKeyError(f"the {kty} JWK does not hold a valid key")


def _member_bytes(jwk: Mapping[str, Any], name: str) -> bytes:
    value = jwk.get(name)
    if not isinstance(value, str) or not _BASE64URL.fullmatch(value):
        # RFC 7515 §2: base64url, no padding, no other alphabet.
        raise InvalidKeyError(f'the JWK\'s "{name}" must be a base64url string')
    try:
        return binascii.a2b_base64(
            (value + "=" * (-len(value) % 4)).translate(_FROM_URL_SAFE),
            strict_mode=True,
        )
    except (binascii.Error, ValueError):
        pass
    raise InvalidKeyError(f'the JWK\'s "{name}" is not base64url')


_FROM_URL_SAFE = str.maketrans("-_", "+/")
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*", re.ASCII)


def _member_int(jwk: Mapping[str, Any], name: str) -> int:
    return int.from_bytes(_member_bytes(jwk, name), "big")


def _rsa_key(jwk: Mapping[str, Any]) -> rsa.RSAPrivateKey:
    if "oth" in jwk:
        raise InvalidKeyError("multi-prime RSA JWKs are not supported")
    n, e, d = (_member_int(jwk, name) for name in ("n", "e", "d"))
    if "p" in jwk and "q" in jwk:
        p, q = _member_int(jwk, "p"), _member_int(jwk, "q")
    else:
        p, q = rsa.rsa_recover_prime_factors(n, e, d)
    public = rsa.RSAPublicNumbers(e, n)
    numbers = rsa.RSAPrivateNumbers(
        p,
        q,
        d,
        rsa.rsa_crt_dmp1(d, p),
        rsa.rsa_crt_dmq1(d, q),
        rsa.rsa_crt_iqmp(p, q),
        public,
    )
    return numbers.private_key()


def _ec_key(jwk: Mapping[str, Any]) -> ec.EllipticCurvePrivateKey:
    crv = jwk.get("crv")
    curve = _EC_CURVES.get(crv) if isinstance(crv, str) else None
    if curve is None:
        raise InvalidKeyError(f'unsupported EC JWK "crv" {shown(crv)}')
    public = ec.EllipticCurvePublicNumbers(
        _member_int(jwk, "x"), _member_int(jwk, "y"), curve
    )
    return ec.EllipticCurvePrivateNumbers(_member_int(jwk, "d"), public).private_key()


def _okp_key(
    jwk: Mapping[str, Any],
) -> ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey:
    crv = jwk.get("crv")
    maker = _OKP_KEYS.get(crv) if isinstance(crv, str) else None
    if maker is None:
        raise InvalidKeyError(
            f'OKP JWK "crv" must be Ed25519 or Ed448, not {shown(crv)}'
        )
    key = maker.from_private_bytes(_member_bytes(jwk, "d"))
    if "x" in jwk and _raw_public(key) != _member_bytes(jwk, "x"):
        raise InvalidKeyError('the OKP JWK\'s "x" does not match its "d"')
    return key


_BUILDERS: dict[str, Callable[[Mapping[str, Any]], AsymmetricKey]] = {
    "RSA": _rsa_key,
    "EC": _ec_key,
    "OKP": _okp_key,
}


def _raw_public(key: ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


PublicKey = (
    rsa.RSAPublicKey
    | ec.EllipticCurvePublicKey
    | ed25519.Ed25519PublicKey
    | ed448.Ed448PublicKey
)
PUBLIC_KEY_TYPES = (
    rsa.RSAPublicKey,
    ec.EllipticCurvePublicKey,
    ed25519.Ed25519PublicKey,
    ed448.Ed448PublicKey,
)


def public_jwk_of(key: AsymmetricKey | PublicKey) -> dict[str, str]:
    """Return the public JWK of a key (RFC 7518 §6, RFC 8037 §2): no private
    member, ever."""
    public = key if isinstance(key, PUBLIC_KEY_TYPES) else key.public_key()
    if isinstance(public, rsa.RSAPublicKey):
        numbers = public.public_numbers()
        return {"kty": "RSA", "n": _int_b64(numbers.n), "e": _int_b64(numbers.e)}
    if isinstance(public, ec.EllipticCurvePublicKey):
        crv = _EC_NAMES.get(public.curve.name)
        if crv is None:
            raise InvalidKeyError(f"curve {public.curve.name} has no JWK name")
        point = public.public_numbers()
        size = (public.curve.key_size + 7) // 8
        return {
            "kty": "EC",
            "crv": crv,
            "x": b64url(point.x.to_bytes(size, "big")),
            "y": b64url(point.y.to_bytes(size, "big")),
        }
    crv = "Ed25519" if isinstance(public, ed25519.Ed25519PublicKey) else "Ed448"
    raw = public.public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return {"kty": "OKP", "crv": crv, "x": b64url(raw)}


def _int_b64(value: int) -> str:
    # RFC 7518 §6.3.1: the minimal big-endian bytes of the integer.
    return b64url(value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big"))


def thumbprint_of(jwk: Mapping[str, Any]) -> str:
    """Return the RFC 7638 SHA-256 thumbprint of a JWK, public or private.

    :raises InvalidKeyError: the JWK lacks a member the thumbprint needs.
    """
    kty = jwk.get("kty")
    members = _REQUIRED_MEMBERS.get(kty) if isinstance(kty, str) else None
    if members is None:
        raise InvalidKeyError(f'unsupported JWK "kty" {shown(kty)}')
    canonical: dict[str, str] = {}
    for name in members:
        value = jwk.get(name)
        if not isinstance(value, str):
            raise InvalidKeyError(f'the JWK has no string "{name}" member')
        canonical[name] = value
    text = json.dumps(canonical, separators=(",", ":"), ensure_ascii=False)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        data = None
    if data is None:
        raise InvalidKeyError("the JWK has a member with a lone UTF-16 surrogate")
    return b64url(hashlib.sha256(data).digest())
