"""Property tests: whatever it is given, signing ends in a sound token or a JWTError.

Each property draws hostile payloads, options and keys (see
``tests/strategies.py``) and checks every token against a model written
here, independently of jwt_async: the header and claims that should come
out, and a signature that verifies with the secret or public key the input
really holds (``cryptography``/``hmac``, and PyJWT wherever it can read the
token). A token from input the model calls unusable is a failure too.

The default ``ci`` profile is derandomized; the long fuzz run is::

    JWT_ASYNC_HYPOTHESIS_PROFILE=long python -m pytest tests/test_fuzz.py
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import copy
import datetime
import hmac
import json
import math
import re
import time
import warnings
from collections.abc import Callable, Coroutine, Iterator, Mapping, MutableMapping
from decimal import Decimal
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from hypothesis import event, given, settings
from hypothesis import strategies as st
from jwt.utils import is_pem_format, is_ssh_key
from jwt.warnings import InsecureKeyLengthWarning

import jwt_async
import jwt_async._claims
from jwt_async import JWTError
from jwt_async._encoding import js_number, json_bytes
from jwt_async._timespan import check_timespan, timespan_milliseconds
from tests.helpers import FROZEN_NOW
from tests.strategies import (
    ALGORITHMS,
    CI_EXAMPLES,
    NODE_OPTION_NAMES,
    UNIT_NAMES,
    KeyCase,
    Signer,
    fuzz_settings,
    hostile_calls,
    json_claim_sets,
    json_values,
    non_json_payloads,
    signers,
    time_claims,
    timespan_strings,
    valid_claim_options,
)

FUZZ = fuzz_settings()
Call = tuple[Any, KeyCase, dict[str, Any]]


@pytest.fixture(autouse=True, scope="module")
def _frozen_clock() -> Iterator[None]:
    # Module-scoped, unlike conftest's frozen_now, so that Hypothesis can
    # run many examples under one patch.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jwt_async._claims, "now_seconds", lambda: FROZEN_NOW)
        yield


@pytest.fixture(scope="module")
def runner() -> Iterator[asyncio.Runner]:
    """One asyncio loop for all the examples of a property."""
    with asyncio.Runner() as loop_runner:
        yield loop_runner


# ---------------------------------------------------------------------------
# The reference model

# Node's text encodings and the codec each means; "" falls back to UTF-8.
CODECS = {
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "utf16le": "utf-16-le",
    "utf-16le": "utf-16-le",
    "ucs2": "utf-16-le",
    "ucs-2": "utf-16-le",
    "latin1": "latin-1",
    "binary": "latin-1",
    "ascii": "ascii",
    "": "utf-8",
}
CLAIM_OPTIONS = {
    "not_before": "nbf",
    "expires_in": "exp",
    "audience": "aud",
    "issuer": "iss",
    "subject": "sub",
    "jwtid": "jti",
}
HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "256": hashes.SHA256,
    "384": hashes.SHA384,
    "512": hashes.SHA512,
}
# ECDSA algorithm: its curve, the curve's size in bits, and R's (and S's) bytes.
ES_CURVES = {
    "ES256": ("secp256r1", 256, 32),
    "ES384": ("secp384r1", 384, 48),
    "ES512": ("secp521r1", 521, 66),
    "ES256K": ("secp256k1", 256, 32),
}
NO_CLAIM_CHECKS: Any = {
    "verify_exp": False,
    "verify_nbf": False,
    "verify_iat": False,
    "verify_aud": False,
    "verify_iss": False,
    "verify_sub": False,
    "verify_jti": False,
}

# The timespan grammar of the ``ms`` package, written out afresh: an ASCII
# number, U+0020 spaces, an optional unit in any ASCII case, nothing else.
UNIT_MILLISECONDS = {
    **dict.fromkeys(UNIT_NAMES[0:5], 1.0),
    **dict.fromkeys(UNIT_NAMES[5:10], 1_000.0),
    **dict.fromkeys(UNIT_NAMES[10:15], 60_000.0),
    **dict.fromkeys(UNIT_NAMES[15:20], 3_600_000.0),
    **dict.fromkeys(UNIT_NAMES[20:23], 86_400_000.0),
    **dict.fromkeys(UNIT_NAMES[23:26], 604_800_000.0),
    **dict.fromkeys(UNIT_NAMES[26:31], 31_557_600_000.0),
}
REFERENCE_TIMESPAN = re.compile(
    r"\A(?P<number>-?[0-9]*\.?[0-9]+)[ ]*(?P<unit>"
    + "|".join(sorted(UNIT_MILLISECONDS, key=len, reverse=True))
    + r")?\Z",
    re.IGNORECASE | re.ASCII,
)


def reference_milliseconds(text: str) -> float | None:
    """What ``ms(text)`` gives, or None where it gives ``undefined``."""
    match = REFERENCE_TIMESPAN.match(text) if len(text) <= 100 else None
    if match is None:
        return None
    unit = (match["unit"] or "ms").lower()
    return float(match["number"]) * UNIT_MILLISECONDS[unit]


def reference_js_number(value: float) -> str:
    """``String(value)`` in JavaScript (ECMA-262 Number::toString), via Decimal."""
    if value == 0:
        return "0"
    if value < 0:
        return "-" + reference_js_number(-value)
    _, digit_tuple, exponent = Decimal(repr(value)).normalize().as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple))
    k, n = len(digits), exponent + len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return f"{digits[:n]}.{digits[n:]}"
    if -6 < n <= 0:
        return "0." + "0" * -n + digits
    mantissa = digits if k == 1 else f"{digits[0]}.{digits[1:]}"
    return f"{mantissa}e{'+' if n - 1 >= 0 else '-'}{abs(n - 1)}"


def js_string(text: str) -> str:
    """The string JavaScript sees: surrogate pairs stored apart are one character."""
    return text.encode("utf-16-le", "surrogatepass").decode(
        "utf-16-le", "surrogatepass"
    )


def js_value(value: Any) -> Any:
    """``value`` as ``json.loads`` reads back its JavaScript-style JSON."""
    if isinstance(value, str):
        return js_string(value)
    if isinstance(value, Mapping):
        return {js_string(name): js_value(item) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [js_value(item) for item in value]
    return value


def assert_same_json(found: Any, expected: Any, where: str = "$") -> None:
    """Assert that ``found`` (from json.loads) is the JSON ``expected`` stands for.

    Key order counts, and a bool never passes for a number; a float only has
    to read back as the same double, as it would in JavaScript.
    """
    if isinstance(expected, dict):
        assert isinstance(found, dict), where
        assert list(found) == list(expected), where
        for name, item in expected.items():
            assert_same_json(found[name], item, f"{where}.{name}")
    elif isinstance(expected, list):
        assert isinstance(found, list) and len(found) == len(expected), where
        for index, item in enumerate(expected):
            assert_same_json(found[index], item, f"{where}[{index}]")
    elif isinstance(expected, bool) or expected is None:
        assert found is expected, where
    elif isinstance(expected, float):
        assert type(found) in (int, float), where
        assert float(found) == expected, f"{where}: {found!r} != {expected!r}"
    elif isinstance(expected, int):
        assert type(found) in (int, float) and found == expected, where
    else:
        assert type(found) is str and found == expected, where


def is_timespan(value: object) -> bool:
    """Whether ``expires_in``/``not_before`` may take ``value``."""
    if isinstance(value, datetime.timedelta):
        return True
    if isinstance(value, datetime.datetime):
        return value.utcoffset() is not None
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return math.isfinite(value) and value.is_integer()
    return isinstance(value, str) and reference_milliseconds(value) is not None


def _header_ok(value: object) -> bool:
    if not isinstance(value, Mapping):
        return False
    if not all(isinstance(name, str) for name in value):
        return False
    return "alg" not in value or value["alg"] in ALGORITHMS


ACCEPTS: dict[str, Callable[[Any], bool]] = {
    "algorithm": lambda v: isinstance(v, str) and v in ALGORITHMS,
    "expires_in": is_timespan,
    "not_before": is_timespan,
    "audience": lambda v: (
        isinstance(v, str)
        or (isinstance(v, list | tuple) and all(isinstance(x, str) for x in v))
    ),
    "issuer": lambda v: isinstance(v, str),
    "subject": lambda v: isinstance(v, str),
    "jwtid": lambda v: isinstance(v, str),
    "keyid": lambda v: isinstance(v, str),
    "header": _header_ok,
    "no_timestamp": lambda v: isinstance(v, bool),
    "mutate_payload": lambda v: isinstance(v, bool),
    "encoding": lambda v: isinstance(v, str) and v.lower() in CODECS,
    "allow_insecure_key_sizes": lambda v: isinstance(v, bool),
    "allow_invalid_asymmetric_key_types": lambda v: isinstance(v, bool),
}


def given_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """The options that count as given: None means left out."""
    return {name: value for name, value in options.items() if value is not None}


def effective_algorithm(options: Mapping[str, Any]) -> Any:
    """The algorithm the token must name: the header's ``alg`` wins."""
    header = options.get("header")
    if isinstance(header, Mapping) and "alg" in header:
        return header["alg"]
    return options.get("algorithm") or "HS256"


def codec_of(options: Mapping[str, Any]) -> str:
    """The Python codec of the ``encoding`` option."""
    encoding = options.get("encoding")
    return "utf-8" if encoding is None else CODECS[encoding.lower()]


def _key_problem(key: KeyCase, alg: str, options: Mapping[str, Any]) -> str | None:
    if key.only_algorithm is not None and alg not in (key.only_algorithm, "none"):
        return f"{alg} from a JWK for {key.only_algorithm}"
    if alg == "none":
        return None if key.unsigned_ok else "an unsigned token from a key"
    if alg.startswith("HS"):
        return None if key.secret is not None else "an HMAC secret from key material"
    public = key.public
    if public is None:
        return "an asymmetric signature from something that is no private key"
    if isinstance(public, rsa.RSAPublicKey):
        if alg[:2] not in ("RS", "PS"):
            return f"{alg} from an RSA key"
        if key.pss_algorithms is not None and alg not in key.pss_algorithms:
            return f"{alg} from an RSA-PSS key bound to other parameters"
        if (
            public.key_size < 2048
            and options.get("allow_insecure_key_sizes") is not True
        ):
            return f"{alg} from a {public.key_size}-bit key"
        return None
    if not isinstance(public, ec.EllipticCurvePublicKey):
        return None if alg == "EdDSA" else f"{alg} from an Edwards-curve key"
    if alg not in ES_CURVES:
        return f"{alg} from an EC key"
    curve, size, _ = ES_CURVES[alg]
    lifted = options.get("allow_invalid_asymmetric_key_types") is True
    if public.curve.name != curve and not (lifted and public.curve.key_size <= size):
        return f"{alg} from a key on {public.curve.name}"
    return None


def violations(payload: Any, key: KeyCase, options: Mapping[str, Any]) -> list[str]:
    """Why the model says signing must fail; empty when it may succeed."""
    given = given_options(options)
    problems = [
        f"{name}={value!r} accepted"
        for name, value in given.items()
        if not ACCEPTS[name](value)
    ]
    header = given.get("header")
    if isinstance(header, Mapping) and header.get("alg") == "none":
        if given.get("algorithm") != "none":
            problems.append('header alg "none" without algorithm="none"')
    if isinstance(payload, Mapping):
        if given.get("mutate_payload") and not isinstance(payload, MutableMapping):
            problems.append("mutate_payload with a read-only claim set")
        for option, claim in CLAIM_OPTIONS.items():
            if option in given and claim in payload:
                problems.append(f"{option} with a payload {claim}")
        for claim in ("iat", "nbf", "exp"):
            value = payload.get(claim, 0)
            if isinstance(value, bool) or not isinstance(value, int | float):
                problems.append(f"a payload {claim} of {value!r}")
    else:
        if {*CLAIM_OPTIONS, "no_timestamp"} & set(given):
            problems.append("claim options with a payload that is no claim set")
        if payload is None or isinstance(payload, list | tuple):
            problems.append(f"a {type(payload).__name__} payload")
    alg = effective_algorithm(given)
    if isinstance(alg, str) and alg in ALGORITHMS:
        problem = _key_problem(key, alg, given)
        if problem is not None:
            problems.append(problem)
    return problems


def model_offset(base: float, span: Any) -> float:
    """``exp``/``nbf`` as Node computes them from ``iat`` and a timespan.

    Whole seconds are added exactly; the rest is ``Math.floor`` of a double,
    which is what a float stands for here.
    """
    if isinstance(span, datetime.datetime):
        return float(math.floor(span.timestamp()))  # an absolute time
    if isinstance(span, datetime.timedelta):
        return float(math.floor(base + span.total_seconds()))
    if isinstance(span, str):
        milliseconds = reference_milliseconds(span)
        assert milliseconds is not None
        return float(math.floor(base + milliseconds / 1000))
    return base + int(span)


def model_claims(payload: Mapping[Any, Any], options: Mapping[str, Any]) -> Any:
    """The claims a token must carry: the payload's, then Node's added ones."""
    given = given_options(options)
    claims = dict(payload)
    base = payload["iat"] if "iat" in payload else FROZEN_NOW
    if given.get("no_timestamp"):
        claims.pop("iat", None)
    else:
        claims["iat"] = base
    for option, claim in CLAIM_OPTIONS.items():
        if option not in given:
            continue
        value = given[option]
        if option in ("not_before", "expires_in"):
            value = model_offset(base, value)
        claims[claim] = list(value) if isinstance(value, tuple) else value
    return claims


def model_header(payload: Any, options: Mapping[str, Any]) -> dict[str, Any]:
    """The header a token must carry, in Node's field order.

    Node builds ``{alg, typ, kid}`` with ``undefined`` where unset, merges
    the header option over it, and JSON leaves out what is still undefined:
    so ``typ`` and ``kid`` keep second and third place even when the header
    option is what sets them.
    """
    given = given_options(options)
    unset = object()
    fields: dict[str, Any] = {
        "alg": effective_algorithm(given),
        "typ": "JWT" if isinstance(payload, Mapping) else unset,
        "kid": given.get("keyid", unset),
    }
    fields.update(given.get("header", {}))
    return {name: value for name, value in fields.items() if value is not unset}


def model_segment(payload: Any, codec: str) -> bytes:
    """The payload segment of a payload that is not a claim set."""
    if isinstance(payload, bytes | bytearray | memoryview):
        return bytes(payload)
    if isinstance(payload, bool):
        text = "true" if payload else "false"
    elif isinstance(payload, int):
        text = str(payload)
    elif isinstance(payload, float):
        text = reference_js_number(payload)
    else:
        text = js_string(payload)
    try:
        return text.encode(codec)
    except UnicodeEncodeError:
        pytest.fail(f"signed a payload that {codec} cannot hold: {payload!r}")


def segment(part: str) -> bytes:
    """Decode one unpadded base64url token segment, strictly."""
    assert re.fullmatch(r"[A-Za-z0-9_-]*", part), part
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


# ---------------------------------------------------------------------------
# Checking a token


def verify_signature(token: str, alg: str, key: KeyCase) -> None:
    """Verify ``token``'s signature with ``cryptography``/``hmac`` alone."""
    signing_input, _, signature_part = token.rpartition(".")
    signature, data = segment(signature_part), signing_input.encode("ascii")
    if alg == "none":
        assert signature == b""
        return
    if alg.startswith("HS"):
        assert key.secret is not None
        digest = hmac.digest(key.secret, data, f"sha{alg[2:]}")
        assert hmac.compare_digest(digest, signature), "HMAC does not verify"
        return
    public = key.public
    if alg == "EdDSA":
        assert isinstance(public, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey)
        public.verify(signature, data)
        return
    digest_algorithm = HASHES[alg[2:5]]()
    if isinstance(public, ec.EllipticCurvePublicKey):
        size = ES_CURVES[alg][2]
        assert len(signature) == 2 * size
        r = int.from_bytes(signature[:size], "big")
        s = int.from_bytes(signature[size:], "big")
        der = encode_dss_signature(r, s)
        public.verify(der, data, ec.ECDSA(digest_algorithm))
        return
    assert isinstance(public, rsa.RSAPublicKey)
    pad: padding.AsymmetricPadding = padding.PKCS1v15()
    if alg.startswith("PS"):
        pad = padding.PSS(padding.MGF1(digest_algorithm), digest_algorithm.digest_size)
    public.verify(signature, data, pad, digest_algorithm)


def _pyjwt_key(key: KeyCase, alg: str, header: Mapping[str, Any]) -> Any:
    """The key PyJWT verifies ``alg`` with, or None where PyJWT cannot check."""
    if alg == "none" or "crit" in header or "b64" in header:
        return None
    if not isinstance(header.get("kid", ""), str):
        return None
    if alg.startswith("HS"):
        secret = key.secret
        if secret is None or is_pem_format(secret) or is_ssh_key(secret):
            return None
        return secret
    if isinstance(key.public, ec.EllipticCurvePublicKey):
        if key.public.curve.name != ES_CURVES[alg][0]:
            return None  # PyJWT refuses a key on another curve
    return key.public


def check_token(
    token: str, payload: Any, key: KeyCase, options: Mapping[str, Any]
) -> None:
    """Check ``token`` against the model: header, payload and signature."""
    problems = violations(payload, key, options)
    assert not problems, f"signed although the model refuses: {problems}"
    header_part, payload_part, _ = token.split(".")
    header = json.loads(segment(header_part).decode("utf-8"))
    assert_same_json(header, js_value(model_header(payload, options)))
    alg = header["alg"]
    verify_signature(token, alg, key)
    body, codec = segment(payload_part), codec_of(given_options(options))
    if isinstance(payload, Mapping):
        claims = json.loads(body.decode(codec))
        assert_same_json(claims, js_value(model_claims(payload, options)))
    else:
        assert body == model_segment(payload, codec)
    pyjwt_key = _pyjwt_key(key, alg, header)
    if pyjwt_key is None:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)
        if isinstance(payload, Mapping) and codec == "utf-8":
            decoded = jwt.decode(
                token, pyjwt_key, algorithms=[alg], options=NO_CLAIM_CHECKS
            )
            assert decoded == claims
        else:
            found = jwt.api_jws.PyJWS().decode(token, pyjwt_key, algorithms=[alg])
            assert found == body


# ---------------------------------------------------------------------------
# Properties over hostile input


@FUZZ
@given(call=hostile_calls())
def test_sign_sync_gives_a_sound_token_or_a_jwt_error(call: Call) -> None:
    """Any input ends in a token the model and verifiers accept, or a JWTError."""
    payload, key, options = call
    before = dict(payload) if isinstance(payload, Mapping) else payload
    try:
        token = jwt_async.sign_sync(payload, key.value, **options)
    except JWTError as exc:
        event(f"refused: {type(exc).__name__}")
        if isinstance(payload, dict):
            assert payload == before
        return
    event(f"signed: {json.loads(segment(token.split('.')[0]))['alg']}")
    check_token(token, before, key, options)
    if isinstance(payload, dict) and options.get("mutate_payload") is True:
        expected = model_claims(before, options)
        assert list(payload) == list(expected)
        assert payload == expected


Outcome = tuple[str, ...]


def _outcome(token: str | None, error: BaseException | None) -> Outcome:
    if error is not None:
        assert isinstance(error, JWTError), repr(error)
        return ("error", type(error).__name__, error.message)
    assert token is not None
    header, payload, signature = token.split(".")
    if json.loads(segment(header))["alg"][:2] in ("PS", "ES"):
        return ("token", header, payload)  # randomised signatures
    return ("token", header, payload, signature)


def _catching(call: Callable[[], str]) -> Outcome:
    try:
        return _outcome(call(), None)
    except JWTError as exc:
        return _outcome(None, exc)


async def _catching_async(make: Callable[[], Coroutine[Any, Any, str]]) -> Outcome:
    try:
        return _outcome(await make(), None)
    except JWTError as exc:
        return _outcome(None, exc)


def _callback_outcome(payload: Any, key: Any, node_options: Any) -> Outcome:
    received: list[Outcome] = []

    def callback(error: BaseException | None, token: str | None) -> None:
        received.append(_outcome(token, error))

    handle = jwt_async.sign_callback(payload, key, node_options, callback)
    assert isinstance(handle, concurrent.futures.Future)
    handle.result(timeout=60)
    assert len(received) == 1
    return received[0]


async def _callback_outcome_on_loop(
    payload: Any, key: Any, node_options: Any
) -> Outcome:
    received: list[Outcome] = []

    def callback(error: BaseException | None, token: str | None) -> None:
        received.append(_outcome(token, error))

    handle = jwt_async.sign_callback(payload, key, node_options, callback)
    assert isinstance(handle, asyncio.Future)
    await handle
    assert len(received) == 1
    return received[0]


@FUZZ
@given(call=hostile_calls())
def test_the_entry_points_agree(runner: asyncio.Runner, call: Call) -> None:
    """sign_sync, sign and both sign_callback paths give one outcome for one input."""
    payload, key, options = call
    options.pop("mutate_payload", None)  # each call would change the payload
    node = {NODE_OPTION_NAMES[name]: value for name, value in options.items()}
    value = key.value
    outcomes = [
        _catching(lambda: jwt_async.sign_sync(payload, value, **options)),
        runner.run(_catching_async(lambda: jwt_async.sign(payload, value, **options))),
        _callback_outcome(payload, value, node),
        runner.run(_callback_outcome_on_loop(payload, value, node)),
    ]
    assert outcomes[1:] == outcomes[:1] * 3


# ---------------------------------------------------------------------------
# Properties over well-formed input: every call must sign


@FUZZ
@given(
    claims=json_claim_sets(),
    iat=time_claims(),
    signer=signers(),
    options=valid_claim_options(),
    read_only=st.booleans(),
)
def test_claim_sets_decode_to_the_model_claims(
    claims: dict[str, Any],
    iat: dict[str, Any],
    signer: Signer,
    options: dict[str, Any],
    read_only: bool,
) -> None:
    """A JSON claim set signs, and PyJWT reads back exactly the model's claims."""
    payload: Any = {**iat, **claims}
    before = copy.deepcopy(payload)
    if read_only and not options.get("mutate_payload"):
        payload = _ReadOnly(before)
    token = jwt_async.sign_sync(
        payload, signer.key, algorithm=signer.algorithm, **options
    )
    expected = model_claims(before, options)
    header = jwt.get_unverified_header(token)
    expected_header = model_header(before, {**options, "algorithm": signer.algorithm})
    assert_same_json(header, js_value(expected_header))
    if signer.algorithm == "none":
        assert token.endswith(".")
        decoded = jwt.decode(token, options={"verify_signature": False})
    else:
        decoded = jwt.decode(
            token,
            signer.verify_key,
            algorithms=[signer.algorithm],
            options=NO_CLAIM_CHECKS,
        )
    assert_same_json(decoded, js_value(expected))
    if options.get("mutate_payload"):
        assert list(payload) == list(expected)
        assert payload == expected
    else:
        assert payload == before


class _ReadOnly(Mapping[str, Any]):
    """A read-only mapping that is not a dict."""

    def __init__(self, items: Mapping[str, Any]) -> None:
        self._items = dict(items)

    def __getitem__(self, name: str) -> Any:
        return self._items[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


@FUZZ
@given(
    payload=non_json_payloads(),
    signer=signers(),
    encoding=st.sampled_from([None, "utf8", "utf16le", "latin1", "ascii"]),
)
def test_other_payloads_are_signed_as_given(
    payload: Any, signer: Signer, encoding: str | None
) -> None:
    """Text, bytes and numbers become exactly the expected segment, signed."""
    codec = codec_of({"encoding": encoding})
    text_fits = True
    if isinstance(payload, str):
        try:
            js_string(payload).encode(codec)
        except UnicodeEncodeError:
            text_fits = False
    if not text_fits:
        with pytest.raises(jwt_async.InvalidPayloadError):
            jwt_async.sign_sync(
                payload, signer.key, algorithm=signer.algorithm, encoding=encoding
            )
        return
    token = jwt_async.sign_sync(
        payload, signer.key, algorithm=signer.algorithm, encoding=encoding
    )
    header_part, payload_part, signature = token.split(".")
    assert json.loads(segment(header_part)) == {"alg": signer.algorithm}
    assert segment(payload_part) == model_segment(payload, codec)
    if signer.algorithm == "none":
        assert signature == ""
    else:
        found = jwt.api_jws.PyJWS().decode(
            token, signer.verify_key, algorithms=[signer.algorithm]
        )
        assert found == model_segment(payload, codec)


# ---------------------------------------------------------------------------
# Properties of the encoders


@FUZZ
@given(value=json_values(), codec=st.sampled_from(["utf-8", "utf-16-le"]))
def test_json_reads_back_as_the_javascript_value(value: Any, codec: str) -> None:
    """json.loads of jwt_async's JSON bytes gives the value as JavaScript sees it."""
    encoded = json_bytes(value, "payload", codec)
    assert_same_json(json.loads(encoded.decode(codec)), js_value(value))
    if codec == "utf-8" and isinstance(value, dict):
        assert encoded == json_bytes({**value}, "payload")  # fast path or not


@FUZZ
@given(number=st.floats(allow_nan=False, allow_infinity=False))
def test_js_number_round_trips_in_javascript_layout(number: float) -> None:
    """Floats are written in JavaScript's layout and read back to the same float."""
    text = js_number(number, "x")
    assert float(text) == number
    assert text == reference_js_number(number)


@FUZZ
@given(text=timespan_strings())
def test_timespans_follow_the_ms_grammar_exactly(text: str) -> None:
    """A string is a timespan iff the reference grammar says so, for as many ms."""
    expected = reference_milliseconds(text)
    assert timespan_milliseconds(text) == expected
    if expected is None:
        with pytest.raises(jwt_async.InvalidOptionError):
            check_timespan(text, "expires_in")
    else:
        assert check_timespan(text, "expires_in") == text


PROPERTIES = [
    test_sign_sync_gives_a_sound_token_or_a_jwt_error,
    test_the_entry_points_agree,
    test_claim_sets_decode_to_the_model_claims,
    test_other_payloads_are_signed_as_given,
    test_json_reads_back_as_the_javascript_value,
    test_js_number_round_trips_in_javascript_layout,
    test_timespans_follow_the_ms_grammar_exactly,
]


def test_the_ci_profile_runs_at_least_two_thousand_examples() -> None:
    """The derandomized ci profile adds up to 2,000 examples or more."""
    ci = settings.get_profile("ci")
    assert ci.derandomize
    assert ci.max_examples == CI_EXAMPLES
    assert ci.max_examples * len(PROPERTIES) >= 2000


# ---------------------------------------------------------------------------
# Fixed examples the properties lean on


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (123456789012345680000.0, "123456789012345680000"),
        (0.1, "0.1"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e-6, "0.000001"),
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (-1.5, "-1.5"),
        (-0.0, "0"),
        (100.0, "100"),
        (2.0**53, "9007199254740992"),
        (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (123.456, "123.456"),
    ],
)
def test_floats_print_as_in_javascript(number: float, text: str) -> None:
    """js_number and the reference both print what String(number) gives in Node."""
    assert js_number(number, "x") == text
    assert reference_js_number(number) == text


@pytest.mark.parametrize(
    ("text", "milliseconds"),
    [
        ("2 days", 172_800_000.0),
        ("10h", 36_000_000.0),
        ("-.5s", -500.0),
        ("1.5 YEARS", 1.5 * 31_557_600_000.0),
        ("100", 100.0),
        ("7 ", 7.0),
        ("0" * 100 + "1", None),
        ("0" * 99 + "1", 1.0),
        ("1\n", None),
        (" 1", None),
        ("1\t", None),
        ("1 h\n", None),
        ("\u0663h", None),
        ("1\u017f", None),
        ("1.", None),
        ("1e3", None),
        ("+1", None),
        ("", None),
    ],
)
def test_timespan_examples(text: str, milliseconds: float | None) -> None:
    """Hand-picked edges of the ms grammar: Python's $, \\d and case rules differ."""
    assert reference_milliseconds(text) == milliseconds
    assert timespan_milliseconds(text) == milliseconds


# ---------------------------------------------------------------------------
# Inputs that once escaped as other exceptions or took too long

_HUGE: Any = 10**5000  # past sys.get_int_max_str_digits()


def _token_or_jwt_error(call: Callable[[], object]) -> None:
    """Call ``call``; a token or a JWTError is fine, any other exception is not."""
    try:
        call()
    except JWTError:
        pass


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: jwt_async.sign_sync({"n": _HUGE}, "k"), id="claim"),
        pytest.param(lambda: jwt_async.sign_sync(_HUGE, "k"), id="payload"),
        pytest.param(lambda: jwt_async.sign_sync({}, "k", expires_in=_HUGE), id="exp"),
        pytest.param(lambda: jwt_async.sign_sync({}, "k", algorithm=_HUGE), id="alg"),
        pytest.param(
            lambda: jwt_async.sign_sync({}, "k", header={"alg": _HUGE}), id="header"
        ),
        pytest.param(
            lambda: jwt_async.sign_sync({}, {"key": "k", _HUGE: 1}),
            id="key-mapping",
        ),
    ],
)
def test_integers_past_the_digit_limit_give_a_jwt_error(
    call: Callable[[], object],
) -> None:
    """An integer past Python's int-to-str digit limit is a JWTError, not ValueError."""
    _token_or_jwt_error(call)


@pytest.mark.parametrize(
    ("payload", "expires_in"),
    [
        ({"iat": 1.5}, 10**400),
        ({"iat": 10**400}, "1h"),
        ({"iat": 10**400}, datetime.timedelta(days=1)),
    ],
    ids=["float-iat-huge-span", "huge-iat-string-span", "huge-iat-timedelta"],
)
def test_exp_beyond_float_range_gives_a_jwt_error(
    payload: dict[str, Any], expires_in: Any
) -> None:
    """An exp past the float range is written or refused, never an OverflowError."""
    _token_or_jwt_error(
        lambda: jwt_async.sign_sync(payload, "k", expires_in=expires_in)
    )


_NESTED_LISTS: Any = []
for _ in range(100_000):
    _NESTED_LISTS = [_NESTED_LISTS]


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(b'{"kty":' + b"[" * 100_000, id="json-text"),
        pytest.param({"kty": "oct", "k": "c2Vj", "x": _NESTED_LISTS}, id="jwk-dict"),
    ],
)
def test_deeply_nested_json_key_gives_a_jwt_error(key: Any) -> None:
    """A key holding deeply nested JSON is refused or used, never a RecursionError."""
    _token_or_jwt_error(lambda: jwt_async.sign_sync({}, key))


@pytest.mark.parametrize(
    ("jwk", "algorithm"),
    [
        ({"kty": "EC", "crv": [], "x": "AA", "y": "AA", "d": "AA"}, "ES256"),
        ({"kty": "OKP", "crv": {}, "d": "AA"}, "EdDSA"),
    ],
    ids=["EC", "OKP"],
)
def test_a_jwk_with_an_unhashable_curve_gives_a_jwt_error(
    jwk: dict[str, Any], algorithm: str
) -> None:
    """A JWK whose "crv" is a list or object is refused, not a TypeError."""
    with pytest.raises(jwt_async.InvalidKeyError):
        jwt_async.sign_sync({}, jwk, algorithm=algorithm)


def test_many_pem_begin_lines_are_classified_quickly() -> None:
    """A 51 KB key of unmatched BEGIN lines is classified in linear time."""
    key = b"-----BEGIN A-----" * 3000
    started = time.perf_counter()
    _token_or_jwt_error(lambda: jwt_async.sign_sync({}, key))
    # Linear work takes milliseconds; rescanning per BEGIN line took seconds.
    assert time.perf_counter() - started < 0.25


def test_a_surrogate_pair_secret_signs_as_its_utf8() -> None:
    """A secret holding a surrogate pair as two code points is its character's UTF-8."""
    token = jwt_async.sign_sync({}, "k\ud83d\ude00", no_timestamp=True)
    signing_input, _, signature = token.rpartition(".")
    expected = hmac.digest("k\U0001f600".encode(), signing_input.encode(), "sha256")
    assert segment(signature) == expected
