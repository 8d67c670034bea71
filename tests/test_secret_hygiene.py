"""Secrets never show: not in errors, their chains, tracebacks, reprs or logs.

Sentinel secrets and passphrases, and real PEM keys whose body lines and
private numbers are searched for, are driven through every error path that
can be reached from ``sign_sync``, ``await sign`` and ``sign_callback``. The
text of each error, of every exception chained to it (``__cause__`` and
``__context__``, shown or suppressed), its attributes and its formatted
traceback must hold none of them.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

import jwt_async
from jwt_async import (
    CallbackError,
    InvalidHeaderError,
    InvalidKeyError,
    InvalidOptionError,
    InvalidPayloadError,
    JWTError,
    SigningError,
    UnsupportedAlgorithmError,
)
from jwt_async._algorithms import ALGORITHMS
from jwt_async._core import prepare
from jwt_async._keys import read_key
from jwt_async._options import parse_options
from tests.helpers import KEYS, key_text, private_key
from tests.strategies import NODE_OPTION_NAMES

SENTINEL = "S3NT1NEL-secret-7f3a9c0e5b2d4a61"
PASSPHRASE_SENTINEL = "S3NT1NEL-passphrase-c4e1d9"
REAL_PASSPHRASE = "correct horse"
PEM_FILES = (
    "rsa2048.pem",
    "ec_p256.pem",
    "rsa2048_encrypted.pem",
    "ec_p256_encrypted.pem",
    "ed25519.pem",
)
PAYLOAD = {"sub": "hygiene"}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@cache
def _edwards() -> ed25519.Ed25519PrivateKey:
    key = serialization.load_pem_private_key((KEYS / "ed25519.pem").read_bytes(), None)
    assert isinstance(key, ed25519.Ed25519PrivateKey)
    return key


@cache
def _ec_jwk() -> dict[str, Any]:
    key = private_key("ec_p256.pem")
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return jwt.algorithms.ECAlgorithm.to_jwk(key, as_dict=True)


def _numbers(value: int) -> list[str]:
    return [str(value), f"{value:x}", f"{value:X}"]


@cache
def forbidden() -> dict[str, str]:
    """Every string that must never appear, by a label that may be shown."""
    found = {
        "sentinel": SENTINEL,
        "sentinel as hex": SENTINEL.encode().hex(),
        "sentinel as base64url": _b64url(SENTINEL.encode()),
        "passphrase sentinel": PASSPHRASE_SENTINEL,
        "real passphrase": REAL_PASSPHRASE,
    }
    for name in PEM_FILES:
        lines = (KEYS / name).read_text().splitlines()
        body = [line for line in lines if len(line) >= 16 and ":" not in line]
        for number, line in enumerate(body):
            if line.startswith("-----"):
                continue
            found[f"{name} line {number}"] = line
            for start in range(0, len(line) - 15, 16):
                found[f"{name} line {number} at {start}"] = line[start : start + 16]
    rsa_key = private_key("rsa2048.pem")
    assert isinstance(rsa_key, rsa.RSAPrivateKey)
    numbers = rsa_key.private_numbers()
    for label in ("d", "p", "q", "dmp1", "dmq1", "iqmp"):
        for index, text in enumerate(_numbers(getattr(numbers, label))):
            found[f"RSA {label} ({index})"] = text
    ec_key = private_key("ec_p256.pem")
    assert isinstance(ec_key, ec.EllipticCurvePrivateKey)
    for index, text in enumerate(_numbers(ec_key.private_numbers().private_value)):
        found[f"EC private value ({index})"] = text
    found["EC JWK d"] = _ec_jwk()["d"]
    raw = _edwards().private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    found["Ed25519 private bytes (hex)"] = raw.hex()
    found["Ed25519 private bytes (base64url)"] = _b64url(raw)
    return found


def exception_texts(error: BaseException) -> Iterator[str]:
    """Every text an error shows: itself, its attributes and all chained errors."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield str(current)
        yield repr(current)
        yield repr(current.args)
        yield repr(getattr(current, "__dict__", {}))
        pending += [current.__cause__, current.__context__]
    yield "".join(traceback.format_exception(error))


def leaks(texts: Iterator[str] | list[str]) -> list[str]:
    """The labels of the forbidden strings found in ``texts``."""
    joined = "\n".join(texts)
    return [label for label, secret in forbidden().items() if secret in joined]


# ---------------------------------------------------------------------------
# The error paths


class Disguised:
    """An object of no key type whose repr is the sentinel."""

    def __repr__(self) -> str:
        return SENTINEL

    __str__ = __repr__


@dataclass(frozen=True)
class ErrorPath:
    """A call that must fail with ``error`` and show no secret."""

    name: str
    key: Callable[[], Any]
    error: type[JWTError]
    options: dict[str, Any] = field(default_factory=dict)
    payload: Callable[[], Any] = lambda: dict(PAYLOAD)


def _mapping(name: str, passphrase: Any, **extra: Any) -> Callable[[], Any]:
    return lambda: {"key": key_text(name), "passphrase": passphrase, **extra}


def _jwk(**changes: Any) -> Callable[[], Any]:
    return lambda: {**_ec_jwk(), **changes}


PATHS = [
    ErrorPath("bad-option", lambda: SENTINEL, InvalidOptionError, {"expires_in": "?"}),
    ErrorPath(
        "unknown-algorithm",
        lambda: SENTINEL,
        UnsupportedAlgorithmError,
        {"algorithm": "HS1"},
    ),
    ErrorPath(
        "header-alg-none",
        lambda: SENTINEL,
        InvalidHeaderError,
        {"header": {"alg": "none"}},
    ),
    ErrorPath(
        "header-value", lambda: SENTINEL, InvalidHeaderError, {"header": {"x": {1}}}
    ),
    ErrorPath(
        "payload-set", lambda: SENTINEL, InvalidPayloadError, payload=lambda: {"x": {1}}
    ),
    ErrorPath(
        "payload-nan",
        lambda: SENTINEL,
        InvalidPayloadError,
        payload=lambda: {"x": float("nan")},
    ),
    ErrorPath(
        "claim-conflict",
        lambda: SENTINEL,
        InvalidOptionError,
        {"expires_in": 1},
        lambda: {"exp": 1},
    ),
    ErrorPath(
        "secret-for-rs256", lambda: SENTINEL, InvalidKeyError, {"algorithm": "RS256"}
    ),
    ErrorPath(
        "secret-lone-surrogate",
        lambda: SENTINEL + "\ud800",
        InvalidKeyError,
    ),
    ErrorPath(
        "private-pem-for-hs256", lambda: key_text("rsa2048.pem"), InvalidKeyError
    ),
    ErrorPath(
        "encrypted-pem-no-passphrase",
        lambda: key_text("rsa2048_encrypted.pem"),
        InvalidKeyError,
        {"algorithm": "RS256"},
    ),
    ErrorPath(
        "wrong-passphrase",
        _mapping("rsa2048_encrypted.pem", PASSPHRASE_SENTINEL),
        InvalidKeyError,
        {"algorithm": "RS256"},
    ),
    ErrorPath(
        "wrong-passphrase-ec",
        _mapping("ec_p256_encrypted.pem", PASSPHRASE_SENTINEL.encode()),
        InvalidKeyError,
        {"algorithm": "ES256"},
    ),
    ErrorPath(
        "right-passphrase-wrong-algorithm",
        _mapping("ec_p256_encrypted.pem", REAL_PASSPHRASE),
        InvalidKeyError,
        {"algorithm": "HS256"},
    ),
    ErrorPath(
        "passphrase-lone-surrogate",
        _mapping("ec_p256_encrypted.pem", PASSPHRASE_SENTINEL + "\udc00"),
        InvalidKeyError,
        {"algorithm": "ES256"},
    ),
    ErrorPath(
        "pem-lone-surrogate",
        lambda: key_text("ec_p256.pem") + "\ud800",
        InvalidKeyError,
        {"algorithm": "ES256"},
    ),
    ErrorPath(
        "passphrase-of-wrong-type",
        _mapping("ec_p256_encrypted.pem", [PASSPHRASE_SENTINEL]),
        InvalidKeyError,
        {"algorithm": "ES256"},
    ),
    ErrorPath(
        "mapping-with-secret-name",
        _mapping("ec_p256.pem", None, **{SENTINEL: SENTINEL}),
        InvalidKeyError,
        {"algorithm": "ES256"},
    ),
    ErrorPath("object-with-secret-repr", Disguised, InvalidKeyError),
    ErrorPath(
        "rsa-object-for-es256",
        lambda: private_key("rsa2048.pem"),
        InvalidKeyError,
        {"algorithm": "ES256"},
    ),
    ErrorPath(
        "rsa-1024-object",
        lambda: private_key("rsa1024.pem"),
        InvalidKeyError,
        {"algorithm": "RS256"},
    ),
    ErrorPath(
        "rsa-512-too-small-at-signing",
        lambda: private_key("rsa512.pem"),
        InvalidKeyError,
        {"algorithm": "PS512", "allow_insecure_key_sizes": True},
    ),
    ErrorPath("ec-jwk-for-hs256", _jwk(), InvalidKeyError),
    ErrorPath(
        "ec-jwk-with-a-bad-d",
        _jwk(x=_b64url(b"\x01" * 32)),
        InvalidKeyError,
        {"algorithm": "ES256"},
    ),
    ErrorPath(
        "oct-jwk-for-rs256",
        lambda: {"kty": "oct", "k": _b64url(SENTINEL.encode())},
        InvalidKeyError,
        {"algorithm": "RS256"},
    ),
    ErrorPath(
        "ed25519-object-for-es256", _edwards, InvalidKeyError, {"algorithm": "ES256"}
    ),
    ErrorPath(
        "private-pem-with-none",
        lambda: key_text("ec_p256.pem"),
        InvalidKeyError,
        {"algorithm": "none"},
    ),
]
ENTRY_POINTS = ("sign_sync", "sign", "sign_callback")


def failure(entry: str, path: ErrorPath) -> BaseException:
    """Make the call of ``path`` through ``entry`` and return its error."""
    payload, key, options = path.payload(), path.key(), path.options
    if entry == "sign_sync":
        with pytest.raises(JWTError) as raised:
            jwt_async.sign_sync(payload, key, **options)
        return raised.value
    if entry == "sign":
        with pytest.raises(JWTError) as raised:
            asyncio.run(jwt_async.sign(payload, key, **options))
        return raised.value
    return callback_failure(payload, key, options)


def callback_failure(payload: Any, key: Any, options: dict[str, Any]) -> BaseException:
    """The error ``sign_callback`` (thread path) hands to its callback."""
    received: list[tuple[BaseException | None, str | None]] = []
    node = {NODE_OPTION_NAMES[name]: value for name, value in options.items()}
    handle = jwt_async.sign_callback(
        payload, key, node, lambda error, token: received.append((error, token))
    )
    assert not isinstance(handle, asyncio.Future)
    assert handle.result(timeout=30) is None
    [(error, token)] = received
    assert error is not None and token is None
    return error


def _params() -> list[Any]:
    return [
        pytest.param(path, entry, id=f"{path.name}-{entry}")
        for path in PATHS
        for entry in ENTRY_POINTS
    ]


@pytest.mark.parametrize(("path", "entry"), _params())
def test_errors_show_no_secret(path: ErrorPath, entry: str) -> None:
    """The error, its chain, attributes and traceback hold no key material."""
    error = failure(entry, path)
    assert type(error) is path.error
    assert leaks(list(exception_texts(error))) == []


def test_the_sentinels_would_be_found() -> None:
    """The leak detector finds each kind of material when it is there."""
    material = [
        SENTINEL,
        PASSPHRASE_SENTINEL,
        key_text("rsa2048.pem"),
        key_text("ec_p256_encrypted.pem"),
        str(private_key("rsa2048.pem").private_numbers().d),  # type: ignore[union-attr]
        _ec_jwk()["d"],
    ]
    for text in material:
        assert leaks([f"InvalidKeyError({text!r})"]) != []
    assert leaks(["key text has a lone UTF-16 surrogate"]) == []


def test_unknown_node_option_shows_no_secret() -> None:
    """An unknown option name in the callback form is reported without the key."""
    error = callback_failure_node({"expires": "1h"})
    assert type(error) is InvalidOptionError
    assert leaks(list(exception_texts(error))) == []


def callback_failure_node(node: dict[str, Any]) -> BaseException:
    """The error ``sign_callback`` reports for Node options ``node``."""
    received: list[BaseException | None] = []
    handle = jwt_async.sign_callback(
        PAYLOAD, SENTINEL, node, lambda error, token: received.append(error)
    )
    assert not isinstance(handle, asyncio.Future)
    handle.result(timeout=30)
    [error] = received
    assert error is not None
    return error


@pytest.mark.asyncio
async def test_a_cancelled_signature_shows_no_secret() -> None:
    """The SigningError of a cancelled sign_callback holds no key material."""
    jwt_async.clear_key_cache()  # so that the PEM is loaded in a worker thread
    received: list[BaseException | None] = []
    key = {"key": key_text("rsa2048_encrypted.pem"), "passphrase": REAL_PASSPHRASE}
    handle = jwt_async.sign_callback(
        PAYLOAD,
        key,
        {"algorithm": "RS256"},
        lambda error, token: received.append(error),
    )
    assert isinstance(handle, asyncio.Future)
    await asyncio.sleep(0)
    handle.cancel()
    for _ in range(500):
        if received:
            break
        await asyncio.sleep(0.01)
    [error] = received
    assert type(error) is SigningError
    assert leaks(list(exception_texts(error))) == []


def _raise_from_callback(error: BaseException | None, token: str | None) -> None:
    raise RuntimeError("the callback failed")


@pytest.mark.asyncio
async def test_a_raising_callback_on_a_loop_shows_no_secret(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """CallbackError, and the loop's report of it, hold no key material."""
    caplog.set_level(logging.DEBUG)
    handle = jwt_async.sign_callback(PAYLOAD, SENTINEL, _raise_from_callback)
    assert isinstance(handle, asyncio.Future)
    with pytest.raises(CallbackError) as raised:
        await handle
    assert leaks(list(exception_texts(raised.value))) == []
    assert leaks([caplog.text, *(r.getMessage() for r in caplog.records)]) == []


def test_a_raising_callback_in_a_thread_shows_no_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """CallbackError, and the thread hook's report of it, hold no key material."""
    reports: list[str] = []

    def hook(args: threading.ExceptHookArgs) -> None:
        assert args.exc_value is not None
        reports.extend(exception_texts(args.exc_value))

    monkeypatch.setattr(threading, "excepthook", hook)
    handle = jwt_async.sign_callback(PAYLOAD, SENTINEL, _raise_from_callback)
    assert not isinstance(handle, asyncio.Future)
    with pytest.raises(CallbackError) as raised:
        handle.result(timeout=30)
    assert reports, "the failure was reported to threading.excepthook"
    assert leaks([*exception_texts(raised.value), *reports]) == []


# ---------------------------------------------------------------------------
# Objects that hold keys


def _holders() -> list[Any]:
    hs256, rs256, es256 = ALGORITHMS["HS256"], ALGORITHMS["RS256"], ALGORITHMS["ES256"]
    encrypted = {
        "key": key_text("rsa2048_encrypted.pem"),
        "passphrase": REAL_PASSPHRASE,
    }
    return [
        read_key(SENTINEL, hs256),
        read_key(SENTINEL.encode(), hs256),
        read_key({"kty": "oct", "k": _b64url(SENTINEL.encode())}, hs256),
        read_key(key_text("rsa2048.pem"), rs256),
        read_key(encrypted, rs256),
        read_key(private_key("rsa2048.pem"), rs256),
        read_key(_ec_jwk(), es256),
        prepare(PAYLOAD, SENTINEL, parse_options()),
        prepare(PAYLOAD, encrypted, parse_options(algorithm="RS256")),
        jwt_async.Signer(SENTINEL),
        jwt_async.Signer(private_key("ec_p256.pem"), algorithm="ES256"),
    ]


def test_key_holders_hide_their_material() -> None:
    """repr() and str() of every object holding a key show none of it."""
    jwt_async.clear_key_cache()
    holders = _holders()
    assert len(holders) == 11
    assert leaks([text for held in holders for text in (repr(held), str(held))]) == []


def test_jwt_async_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    """Neither success nor any error path leaves a record in a jwt_async logger."""
    caplog.set_level(logging.DEBUG)
    jwt_async.sign_sync(PAYLOAD, SENTINEL)
    asyncio.run(jwt_async.sign(PAYLOAD, private_key("ec_p256.pem"), algorithm="ES256"))
    for path in PATHS:
        for entry in ENTRY_POINTS:
            failure(entry, path)
    ours = [record for record in caplog.records if record.name.startswith("jwt_async")]
    assert ours == []
    assert leaks([caplog.text]) == []
