"""Key confusion and algorithm downgrades: each known class is refused, saying why.

Every refusal is checked through ``sign_sync`` and ``await sign``, for the
exact exception class and a substring of the message that names the problem.
The few combinations that must sign are verified with PyJWT.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.serialization import (
    load_pem_private_key,
    load_pem_public_key,
)
from jwt.warnings import InsecureKeyLengthWarning

import jwt_async
from jwt_async import (
    InvalidHeaderError,
    InvalidKeyError,
    JWTError,
)
from tests.helpers import KEYS, key_text, private_key

PAYLOAD = {"sub": "key-confusion"}
PASSPHRASE = "correct horse"
HMAC_ALGORITHMS = ("HS256", "HS384", "HS512")
NOT_AN_HMAC_SECRET = "never used as an HMAC secret"
NEEDS_AN_HMAC_SECRET = "needs an HMAC secret, not a private key"


def _bytes(name: str) -> Callable[[], object]:
    return lambda: (KEYS / name).read_bytes()


def _text(name: str) -> Callable[[], object]:
    return lambda: key_text(name)


def _loaded(name: str) -> Callable[[], object]:
    return lambda: private_key(name)


@cache
def _edwards(name: str) -> ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey:
    key = load_pem_private_key((KEYS / name).read_bytes(), None)
    assert isinstance(key, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey)
    return key


def _edwards_object(name: str) -> Callable[[], object]:
    return lambda: _edwards(name)


def _public_jwk(as_text: bool) -> Callable[[], object]:
    def make() -> object:
        key = private_key("rsa2048.pem")
        assert isinstance(key, rsa.RSAPrivateKey)
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
        jwk.pop("key_ops", None)  # a bare public JWK: kty, n and e
        return json.dumps(jwk) if as_text else jwk

    return make


def _private_jwk() -> object:
    key = private_key("ec_p256.pem")
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return jwt.algorithms.ECAlgorithm.to_jwk(key, as_dict=True)


def _with_passphrase(name: str, passphrase: str | None) -> Callable[[], object]:
    def make() -> object:
        value: dict[str, object] = {"key": key_text(name)}
        if passphrase is not None:
            value["passphrase"] = passphrase
        return value

    return make


@dataclass(frozen=True)
class Refusal:
    """A key and options that must be refused with ``error`` naming ``problem``."""

    name: str
    key: Callable[[], object]
    algorithm: str | None
    error: type[JWTError]
    problem: str
    options: dict[str, Any] = field(default_factory=dict)


# Public key material, in every form, offered as an HMAC secret.
PUBLIC_AS_SECRET = [
    ("rsa-public-pem", _text("rsa2048_public.pem"), "PEM public key text"),
    ("rsa-public-pem-bytes", _bytes("rsa2048_public.pem"), "PEM public key text"),
    ("rsa-pkcs1-public-pem", _text("rsa2048_public_pkcs1.pem"), "PEM rsa public key"),
    ("ec-public-pem", _text("ec_p256_public.pem"), "PEM public key text"),
    ("ed25519-public-pem", _text("ed25519_public.pem"), "PEM public key text"),
    ("pss-public-pem", _text("rsapss2048_sha256_public.pem"), "PEM public key text"),
    ("certificate", _text("rsa2048_cert.pem"), "PEM certificate text"),
    ("ssh-rsa", _text("rsa2048_ssh.pub"), "an SSH public key"),
    ("ssh-ecdsa", _text("ec_p256_ssh.pub"), "an SSH public key"),
    ("ssh-ed25519", _text("ed25519_ssh.pub"), "an SSH public key"),
    ("der-public", _bytes("rsa2048_public.der"), "DER-encoded key material"),
    ("der-private", _bytes("rsa2048_private.der"), "DER-encoded key material"),
    ("jwk-public-text", _public_jwk(as_text=True), "a public JWK cannot sign"),
    ("jwk-public-dict", _public_jwk(as_text=False), "a public JWK cannot sign"),
]
# Private keys, as PEM, JWK or objects, offered to an HMAC algorithm.
PRIVATE_FOR_HMAC = [
    ("rsa-pem", _text("rsa2048.pem")),
    ("rsa-pkcs1-pem", _text("rsa2048_pkcs1.pem")),
    ("ec-pem", _text("ec_p256.pem")),
    ("ec-sec1-pem", _text("ec_p256_sec1.pem")),
    ("ed25519-pem", _text("ed25519.pem")),
    ("rsa-object", _loaded("rsa2048.pem")),
    ("ec-object", _loaded("ec_p256.pem")),
    ("ed25519-object", _edwards_object("ed25519.pem")),
    ("ec-jwk", _private_jwk),
]

REFUSALS = [
    *(
        Refusal(f"{name}-as-{alg}", key, alg, InvalidKeyError, problem)
        for name, key, problem in PUBLIC_AS_SECRET
        for alg in HMAC_ALGORITHMS
    ),
    *(
        Refusal(f"{name}-as-{alg}", key, alg, InvalidKeyError, NEEDS_AN_HMAC_SECRET)
        for name, key in PRIVATE_FOR_HMAC
        for alg in HMAC_ALGORITHMS
    ),
    # alg "none" slipped in through the header.
    *(
        Refusal(
            f"header-none-over-{alg or 'default'}-{label}",
            key,
            alg,
            InvalidHeaderError,
            'names alg "none"',
            {"header": {"alg": "none"}},
        )
        for alg, label, key in (
            ("HS256", "secret", lambda: "a secret"),
            ("RS256", "rsa-object", _loaded("rsa2048.pem")),
            (None, "secret", lambda: "a secret"),
            (None, "no-key", lambda: None),
        )
    ),
    Refusal(
        "header-hs256-over-rs256-private-pem",
        _text("rsa2048.pem"),
        "RS256",
        InvalidKeyError,
        NEEDS_AN_HMAC_SECRET,
        {"header": {"alg": "HS256"}},
    ),
    Refusal(
        "header-hs256-over-rs256-public-pem",
        _text("rsa2048_public.pem"),
        "RS256",
        InvalidKeyError,
        NOT_AN_HMAC_SECRET,
        {"header": {"alg": "HS256"}},
    ),
    Refusal(
        "none-with-private-key",
        _loaded("rsa2048.pem"),
        "none",
        InvalidKeyError,
        "takes no private key",
    ),
    # RSA keys under 2048 bits.
    *(
        Refusal(
            f"rsa{bits}-{alg}",
            _loaded(f"rsa{bits}.pem"),
            alg,
            InvalidKeyError,
            f"at least 2048 bits, not {bits}",
        )
        for bits in (1024, 512)
        for alg in ("RS256", "PS256")
    ),
    Refusal(
        "rsa1024-pem-RS256",
        _text("rsa1024.pem"),
        "RS256",
        InvalidKeyError,
        "at least 2048 bits, not 1024",
    ),
    Refusal(
        "rsa512-PS256-allowed-but-too-small",
        _loaded("rsa512.pem"),
        "PS256",
        InvalidKeyError,
        "too small to sign PS256",
        {"allow_insecure_key_sizes": True},
    ),
    # EC keys on another curve than the algorithm's.
    *(
        Refusal(
            f"p256-{alg}",
            _loaded("ec_p256.pem"),
            alg,
            InvalidKeyError,
            f"on curve {curve}, not secp256r1",
        )
        for alg, curve in (("ES384", "secp384r1"), ("ES512", "secp521r1"))
    ),
    Refusal(
        "p384-ES256",
        _loaded("ec_p384.pem"),
        "ES256",
        InvalidKeyError,
        "on curve secp256r1, not secp384r1",
    ),
    *(
        Refusal(
            f"{curve}-{alg}-allowed-but-too-long",
            _loaded(f"ec_{curve}.pem"),
            alg,
            InvalidKeyError,
            f"too long for {alg}, whatever the options",
            {"allow_invalid_asymmetric_key_types": True},
        )
        for curve, alg in (("p384", "ES256"), ("p521", "ES384"), ("p521", "ES256"))
    ),
    # RSA-PSS keys used outside the parameters they are bound to.
    Refusal(
        "pss-sha256-RS256",
        _text("rsapss2048_sha256.pem"),
        "RS256",
        InvalidKeyError,
        "RSA-PSS key can only sign PS256, PS384 or PS512",
    ),
    Refusal(
        "pss-sha256-PS384",
        _text("rsapss2048_sha256.pem"),
        "PS384",
        InvalidKeyError,
        "restricted to sha256",
    ),
    Refusal(
        "pss-salt64-PS256",
        _text("rsapss2048_sha256_salt64.pem"),
        "PS256",
        InvalidKeyError,
        "salt of at least 64 bytes",
    ),
    Refusal(
        "pss-sha512-mgf256-PS512",
        _text("rsapss2048_sha512_mgf256.pem"),
        "PS512",
        InvalidKeyError,
        "with MGF1 sha256",
    ),
    # Edwards-curve keys with the other algorithms.
    *(
        Refusal(f"{name}-{form}-{alg}", key, alg, InvalidKeyError, problem)
        for name, label in (("ed25519", "Ed25519"), ("ed448", "Ed448"))
        for form, key in (
            ("pem", _text(f"{name}.pem")),
            ("object", _edwards_object(f"{name}.pem")),
        )
        for alg, problem in (
            ("ES256", f"needs an EC private key, not an {label} key"),
            ("RS256", f"needs an RSA private key, not an {label} key"),
            ("HS256", NEEDS_AN_HMAC_SECRET),
        )
    ),
    # An EC key for RSA and the reverse, whatever the options.
    *(
        Refusal(
            f"{name}{'-allowed' if allowed else ''}",
            key,
            alg,
            InvalidKeyError,
            problem,
            {"allow_invalid_asymmetric_key_types": True} if allowed else {},
        )
        for name, key, alg, problem in (
            (
                "ec-RS256",
                _loaded("ec_p256.pem"),
                "RS256",
                "needs an RSA private key, not an EC key on curve secp256r1",
            ),
            (
                "rsa-ES256",
                _loaded("rsa2048.pem"),
                "ES256",
                "needs an EC private key, not an RSA key",
            ),
            (
                "ec-EdDSA",
                _loaded("ec_p256.pem"),
                "EdDSA",
                "needs an Ed25519 or Ed448 private key",
            ),
        )
        for allowed in (False, True)
    ),
    # Encrypted keys without their passphrase, or with a wrong one.
    *(
        Refusal(
            f"{name}{'-mapping' if mapping else ''}-{alg}",
            _with_passphrase(name, None) if mapping else _text(name),
            alg,
            InvalidKeyError,
            "the private key is encrypted",
        )
        for name, alg in (
            ("rsa2048_encrypted.pem", "RS256"),
            ("rsa2048_encrypted.pem", "HS256"),
            ("rsa2048_encrypted_pkcs1.pem", "RS256"),
            ("rsa2048_encrypted_pkcs1.pem", "HS256"),
            ("ec_p256_encrypted.pem", "ES256"),
            ("ec_p256_encrypted.pem", "HS256"),
        )
        for mapping in (False, True)
    ),
    *(
        Refusal(
            f"{name}-passphrase-{passphrase!r}",
            _with_passphrase(name, passphrase),
            alg,
            InvalidKeyError,
            "wrong passphrase or damaged PEM",
        )
        for name, alg in (
            ("rsa2048_encrypted.pem", "RS256"),
            ("rsa2048_encrypted_pkcs1.pem", "RS256"),
            ("ec_p256_encrypted.pem", "ES256"),
        )
        for passphrase in ("correct horse ", "")
    ),
]


def _options(case: Refusal) -> dict[str, Any]:
    if case.algorithm is None:
        return dict(case.options)
    return {"algorithm": case.algorithm, **case.options}


@pytest.mark.asyncio
@pytest.mark.parametrize("case", REFUSALS, ids=[case.name for case in REFUSALS])
async def test_key_confusion_is_refused(case: Refusal) -> None:
    """The key, algorithm and options are refused, with a message naming why."""
    key = case.key()
    with pytest.raises(JWTError) as sync_error:
        jwt_async.sign_sync(PAYLOAD, key, **_options(case))  # type: ignore[arg-type]
    with pytest.raises(JWTError) as async_error:
        await jwt_async.sign(PAYLOAD, key, **_options(case))  # type: ignore[arg-type]
    for error in (sync_error.value, async_error.value):
        assert type(error) is case.error
        assert case.problem in error.message


def test_every_class_of_the_table_is_present() -> None:
    """The table keeps its rows: a refactor cannot silently drop a class."""
    assert len(REFUSALS) >= 120
    assert len({case.name for case in REFUSALS}) == len(REFUSALS)


# ---------------------------------------------------------------------------
# What must sign


def _decode(token: str, public: Any, algorithm: str) -> Any:
    return jwt.decode(token, public, algorithms=[algorithm])


@pytest.mark.asyncio
@pytest.mark.parametrize("algorithm", ["RS256", "PS256"])
async def test_rsa_1024_signs_when_insecure_sizes_are_allowed(algorithm: str) -> None:
    """allow_insecure_key_sizes lets a 1024-bit key sign; PyJWT verifies it."""
    key = private_key("rsa1024.pem")
    options: Any = {"algorithm": algorithm, "allow_insecure_key_sizes": True}
    tokens = [
        jwt_async.sign_sync(PAYLOAD, key, **options),
        await jwt_async.sign(PAYLOAD, key, **options),
    ]
    for token in tokens:
        with pytest.warns(InsecureKeyLengthWarning):
            claims = _decode(token, key.public_key(), algorithm)
        assert claims["sub"] == PAYLOAD["sub"]


@pytest.mark.asyncio
async def test_rsa_512_signs_rs256_when_insecure_sizes_are_allowed() -> None:
    """A 512-bit key can still hold an RS256 signature once sizes are allowed."""
    key = private_key("rsa512.pem")
    options: Any = {"algorithm": "RS256", "allow_insecure_key_sizes": True}
    token = await jwt_async.sign(PAYLOAD, key, **options)
    assert token == jwt_async.sign_sync(PAYLOAD, key, **options) or token
    with pytest.warns(InsecureKeyLengthWarning):
        assert _decode(token, key.public_key(), "RS256")["sub"] == PAYLOAD["sub"]


@pytest.mark.asyncio
async def test_rsa_pss_key_signs_the_algorithm_it_is_bound_to() -> None:
    """An RSA-PSS key bound to SHA-256 signs PS256, verified with its public key."""
    public = load_pem_public_key((KEYS / "rsapss2048_sha256_public.pem").read_bytes())
    pem = key_text("rsapss2048_sha256.pem")
    tokens = [
        jwt_async.sign_sync(PAYLOAD, pem, algorithm="PS256"),
        await jwt_async.sign(PAYLOAD, pem, algorithm="PS256"),
    ]
    for token in tokens:
        assert _decode(token, public, "PS256")["sub"] == PAYLOAD["sub"]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("name", "algorithm"), [("ec_p256.pem", "ES256"), ("rsa2048.pem", "RS256")]
)
async def test_a_passphrase_for_an_unencrypted_key_is_ignored(
    name: str, algorithm: str
) -> None:
    """A passphrase given with a key that is not encrypted changes nothing."""
    key: Any = {"key": key_text(name), "passphrase": "not needed"}
    public = private_key(name).public_key()
    tokens = [
        jwt_async.sign_sync(PAYLOAD, key, algorithm=algorithm),
        await jwt_async.sign(PAYLOAD, key, algorithm=algorithm),
    ]
    for token in tokens:
        assert _decode(token, public, algorithm)["sub"] == PAYLOAD["sub"]


# ---------------------------------------------------------------------------
# The key cache must not open a way around the checks


@pytest.fixture
def empty_key_cache() -> None:
    """Start from an empty key cache, so that loads happen in the test."""
    jwt_async.clear_key_cache()


@pytest.mark.usefixtures("empty_key_cache")
@pytest.mark.asyncio
async def test_a_wrong_passphrase_fails_after_the_right_one_loaded_the_key() -> None:
    """A cached load under the right passphrase does not serve a wrong one."""
    pem = key_text("ec_p256_encrypted.pem")
    right: Any = {"key": pem, "passphrase": PASSPHRASE}
    wrong: Any = {"key": pem, "passphrase": "correct horse!"}
    assert jwt_async.sign_sync(PAYLOAD, right, algorithm="ES256")
    for bare in (wrong, pem):
        with pytest.raises(InvalidKeyError):
            jwt_async.sign_sync(PAYLOAD, bare, algorithm="ES256")
        with pytest.raises(InvalidKeyError):
            await jwt_async.sign(PAYLOAD, bare, algorithm="ES256")


@pytest.mark.usefixtures("empty_key_cache")
@pytest.mark.asyncio
async def test_a_cached_private_key_is_still_no_hmac_secret() -> None:
    """A PEM loaded once for ES256 is refused as an HMAC secret afterwards."""
    pem = key_text("ec_p256.pem")
    assert await jwt_async.sign(PAYLOAD, pem, algorithm="ES256")
    with pytest.raises(InvalidKeyError, match="needs an HMAC secret"):
        jwt_async.sign_sync(PAYLOAD, pem, algorithm="HS256")
    with pytest.raises(InvalidKeyError, match="needs an HMAC secret"):
        await jwt_async.sign(PAYLOAD, pem, algorithm="HS256")


@pytest.mark.usefixtures("empty_key_cache")
@pytest.mark.asyncio
async def test_a_cached_secret_is_still_no_private_key() -> None:
    """A string once used as an HMAC secret is refused for RS256 afterwards."""
    secret = "a secret that was used for HS256 first"
    assert jwt_async.sign_sync(PAYLOAD, secret)
    with pytest.raises(InvalidKeyError, match="not an HMAC secret"):
        jwt_async.sign_sync(PAYLOAD, secret, algorithm="RS256")
    with pytest.raises(InvalidKeyError, match="not an HMAC secret"):
        await jwt_async.sign(PAYLOAD, secret, algorithm="RS256")
