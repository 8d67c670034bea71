"""Hypothesis strategies for hostile ``sign`` inputs, and the fuzz profiles.

Two profiles are registered; ``JWT_ASYNC_HYPOTHESIS_PROFILE`` picks one
(default ``ci``):

``ci``
    derandomized (a fixed seed: every run draws the same examples), no
    example database, 400 examples per property.
``long``
    a fresh random seed each run and 25,000 examples per property, for the
    long fuzz run::

        JWT_ASYNC_HYPOTHESIS_PROFILE=long python -m pytest tests/test_fuzz.py

Both give each example five seconds before calling it a hang.

Every key strategy draws a :class:`KeyCase`: the ``key`` argument together
with what a token signed with it must verify with, worked out here with
``cryptography`` alone, not with jwt_async.
"""

from __future__ import annotations

import datetime
import json
import os
import types
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import jwt.algorithms
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa, x25519
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.helpers import KEYS

PROFILE_VARIABLE = "JWT_ASYNC_HYPOTHESIS_PROFILE"
CI_EXAMPLES = 400
_HANG = datetime.timedelta(seconds=5)
_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    max_examples=CI_EXAMPLES,
    deadline=_HANG,
    print_blob=True,
    suppress_health_check=_QUIET,
)
settings.register_profile(
    "long",
    derandomize=False,
    database=None,
    max_examples=25_000,
    deadline=_HANG,
    print_blob=True,
    suppress_health_check=_QUIET,
)


def fuzz_settings() -> settings:
    """Return the profile named by ``JWT_ASYNC_HYPOTHESIS_PROFILE`` (``ci``).

    Used as a decorator on each property rather than loaded globally, so that
    other test modules keep Hypothesis' defaults.
    """
    return settings.get_profile(os.environ.get(PROFILE_VARIABLE, "ci"))


ALGORITHMS = (
    *(
        f"{family}{bits}"
        for family in ("HS", "RS", "PS", "ES")
        for bits in (256, 384, 512)
    ),
    "ES256K",
    "EdDSA",
    "none",
)
NODE_OPTION_NAMES = {
    "algorithm": "algorithm",
    "expires_in": "expiresIn",
    "not_before": "notBefore",
    "audience": "audience",
    "issuer": "issuer",
    "subject": "subject",
    "jwtid": "jwtid",
    "keyid": "keyid",
    "header": "header",
    "no_timestamp": "noTimestamp",
    "mutate_payload": "mutatePayload",
    "encoding": "encoding",
    "allow_insecure_key_sizes": "allowInsecureKeySizes",
    "allow_invalid_asymmetric_key_types": "allowInvalidAsymmetricKeyTypes",
}
"""Each keyword option and its name in node-jsonwebtoken (``sign_callback``)."""
PASSPHRASE = "correct horse"
"""The passphrase of the committed encrypted test keys."""

PublicKey = (
    rsa.RSAPublicKey
    | ec.EllipticCurvePublicKey
    | ed25519.Ed25519PublicKey
    | ed448.Ed448PublicKey
)


class Opaque:
    """An object of a class jwt_async knows nothing about."""

    def __repr__(self) -> str:
        return "Opaque()"


# ---------------------------------------------------------------------------
# Text, numbers and JSON values

_AWKWARD_TEXT = (
    "\ud83d\ude00",  # a surrogate pair stored as two code points
    "\ud800",
    "\udfff",
    "\ud83d",
    "\x00",
    "\x1f",
    "\u2028",
    '"',
    "\\",
    "é",
    "€",
    "\U0001f600",
    "\ufeff",
)
_characters = st.one_of(
    st.characters(exclude_categories=()),
    st.characters(categories=["Cs"]),
    st.sampled_from(_AWKWARD_TEXT),
)


@cache
def texts(max_size: int = 12) -> st.SearchStrategy[str]:
    """Strings with every kind of code point, lone surrogates included."""
    return st.lists(_characters, max_size=max_size).map("".join)


@cache
def big_integers() -> st.SearchStrategy[int]:
    """Integers up to 4,000 digits, below Python's int-to-str limit."""
    return st.one_of(
        st.integers(),
        st.integers(min_value=0, max_value=4000).map(lambda n: 10**n),
        st.integers(min_value=0, max_value=4000).map(lambda n: -(10**n) - 1),
        st.sampled_from([2**53, 2**53 + 1, -(2**63), 2**64]),
    )


_SPECIAL_FLOATS = (
    -0.0,
    0.0,
    1e308,
    1.7976931348623157e308,
    5e-324,
    1e21,
    1e-7,
    0.1 + 0.2,
    2.0**53,
    float("nan"),
    float("inf"),
    float("-inf"),
)


@cache
def any_floats() -> st.SearchStrategy[float]:
    """Every float, NaN and the infinities included."""
    return st.one_of(st.floats(), st.sampled_from(_SPECIAL_FLOATS))


@cache
def finite_floats() -> st.SearchStrategy[float]:
    """Every finite float."""
    return st.one_of(
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from([x for x in _SPECIAL_FLOATS if x - x == 0]),
    )


@cache
def _json_scalars(floats: st.SearchStrategy[float]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), st.booleans(), big_integers(), floats, texts())


@cache
def json_values(*, finite: bool = True) -> st.SearchStrategy[Any]:
    """Nested JSON values: objects with str keys, arrays as lists or tuples."""
    scalars = _json_scalars(finite_floats() if finite else any_floats())
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.lists(inner, max_size=3).map(tuple),
            st.dictionaries(texts(), inner, max_size=4),
        ),
        max_leaves=16,
    )


@cache
def _not_json() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sets(st.integers(), max_size=2),
        st.frozensets(st.text(max_size=2), max_size=2),
        st.datetimes(),
        st.dates(),
        st.timedeltas(),
        st.decimals(allow_nan=True),
        st.complex_numbers(max_magnitude=10),
        st.binary(max_size=6),
        st.binary(max_size=6).map(bytearray),
        st.builds(Opaque),
        st.just(object()),
        st.just(Ellipsis),
        st.just(len),
    )


@cache
def _odd_keys() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.integers(),
        st.none(),
        st.booleans(),
        st.floats(),
        st.binary(max_size=4),
        st.tuples(st.integers()),
        st.builds(Opaque),
    )


@cache
def hostile_values() -> st.SearchStrategy[Any]:
    """JSON values with non-JSON leaves, non-str keys and NaN hidden inside."""
    leaves = st.one_of(_json_scalars(any_floats()), _not_json())
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.lists(inner, max_size=3).map(tuple),
            st.dictionaries(texts(), inner, max_size=4),
            st.dictionaries(st.one_of(texts(), _odd_keys()), inner, max_size=3),
        ),
        max_leaves=16,
    )


@cache
def ill_typed() -> st.SearchStrategy[Any]:
    """Values of a wrong type for most options."""
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        any_floats(),
        st.decimals(allow_nan=True, places=3),
        st.binary(max_size=8),
        st.lists(st.integers(), max_size=3),
        st.lists(st.text(max_size=3), max_size=2).map(tuple),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
        st.sets(st.integers(), max_size=2),
        st.datetimes(),
        st.builds(Opaque),
        texts(),
    )


# ---------------------------------------------------------------------------
# Timespans


UNIT_NAMES = (
    *("milliseconds", "millisecond", "msecs", "msec", "ms"),
    *("seconds", "second", "secs", "sec", "s"),
    *("minutes", "minute", "mins", "min", "m"),
    *("hours", "hour", "hrs", "hr", "h"),
    *("days", "day", "d", "weeks", "week", "w"),
    *("years", "year", "yrs", "yr", "y"),
)
_TIMESPAN_PIECES = (
    *UNIT_NAMES,
    "-",
    "--",
    ".",
    "..",
    "0",
    "1",
    "9",
    "12",
    "007",
    " ",
    "  ",
    "\t",
    "\n",
    "\u00a0",
    "\u0663",  # ARABIC-INDIC DIGIT THREE
    "\uff11",  # FULLWIDTH DIGIT ONE
    "\u00b2",
    "e",
    "e5",
    "+",
    ",",
    "_",
    "x",
    "\u017f",  # LATIN SMALL LETTER LONG S, which upper-cases to "S"
    "\u212a",  # KELVIN SIGN, which lower-cases to "k"
    "MS",
    "Hrs",
    "YEARS",
)


def _mixed_case(unit: str, mask: int) -> str:
    return "".join(c.upper() if mask >> i & 1 else c for i, c in enumerate(unit))


@cache
def well_formed_timespans() -> st.SearchStrategy[str]:
    """Strings in the ``ms`` grammar: a number, spaces, a unit in any case."""
    return st.builds(
        lambda sign, whole, dot, fraction, spaces, unit, mask: (
            f"{sign}{whole}{dot}{fraction}{' ' * spaces}{_mixed_case(unit, mask)}"
        ),
        st.sampled_from(["", "-"]),
        st.from_regex(r"[0-9]{0,4}", fullmatch=True),
        st.sampled_from(["", "."]),
        st.from_regex(r"[0-9]{1,4}", fullmatch=True),
        st.integers(min_value=0, max_value=3),
        st.sampled_from(["", *UNIT_NAMES]),
        st.integers(min_value=0, max_value=2**12),
    )


@cache
def timespan_strings() -> st.SearchStrategy[str]:
    """Strings in the ``ms`` grammar, at its length limit and just outside it."""
    at_the_length_limit = st.builds(
        lambda zeros, unit: "0" * zeros + "1" + unit,
        st.integers(min_value=90, max_value=105),
        st.sampled_from(["", "s", " ms", "years"]),
    )
    # "\u017f" (long s) matches "s" only under Unicode case folding.
    long_s_units = [unit.replace("s", "\u017f") for unit in UNIT_NAMES if "s" in unit]
    look_alike = st.builds(
        lambda number, unit: number + unit,
        st.from_regex(r"[0-9]{1,3}", fullmatch=True),
        st.sampled_from(long_s_units),
    )
    return st.one_of(
        well_formed_timespans(),
        look_alike,
        at_the_length_limit,
        st.lists(st.sampled_from(_TIMESPAN_PIECES), max_size=8).map("".join),
        texts(),
    )


@cache
def aware_datetimes() -> st.SearchStrategy[datetime.datetime]:
    """Datetimes with a fixed UTC offset: absolute times."""
    offsets = st.timedeltas(
        min_value=datetime.timedelta(hours=-23), max_value=datetime.timedelta(hours=23)
    )
    return st.datetimes(timezones=st.builds(datetime.timezone, offsets))


@cache
def valid_timespans() -> st.SearchStrategy[Any]:
    """What ``expires_in`` accepts: seconds, ``ms`` strings, timedeltas, datetimes."""
    return st.one_of(
        st.integers(min_value=-(10**12), max_value=10**12),
        st.integers(min_value=0, max_value=300).map(lambda n: 10**n),
        st.integers(min_value=-(2**53), max_value=2**53).map(float),
        st.timedeltas(),
        aware_datetimes(),
        well_formed_timespans(),
    )


# ---------------------------------------------------------------------------
# Options


ENCODING_NAMES = (
    *("utf8", "UTF-8", "utf16le", "utf-16le", "UCS2", "ucs-2"),
    *("latin1", "binary", "ascii", ""),
)
BAD_ENCODING_NAMES = ("hex", "base64", "base64url", "utf-32", "utf_8", "utf-16")


@cache
def _good_headers() -> st.SearchStrategy[dict[str, Any]]:
    fields = st.dictionaries(
        st.one_of(st.sampled_from(["typ", "kid", "cty", "x5t", "crit"]), texts()),
        json_values(),
        max_size=3,
    )
    with_alg = st.builds(
        lambda f, a: {**f, "alg": a}, fields, st.sampled_from(ALGORITHMS)
    )
    return st.one_of(fields, with_alg)


@cache
def _bad_headers() -> st.SearchStrategy[Any]:
    fields = st.dictionaries(texts(), hostile_values(), min_size=1, max_size=3)
    with_bad_alg = st.builds(
        lambda f, a: {**f, "alg": a},
        st.dictionaries(texts(), st.integers()),
        ill_typed(),
    )
    odd_names = st.dictionaries(_odd_keys(), st.integers(), min_size=1, max_size=2)
    return st.one_of(fields, with_bad_alg, odd_names, ill_typed())


@cache
def _good_audiences() -> st.SearchStrategy[Any]:
    return st.one_of(
        texts(),
        st.lists(texts(), max_size=3),
        st.lists(texts(), max_size=3).map(tuple),
    )


@cache
def _bad_audiences() -> st.SearchStrategy[Any]:
    items = st.lists(st.one_of(texts(), st.integers(), st.none()), max_size=3)
    not_a_string = st.one_of(st.integers(), st.none(), st.binary(max_size=3))
    return st.builds(lambda v, x: [*v, x], items, not_a_string)


_FLAG_LOOKALIKES = st.sampled_from([0, 1, "true", "", 1.0, b"1"])
GOOD_OPTIONS: dict[str, st.SearchStrategy[Any]] = {
    "expires_in": valid_timespans(),
    "not_before": valid_timespans(),
    "audience": _good_audiences(),
    "issuer": texts(),
    "subject": texts(),
    "jwtid": texts(),
    "keyid": texts(),
    "header": _good_headers(),
    "no_timestamp": st.booleans(),
    "mutate_payload": st.booleans(),
    "encoding": st.sampled_from(ENCODING_NAMES),
    "allow_insecure_key_sizes": st.booleans(),
    "allow_invalid_asymmetric_key_types": st.booleans(),
}
"""Well-typed values of every option but ``algorithm``."""
BAD_OPTIONS: dict[str, st.SearchStrategy[Any]] = {
    "algorithm": st.one_of(
        st.sampled_from(["hs256", "HS256 ", "RS1", "ES521", "EdDSA\x00", ""]),
        ill_typed(),
    ),
    "expires_in": st.one_of(timespan_strings(), ill_typed()),
    "not_before": st.one_of(timespan_strings(), ill_typed()),
    "audience": st.one_of(_bad_audiences(), ill_typed()),
    "issuer": ill_typed(),
    "subject": ill_typed(),
    "jwtid": ill_typed(),
    "keyid": ill_typed(),
    "header": _bad_headers(),
    "no_timestamp": _FLAG_LOOKALIKES,
    "mutate_payload": _FLAG_LOOKALIKES,
    "encoding": st.one_of(st.sampled_from(BAD_ENCODING_NAMES), texts(), ill_typed()),
    "allow_insecure_key_sizes": _FLAG_LOOKALIKES,
    "allow_invalid_asymmetric_key_types": _FLAG_LOOKALIKES,
}
"""Values of every option that may be of the wrong type or out of range."""


# ---------------------------------------------------------------------------
# Payloads

REGISTERED_CLAIMS = ("iat", "nbf", "exp", "aud", "iss", "sub", "jti")


@cache
def _time_claim_values() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.integers(min_value=-(2**60), max_value=2**60),
        any_floats(),
        st.booleans(),
        texts(),
        st.none(),
    )


@cache
def claim_sets() -> st.SearchStrategy[dict[Any, Any]]:
    """Dict payloads with hostile values, sometimes holding registered claims."""
    registered = st.fixed_dictionaries(
        {},
        optional={
            "iat": _time_claim_values(),
            "nbf": _time_claim_values(),
            "exp": _time_claim_values(),
            "aud": ill_typed(),
            "sub": ill_typed(),
        },
    )
    others = st.dictionaries(
        st.one_of(texts(), _odd_keys()), hostile_values(), max_size=5
    )
    return st.builds(lambda a, b: {**b, **a}, registered, others)


@cache
def clean_claim_sets() -> st.SearchStrategy[dict[str, Any]]:
    """JSON claim sets, some holding numeric iat, nbf or exp claims."""
    times = st.one_of(
        st.integers(min_value=-(2**60), max_value=2**60),
        st.floats(min_value=-1e300, max_value=1e300),
    )
    registered: st.SearchStrategy[dict[str, Any]] = st.one_of(
        st.just({}),
        st.just({}),
        st.fixed_dictionaries(
            {}, optional={"iat": times, "nbf": times, "exp": times, "sub": texts()}
        ),
    )
    others = st.dictionaries(texts(), json_values(), max_size=5)
    return st.builds(lambda a, b: {**b, **a}, registered, others)


@cache
def any_payloads() -> st.SearchStrategy[Any]:
    """Claim sets and every other kind of object a caller might pass."""
    clean = clean_claim_sets()
    junk = st.one_of(
        st.binary(max_size=16).map(lambda b: memoryview(b)),
        any_floats(),
        st.none(),
        st.lists(st.integers(), max_size=3),
        st.lists(st.integers(), max_size=3).map(tuple),
        _not_json(),
    )
    return st.one_of(
        *[clean] * 4,
        clean.map(types.MappingProxyType),
        claim_sets(),
        non_json_payloads(),
        non_json_payloads(),
        junk,
    )


@cache
def json_claim_sets() -> st.SearchStrategy[dict[str, Any]]:
    """Claim sets of finite JSON values, without registered claim names."""
    return st.dictionaries(
        texts().filter(lambda name: name not in REGISTERED_CLAIMS),
        json_values(),
        max_size=6,
    )


# ---------------------------------------------------------------------------
# Keys


@dataclass(frozen=True, eq=False)
class KeyCase:
    """A ``key`` argument and what any token signed with it must verify with.

    :ivar secret: the HMAC secret the key may stand for, or None when it must
        never be taken as one.
    :ivar public: the public key of the private key it holds, or None when it
        must never make an RSA or ECDSA signature.
    :ivar unsigned_ok: whether it may go with ``alg: none``.
    :ivar pss_algorithms: for an RSA-PSS key, the algorithms it is bound to.
    :ivar only_algorithm: the one algorithm a JWK's ``alg`` allows, if any.
    """

    label: str
    value: Any
    secret: bytes | None = None
    public: PublicKey | None = None
    unsigned_ok: bool = False
    pss_algorithms: frozenset[str] | None = None
    only_algorithm: str | None = None

    def __repr__(self) -> str:
        shown = repr(self.value)
        shown = shown if len(shown) <= 70 else f"{shown[:70]}..."
        return f"KeyCase({self.label}: {shown})"


def js_bytes(text: str) -> bytes | None:
    """UTF-8 of ``text`` as JavaScript reads it, or None with a lone surrogate."""
    try:
        joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError:
        return None
    return joined.encode("utf-8")


def _secret_case(label: str, value: str | bytes | bytearray | memoryview) -> KeyCase:
    secret = js_bytes(value) if isinstance(value, str) else bytes(value)
    if secret == b"":
        return KeyCase(label, value, unsigned_ok=True)
    return KeyCase(label, value, secret=secret, unsigned_ok=secret is not None)


_SIGNING_TYPES = (
    rsa.RSAPrivateKey,
    ec.EllipticCurvePrivateKey,
    ed25519.Ed25519PrivateKey,
    ed448.Ed448PrivateKey,
)


def _public_of(key: object) -> PublicKey | None:
    if isinstance(key, _SIGNING_TYPES):
        return key.public_key()
    return None


def load_public(pem: bytes, passphrase: bytes | None) -> PublicKey | None:
    """Load ``pem`` with ``cryptography`` and return its public key, if it signs."""
    password = passphrase if b"ENCRYPTED" in pem else None
    try:
        key = serialization.load_pem_private_key(pem, password)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return None
    return _public_of(key)


@cache
def key_file(name: str) -> bytes:
    """Return the bytes of a committed test key file (cached)."""
    return (KEYS / name).read_bytes()


@cache
def loaded_key(name: str) -> Any:
    """Return a committed private key file, loaded (cached)."""
    data = key_file(name)
    password = PASSPHRASE.encode() if b"ENCRYPTED" in data else None
    return serialization.load_pem_private_key(data, password)


@cache
def loaded_public(name: str) -> PublicKey:
    """Return the public key of a committed private key file (cached)."""
    public = _public_of(loaded_key(name))
    assert public is not None
    return public


_PSS_BINDINGS = {
    "rsapss2048.pem": frozenset({"PS256", "PS384", "PS512"}),
    "rsapss2048_sha256.pem": frozenset({"PS256"}),
    "rsapss2048_sha256_salt64.pem": frozenset(),
}
# PEM private keys: the RSA-2048 ones take ~30 ms to load, so they are few.
_FAST_PRIVATE_PEMS = (
    "ed25519.pem",
    "ed448.pem",
    "ec_p256.pem",
    "ec_p256_sec1.pem",
    "ec_p384.pem",
    "ec_p521.pem",
    "ec_secp256k1.pem",
    "rsa512.pem",
    "rsa1024.pem",
)
_SLOW_PRIVATE_PEMS = ("rsa2048_pkcs1.pem", *_PSS_BINDINGS)
_ENCRYPTED_PEMS = ("ec_p256_encrypted.pem", "rsa2048_encrypted.pem")
_NEVER_KEYS = (
    "ec_p256_public.pem",
    "ed25519_public.pem",
    "rsa2048_public.pem",
    "rsa2048_public_pkcs1.pem",
    "rsapss2048_sha256_public.pem",
    "rsa2048_cert.pem",
    "rsa2048_ssh.pub",
    "ec_p256_ssh.pub",
    "ed25519_ssh.pub",
    "rsa2048_public.der",
    "rsa2048_private.der",
    *_ENCRYPTED_PEMS,  # without a passphrase
)


def _as(form: str, data: bytes) -> object:
    if form == "str":
        return data.decode("latin-1")
    return {"bytes": bytes, "bytearray": bytearray, "memoryview": memoryview}[form](
        data
    )


_FORMS = st.sampled_from(["str", "bytes", "bytearray", "memoryview"])


def _private_pem(name: str, form: str) -> KeyCase:
    public = loaded_public(name)
    return KeyCase(
        f"{name} as {form}",
        _as(form, key_file(name)),
        public=public,
        pss_algorithms=_PSS_BINDINGS.get(name),
    )


def _never(name: str, form: str) -> KeyCase:
    if name.endswith(".der") and form == "str":
        form = "bytes"  # binary DER as text is other bytes: a plain secret
    return KeyCase(f"{name} as {form}", _as(form, key_file(name)))


def _corrupted(name: str, position: int, action: str, char: bytes) -> KeyCase:
    # The result may still load (as another key), or no longer look like
    # PEM at all and so pass for an HMAC secret: both are allowed, as long
    # as the token verifies with what the bytes really are.
    data = key_file(name)
    at = position % (len(data) + 1)
    if action == "truncate":
        broken = data[:at]
    elif action == "delete":
        broken = data[:at] + data[at + 1 :]
    else:
        broken = data[:at] + char + data[at + 1 :]
    return KeyCase(
        f"{name} {action}d at {at}",
        broken,
        secret=broken or None,
        public=load_public(broken, None),
        unsigned_ok=True,
    )


_PASSPHRASES: tuple[object, ...] = (
    None,
    PASSPHRASE,
    PASSPHRASE.encode(),
    bytearray(PASSPHRASE.encode()),
    "correct horse ",
    "",
    "\ud800",
    b"wrong",
    1234,
    ["correct horse"],
)


def _mapping_case(name: str, passphrase: object, extra: bool) -> KeyCase:
    pem = key_file(name)
    value: dict[str, object] = {"key": pem.decode("ascii"), "passphrase": passphrase}
    if extra:
        value["kid"] = "1"
    label = f"{{key: {name}, passphrase: {passphrase!r}{', kid' if extra else ''}}}"
    password: bytes | None = None
    usable = passphrase is None
    if isinstance(passphrase, bytes | bytearray):
        password, usable = bytes(passphrase), True
    elif isinstance(passphrase, str):
        password = js_bytes(passphrase)
        usable = password is not None
    if extra or not usable:
        return KeyCase(label, value)
    return KeyCase(label, value, public=load_public(pem, password))


def _jwk_of(name: str, **extra: object) -> dict[str, Any]:
    key = loaded_key(name)
    maker: Any = (
        jwt.algorithms.RSAAlgorithm
        if isinstance(key, rsa.RSAPrivateKey)
        else jwt.algorithms.ECAlgorithm
        if isinstance(key, ec.EllipticCurvePrivateKey)
        else jwt.algorithms.OKPAlgorithm
    )
    return {**maker.to_jwk(key, as_dict=True), **extra}


def _jwk_cases() -> list[KeyCase]:
    """Private JWKs (made by PyJWT) sign; public, damaged or restricted ones not."""
    p256 = loaded_public("ec_p256.pem")
    rsa512 = {
        name: value
        for name, value in _jwk_of("rsa512.pem").items()
        if name in ("kty", "n", "e", "d")  # no primes: they must be recovered
    }
    public_only = {
        name: value for name, value in _jwk_of("ec_p256.pem").items() if name != "d"
    }
    return [
        KeyCase("P-256 JWK", _jwk_of("ec_p256.pem"), public=p256),
        KeyCase("P-256 JWK text", json.dumps(_jwk_of("ec_p256.pem")), public=p256),
        KeyCase(
            "P-256 JWK for ES256",
            _jwk_of("ec_p256.pem", alg="ES256", use="sig", key_ops=["sign"]),
            public=p256,
            only_algorithm="ES256",
        ),
        KeyCase(
            "P-256 JWK for ES384",
            _jwk_of("ec_p256.pem", alg="ES384"),
            public=p256,
            only_algorithm="ES384",
        ),
        KeyCase("P-256 JWK for encryption", _jwk_of("ec_p256.pem", use="enc")),
        KeyCase("P-256 JWK to verify", _jwk_of("ec_p256.pem", key_ops=["verify"])),
        KeyCase("P-256 JWK with bad d", _jwk_of("ec_p256.pem", d="AAAA")),
        KeyCase("P-256 JWK with d not base64url", _jwk_of("ec_p256.pem", d="*")),
        KeyCase("public P-256 JWK", public_only),
        KeyCase("public P-256 JWK text", json.dumps(public_only).encode()),
        KeyCase(
            "Ed25519 JWK", _jwk_of("ed25519.pem"), public=loaded_public("ed25519.pem")
        ),
        KeyCase(
            "RSA-512 JWK without primes", rsa512, public=loaded_public("rsa512.pem")
        ),
        KeyCase("RSA-512 JWK with bad d", {**rsa512, "d": "AQAB"}),
        KeyCase(
            "oct JWK",
            {"kty": "oct", "k": "c2VjcmV0"},
            secret=b"secret",
            unsigned_ok=True,
        ),
        KeyCase(
            "oct JWK for HS384",
            {"kty": "oct", "k": "c2VjcmV0", "alg": "HS384"},
            secret=b"secret",
            unsigned_ok=True,
            only_algorithm="HS384",
        ),
        KeyCase(
            "oct JWK text",
            '{"kty":"oct","k":"c2VjcmV0"}',
            secret=b"secret",
            unsigned_ok=True,
        ),
        KeyCase("oct JWK with empty k", {"kty": "oct", "k": ""}),
        KeyCase("oct JWK without k", {"key": "secret", "kty": "oct"}),
        KeyCase("JWK of unknown kty", {"kty": "DSA", "d": "AQAB"}),
    ]


@cache
def _key_objects() -> tuple[KeyCase, ...]:
    rsa2048 = loaded_key("rsa2048.pem")
    ed25519_key = loaded_key("ed25519.pem")
    certificate = x509.load_pem_x509_certificate(key_file("rsa2048_cert.pem"))
    signing = [
        KeyCase(f"{name} object", loaded_key(name), public=loaded_public(name))
        for name in (
            "rsa2048.pem",
            "rsa1024.pem",
            "rsa512.pem",
            "ec_p256.pem",
            "ec_p384.pem",
            "ec_p521.pem",
            "ec_secp256k1.pem",
            "ed25519.pem",
            "ed448.pem",
        )
    ]
    refused = [
        KeyCase("X25519 private key object", x25519.X25519PrivateKey.generate()),
        KeyCase("RSA public key object", rsa2048.public_key()),
        KeyCase("EC public key object", loaded_public("ec_p256.pem")),
        KeyCase("Ed25519 public key object", ed25519_key.public_key()),
        KeyCase("certificate object", certificate),
        KeyCase("int", 12345),
        KeyCase("float", 1.5),
        KeyCase("list", [b"secret"]),
        KeyCase("empty mapping", {}),
        KeyCase("set", {"secret"}),
        KeyCase("object", Opaque()),
    ]
    unsigned = [
        KeyCase("None", None, unsigned_ok=True),
        KeyCase("empty str", "", unsigned_ok=True),
        KeyCase("empty bytes", b"", unsigned_ok=True),
    ]
    return (*signing, *refused, *_jwk_cases(), *unsigned)


@cache
def keys() -> st.SearchStrategy[KeyCase]:
    """Every kind of ``key``: secrets, PEM, key objects, junk and damage."""
    forms = _FORMS
    return st.one_of(
        st.binary(max_size=64).map(lambda b: _secret_case("bytes secret", b)),
        st.binary(max_size=32).map(lambda b: _secret_case("bytearray", bytearray(b))),
        st.text(max_size=40).map(lambda s: _secret_case("str secret", s)),
        texts(max_size=20).map(lambda s: _secret_case("str secret", s)),
        st.sampled_from(_key_objects()),
        st.builds(_private_pem, st.sampled_from(_FAST_PRIVATE_PEMS), forms),
        st.builds(
            _private_pem,
            st.sampled_from((*_FAST_PRIVATE_PEMS, *_SLOW_PRIVATE_PEMS)),
            st.just("str"),
        ),
        st.builds(_never, st.sampled_from(_NEVER_KEYS), forms),
        st.builds(
            _corrupted,
            st.sampled_from(
                ["ec_p256.pem", "ec_p256_sec1.pem", "rsa512.pem", "ec_p256_public.pem"]
            ),
            st.integers(min_value=0, max_value=400),
            st.sampled_from(["truncate", "delete", "replace"]),
            st.sampled_from([b"A", b"/", b"=", b"-", b"\n", b" ", b"\x00", b"\xff"]),
        ),
        st.builds(
            _mapping_case,
            st.sampled_from(["ec_p256.pem", "ec_p256_encrypted.pem", "rsa512.pem"]),
            st.sampled_from(_PASSPHRASES),
            st.booleans(),
        ),
    )


def natural_algorithms(key: KeyCase) -> tuple[str, ...]:
    """The algorithms ``key`` is meant for, so that many draws can sign."""
    if key.only_algorithm is not None:
        return (key.only_algorithm,)
    if key.pss_algorithms is not None:
        return tuple(sorted(key.pss_algorithms)) or ("PS256",)
    public = key.public
    if isinstance(public, rsa.RSAPublicKey):
        return tuple(
            f"{family}{bits}" for family in ("RS", "PS") for bits in (256, 384, 512)
        )
    if isinstance(public, ec.EllipticCurvePublicKey):
        return {
            "secp256r1": ("ES256",),
            "secp384r1": ("ES384",),
            "secp521r1": ("ES512",),
            "secp256k1": ("ES256K",),
        }[public.curve.name]
    if public is not None:
        return ("EdDSA",)
    if key.secret is not None:
        return ("HS256", "HS384", "HS512")
    return ("none",)


_CLAIM_OPTIONS = (
    *("expires_in", "not_before", "audience", "issuer", "subject", "jwtid"),
    "no_timestamp",
)


@st.composite
def _hostile_calls(draw: st.DrawFn) -> tuple[Any, KeyCase, dict[str, Any]]:
    key = draw(keys())
    natural = st.sampled_from(natural_algorithms(key))
    tame = draw(st.sampled_from([True] * 3 + [False] * 2))
    algorithm: str | None
    if tame:  # a good payload and options that fit the key
        payload = draw(st.one_of(clean_claim_sets(), non_json_payloads()))
        algorithm = draw(natural)
        spoil = 0
    else:
        payload = draw(any_payloads())
        algorithm = draw(st.one_of(natural, st.sampled_from(ALGORITHMS), st.none()))
        spoil = draw(st.sampled_from([0, 1, 1, 2]))
    options = draw(st.fixed_dictionaries({}, optional=GOOD_OPTIONS))
    if algorithm is not None:
        options["algorithm"] = algorithm
    if not isinstance(payload, Mapping) and (tame or draw(st.booleans())):
        for name in _CLAIM_OPTIONS:
            options.pop(name, None)  # they would refuse every such call
    names = st.sampled_from(sorted(BAD_OPTIONS))
    for name in draw(st.lists(names, min_size=spoil, max_size=spoil, unique=True)):
        options[name] = draw(BAD_OPTIONS[name])
    return payload, key, options


@cache
def hostile_calls() -> st.SearchStrategy[tuple[Any, KeyCase, dict[str, Any]]]:
    """A payload, a key and options: mostly well-typed, some of them spoiled.

    The algorithm usually fits the key and claim options mostly come with claim
    sets, so that a fair share of draws sign and have their tokens checked;
    the rest probe the ways to be refused.
    """
    return _hostile_calls()


# ---------------------------------------------------------------------------
# Well-formed signers, for the properties where every call must succeed


@dataclass(frozen=True)
class Signer:
    """A working algorithm and key pair, and the key that verifies its tokens."""

    algorithm: str
    key: Any
    verify_key: Any

    def __repr__(self) -> str:
        return f"Signer({self.algorithm}, {type(self.key).__name__})"


_HMAC_SECRET = "a 64-byte HMAC secret that PyJWT will not call short.  " + "x" * 9


@cache
def _signers() -> tuple[Signer, ...]:
    rsa2048 = loaded_key("rsa2048.pem")
    signers = [Signer("none", None, None)]
    for bits in (256, 384, 512):
        signers.append(Signer(f"HS{bits}", _HMAC_SECRET, _HMAC_SECRET))
        signers.append(
            Signer(f"HS{bits}", _HMAC_SECRET.encode(), _HMAC_SECRET.encode())
        )
        signers.append(Signer(f"RS{bits}", rsa2048, rsa2048.public_key()))
        signers.append(Signer(f"PS{bits}", rsa2048, rsa2048.public_key()))
    for alg, name in (
        ("ES256", "ec_p256.pem"),
        ("ES384", "ec_p384.pem"),
        ("ES512", "ec_p521.pem"),
        ("ES256K", "ec_secp256k1.pem"),
        ("EdDSA", "ed25519.pem"),
        ("EdDSA", "ed448.pem"),
    ):
        signers.append(Signer(alg, loaded_key(name), loaded_public(name)))
    return tuple(signers)


@cache
def signers() -> st.SearchStrategy[Signer]:
    """Every algorithm with a key that fits it."""
    return st.sampled_from(_signers())


@cache
def valid_claim_options() -> st.SearchStrategy[dict[str, Any]]:
    """Well-typed claim and header options that never conflict with a claim set."""
    audience: st.SearchStrategy[Any] = st.one_of(
        texts(),
        st.lists(texts(), max_size=3),
        st.lists(texts(), max_size=3).map(tuple),
    )
    # "alg" would change the algorithm; PyJWT checks "kid", "crit" and "b64".
    extra_header = st.dictionaries(
        st.one_of(st.sampled_from(["typ", "cty", "x5t", "x5u"]), texts()).filter(
            lambda name: name not in ("alg", "kid", "crit", "b64")
        ),
        json_values(),
        max_size=3,
    )
    return st.fixed_dictionaries(
        {},
        optional={
            "expires_in": valid_timespans(),
            "not_before": valid_timespans(),
            "audience": audience,
            "issuer": texts(),
            "subject": texts(),
            "jwtid": texts(),
            "keyid": texts(),
            "header": extra_header,
            "no_timestamp": st.booleans(),
            "mutate_payload": st.booleans(),
            "encoding": st.sampled_from(["utf8", "UTF-8", "utf-8", ""]),
        },
    )


@cache
def time_claims() -> st.SearchStrategy[dict[str, Any]]:
    """An optional payload ``iat``, integral or not, far from any overflow."""
    return st.fixed_dictionaries(
        {},
        optional={
            "iat": st.one_of(
                st.integers(min_value=-(2**62), max_value=2**62),
                st.floats(min_value=-1e15, max_value=1e15),
            )
        },
    )


def mappings_of(strategy: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[Any]:
    """``strategy``'s dicts, some of them as read-only mapping proxies."""
    return st.one_of(strategy, strategy.map(types.MappingProxyType))


@cache
def non_json_payloads() -> st.SearchStrategy[Any]:
    """Payloads signed as they are: text, bytes, numbers and booleans."""
    return st.one_of(
        texts(max_size=30),
        st.binary(max_size=30),
        st.binary(max_size=30).map(bytearray),
        big_integers(),
        finite_floats(),
        st.booleans(),
    )
