"""Type aliases shared by the public entry points."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any, Literal, TypedDict

from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

AlgorithmName = Literal[
    "EdDSA",
    "ES256K",
    "HS256",
    "HS384",
    "HS512",
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "none",
]
"""The algorithm names jwt_async signs with, spelled as in RFC 7518."""

Payload = Mapping[str, Any] | str | bytes | bytearray | int | float
"""A claim set, or a string, bytes or number signed as it is."""

Key = (
    str
    | bytes
    | bytearray
    | Mapping[str, Any]
    | rsa.RSAPrivateKey
    | ec.EllipticCurvePrivateKey
    | ed25519.Ed25519PrivateKey
    | ed448.Ed448PrivateKey
    | None
)
"""An HMAC secret, PEM text, ``{"key": pem, "passphrase": ...}``, a private
JWK (dict or JSON text) or a key object."""

TimeSpan = int | float | str | datetime.timedelta | datetime.datetime
"""Seconds, a timespan string such as ``"2 days"``, a timedelta (all counted
from ``iat``), or an aware datetime (an absolute time)."""

Callback = Callable[[BaseException | None, str | None], object]
"""Node's error-first callback: ``callback(err, token)``."""


class SignKeywords(TypedDict, total=False):
    """The keyword options of :func:`jwt_async.sign` and :func:`sign_sync`."""

    algorithm: AlgorithmName | str | None
    expires_in: TimeSpan | None
    not_before: TimeSpan | None
    audience: str | list[str] | tuple[str, ...] | None
    issuer: str | None
    subject: str | None
    jwtid: str | None
    keyid: str | None
    header: Mapping[str, Any] | None
    no_timestamp: bool | None
    mutate_payload: bool | None
    encoding: str | None
    allow_insecure_key_sizes: bool | None
    allow_invalid_asymmetric_key_types: bool | None
