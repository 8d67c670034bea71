"""The caller's payload, header and options are left exactly as they were.

Through every entry point (``sign_sync``, ``await sign``, and
``sign_callback`` both off and on a running loop), after success and after
failure, the arguments equal a deep copy taken before the call, down to the
types of their values. With ``mutate_payload`` the payload gains the claims
Node adds, in Node's order, and nothing else; a failing call adds none.
"""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import jwt
import pytest

import jwt_async
from jwt_async import (
    InvalidHeaderError,
    InvalidKeyError,
    InvalidOptionError,
    InvalidPayloadError,
    JWTError,
)
from tests.helpers import FROZEN_NOW, key_text, private_key
from tests.strategies import NODE_OPTION_NAMES

ENTRY_POINTS = ["sign_sync", "sign", "sign_callback", "sign_callback_on_loop"]
SECRET = "a secret long enough for HS256, for the tests of inputs"
NO_CHECKS: Any = {"verify_exp": False, "verify_nbf": False, "verify_iat": False}
NO_CHECKS["verify_aud"] = False

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("frozen_now")]


async def call(entry: str, payload: Any, key: Any, **options: Any) -> str:
    """Sign through ``entry``; raise the error it raises or reports."""
    if entry == "sign_sync":
        return jwt_async.sign_sync(payload, key, **options)
    if entry == "sign":
        return await jwt_async.sign(payload, key, **options)
    node = {NODE_OPTION_NAMES[name]: value for name, value in options.items()}
    return await call_back(entry, payload, key, node)


async def call_back(entry: str, payload: Any, key: Any, node: Any) -> str:
    """Sign through ``sign_callback`` with Node's options mapping ``node``."""
    outcomes: list[tuple[BaseException | None, str | None]] = []

    def callback(error: BaseException | None, token: str | None) -> None:
        outcomes.append((error, token))

    if entry == "sign_callback_on_loop":
        handle = jwt_async.sign_callback(payload, key, node, callback)
        assert isinstance(handle, asyncio.Future)
        await handle
    else:  # called from a thread without a loop: the thread-pool path
        handle = await asyncio.to_thread(
            jwt_async.sign_callback, payload, key, node, callback
        )
        assert not isinstance(handle, asyncio.Future)
        await asyncio.wrap_future(handle)
    [(error, token)] = outcomes
    if error is not None:
        raise error
    assert token is not None
    return token


def nested_payload() -> dict[str, Any]:
    """A claim set with nested objects, arrays and every JSON scalar."""
    return {
        "sub": "user-1",
        "profile": {"name": "Zoë", "roles": ["admin", "ops"], "score": 1.5},
        "flags": [True, False, None, 0, {"deep": [1, [2, [3]]]}],
        "tuple": (1, "two"),
    }


def nested_header() -> dict[str, Any]:
    """A header option with nested values."""
    return {"x5u": "https://keys.example/1", "ext": {"list": [1, 2], "on": True}}


def assert_unchanged(value: Any, snapshot: Any) -> None:
    """``value`` equals ``snapshot`` with the same types: True is not 1 here."""
    assert value == snapshot
    assert repr(value) == repr(snapshot)


@pytest.mark.parametrize("entry", ENTRY_POINTS)
async def test_a_successful_call_changes_no_argument(entry: str) -> None:
    """Payload, header and audience list are deep-equal to their copies."""
    payload, header, audience = nested_payload(), nested_header(), ["a", "b"]
    before = copy.deepcopy((payload, header, audience))
    token = await call(
        entry,
        payload,
        SECRET,
        header=header,
        audience=audience,
        expires_in="1h",
        issuer="me",
    )
    assert token.count(".") == 2
    assert_unchanged((payload, header, audience), before)


@pytest.mark.parametrize("entry", ["sign_callback", "sign_callback_on_loop"])
@pytest.mark.parametrize("fails", [False, True])
async def test_the_node_options_mapping_is_left_alone(entry: str, fails: bool) -> None:
    """sign_callback never writes to the options mapping it is given."""
    options = {
        "algorithm": "HS256",
        "expiresIn": "1h",
        "audience": ["a", "b"],
        "header": nested_header(),
        "mutatePayload": False,
        **({"issuer": 42} if fails else {}),
    }
    before = copy.deepcopy(options)
    if fails:
        with pytest.raises(InvalidOptionError):
            await call_back(entry, nested_payload(), SECRET, options)
    else:
        await call_back(entry, nested_payload(), SECRET, options)
    assert_unchanged(options, before)


def _failures() -> list[Any]:
    """Calls that fail, early or late: (name, error, key, options, payload edit)."""
    rsa512 = private_key("rsa512.pem")
    encrypted = {"key": key_text("ec_p256_encrypted.pem"), "passphrase": "wrong"}
    return [
        ("public-key", InvalidKeyError, key_text("rsa2048_public.pem"), {}, None),
        ("bad-audience", InvalidOptionError, SECRET, {"audience": ["a", 1]}, None),
        ("bad-header", InvalidHeaderError, SECRET, {"header": {"x": {1, 2}}}, None),
        ("nested-set", InvalidPayloadError, SECRET, {}, ("profile", {"tags": {1}})),
        ("nan-claim", InvalidPayloadError, SECRET, {}, ("score", float("nan"))),
        ("exp-conflict", InvalidOptionError, SECRET, {"expires_in": 60}, ("exp", 1)),
        ("bad-iat", InvalidPayloadError, SECRET, {}, ("iat", "yesterday")),
        # These fail in the signing step, in a worker thread for ``sign``.
        ("wrong-passphrase", InvalidKeyError, encrypted, {"algorithm": "ES256"}, None),
        (
            "too-small-at-signing",
            InvalidKeyError,
            rsa512,
            {"algorithm": "PS512", "allow_insecure_key_sizes": True},
            None,
        ),
    ]


FAILURES = _failures()


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("mutate", [False, True])
@pytest.mark.parametrize(
    ("error", "key", "options", "edit"),
    [failure[1:] for failure in FAILURES],
    ids=[failure[0] for failure in FAILURES],
)
async def test_a_failing_call_changes_no_argument(
    entry: str,
    mutate: bool,
    error: type[JWTError],
    key: Any,
    options: dict[str, Any],
    edit: tuple[str, Any] | None,
) -> None:
    """After a refusal, even with mutate_payload, every argument is as it was."""
    payload, header = nested_payload(), nested_header()
    if edit is not None:
        payload[edit[0]] = edit[1]
    options = {"header": header, "mutate_payload": mutate, **options}
    before = copy.deepcopy((payload, options))
    with pytest.raises(error):
        await call(entry, payload, key, **options)
    assert_unchanged((payload, options), before)


# ---------------------------------------------------------------------------
# mutate_payload: exactly Node's claims, in Node's order

ALL_CLAIM_OPTIONS: dict[str, Any] = {
    "jwtid": "id-1",
    "subject": "someone",
    "issuer": "me",
    "audience": ["a", "b"],
    "expires_in": "1h",
    "not_before": 60,
}


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize(
    ("start", "options", "expected"),
    [
        pytest.param(
            {"name": "x"},
            {},
            {"name": "x", "iat": FROZEN_NOW},
            id="iat-only",
        ),
        pytest.param(
            {"name": "x"},
            ALL_CLAIM_OPTIONS,
            {
                "name": "x",
                "iat": FROZEN_NOW,
                "nbf": FROZEN_NOW + 60,
                "exp": FROZEN_NOW + 3600,
                "aud": ["a", "b"],
                "iss": "me",
                "sub": "someone",
                "jti": "id-1",
            },
            id="every-claim-in-node-order",
        ),
        pytest.param(
            {"a": 1, "iat": 1000, "z": 2},
            {"expires_in": 10},
            {"a": 1, "iat": 1000, "z": 2, "exp": 1010},
            id="payload-iat-keeps-its-place-and-is-the-base",
        ),
        pytest.param(
            {"a": 1, "iat": 1000, "z": 2},
            {"no_timestamp": True, "expires_in": 10, "issuer": "me"},
            {"a": 1, "z": 2, "exp": 1010, "iss": "me"},
            id="no-timestamp-removes-iat",
        ),
        pytest.param(
            {"a": 1},
            {"no_timestamp": True},
            {"a": 1},
            id="no-timestamp-adds-nothing",
        ),
    ],
)
async def test_mutate_payload_adds_exactly_nodes_claims(
    entry: str,
    start: dict[str, Any],
    options: dict[str, Any],
    expected: dict[str, Any],
) -> None:
    """The payload gains the asked claims in Node's order; the token agrees."""
    payload = {**start, "nested": {"keep": ["me", {"as": "is"}]}}
    nested_before = copy.deepcopy(payload["nested"])
    header, header_before = nested_header(), nested_header()
    token = await call(
        entry, payload, SECRET, mutate_payload=True, header=header, **options
    )
    kept = [name for name in start if name in expected]
    added = [name for name in expected if name not in start]
    assert list(payload) == [*kept, "nested", *added]
    assert_unchanged(payload["nested"], nested_before)
    assert {n: v for n, v in payload.items() if n != "nested"} == expected
    assert_unchanged(header, header_before)
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], options=NO_CHECKS)
    assert list(claims) == list(payload)
    assert claims == payload


@pytest.mark.parametrize("entry", ENTRY_POINTS)
async def test_without_mutate_payload_the_payload_gets_nothing(entry: str) -> None:
    """mutate_payload=False (or left out) never writes to the payload."""
    for options in ({}, {"mutate_payload": False}):
        payload = {"name": "x"}
        await call(entry, payload, SECRET, expires_in=10, **options)
        assert payload == {"name": "x"}
