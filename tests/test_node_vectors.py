"""jwt_async against node-jsonwebtoken 9: the reference vectors in tests/vectors.

HS*, RS* and ``none`` tokens must be byte-identical to Node's; PS* and ES*
signatures are randomised, so their header and payload must be identical and
their signature must verify. Where Node rejects, jwt_async rejects too.
The cases where jwt_async deliberately differs are listed in DIFFERENCES,
each with the behaviour jwt_async has instead, and checked as such.
"""

from __future__ import annotations

import base64
import hmac
import json
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import load_pem_private_key

import jwt_async
from jwt_async._options import node_options
from tests.helpers import private_key
from tests.node_vectors import NOW, Case, load_cases

CASES = load_cases()

# Each deliberate difference from Node: case name -> what jwt_async does.
# "reject": jwt_async raises JWTError where Node signs.
# "accept": jwt_async signs where Node throws (the token is then checked
#   like any other: it must decode and verify).
# "token": jwt_async signs another token than Node; the expected claims or
#   header are given by the matching test below.
REJECT_KEY_CONFUSION = [
    "hs256-key-rsa2048-encrypted-no-passphrase",
    "hs256-key-rsa2048-encrypted-pkcs1-no-passphrase",
    "hs256-key-ec-p256-encrypted-no-passphrase",
    "hs256-with-rsa-public-pem",
    "hs256-with-rsa-public-pkcs1-pem",
    "hs256-with-ec-public-pem",
    "hs256-with-ed25519-public-pem",
    "hs256-with-rsapss-public-pem",
    "hs256-with-certificate",
    "hs256-with-ssh-rsa",
    "hs256-with-ssh-ec",
    "hs256-with-ssh-ed25519",
    "hs256-with-der-public-buffer",
    "hs256-with-der-private-buffer",
    "hs256-with-jwk-rsa-json-string",
    "none-with-public-key",
]
DIFFERENCES: dict[str, str] = {
    **dict.fromkeys(REJECT_KEY_CONFUSION, "reject"),
    # An empty HMAC secret is no secret.
    **dict.fromkeys(
        [f"hs{bits}-secret-bytes-empty" for bits in (256, 384, 512)], "reject"
    ),
    # Node turns a lone surrogate into U+FFFD; text that cannot be encoded is
    # an error here, never silently changed.
    **dict.fromkeys(
        [f"hs{bits}-secret-lone-surrogate" for bits in (256, 384, 512)], "reject"
    ),
    "payload-string-lone-surrogate": "reject",
    # A character the payload encoding cannot hold is an error, not truncated.
    "encoding-latin1-non-ascii": "reject",
    "encoding-binary-non-ascii": "reject",
    "encoding-ascii-non-ascii": "reject",
    "encoding-latin1-rs256": "reject",
    # hex and base64 are decoders of the JSON text in Node: refused.
    "encoding-hex": "reject",
    "encoding-hex-non-ascii": "reject",
    "encoding-base64": "reject",
    "encoding-base64-non-ascii": "reject",
    "encoding-base64url": "reject",
    "encoding-base64url-non-ascii": "reject",
    "encoding-hex-string-payload": "reject",
    "encoding-base64-string-payload": "reject",
    # RFC 7519 §4.1.3: "aud" holds strings.
    "audience-array-numbers": "reject",
    "audience-array-mixed": "reject",
    # Node silently drops the signature.
    "header-alg-none-with-key": "reject",
    # A private key with "none", or a signature no verifier could check.
    "none-with-rsa-key-allow-invalid": "reject",
    "rs256-with-ec-allow-invalid-and-insecure": "reject",
    "ps512-rsapss2048-sha512-mgf256-allow-invalid": "reject",
    # None means "not given", as is usual in Python; Node rejects null.
    **dict.fromkeys(
        [
            "expires-in-null",
            "not-before-null",
            "option-null-algorithm",
            "option-null-keyid",
            "option-null-expires-in",
            "option-null-not-before",
            "option-null-audience",
            "option-null-subject",
            "option-null-issuer",
            "option-null-jwtid",
            "option-null-mutate-payload",
            "option-null-no-timestamp",
            "option-null-header",
            "option-null-encoding",
            "option-null-allow-insecure-key-sizes",
            "option-null-allow-invalid-asymmetric-key-types",
        ],
        "accept",
    ),
    # Node crashes on a "__proto__" claim; it is an ordinary name here.
    "payload-proto-key": "accept",
    "mutate-payload-true-proto-key": "accept",
    # RSA-PSS keys without parameters may use any hash (RFC 4055 §3.1).
    "ps256-rsapss2048": "accept",
    "ps384-rsapss2048": "accept",
    "ps512-rsapss2048": "accept",
    # Claim sets keep their key order; JavaScript moves integer-like keys.
    "payload-key-order-integer-like": "token",
    # Bytes are signed as given; Node decodes them as UTF-8 first.
    "payload-buffer-invalid-utf8": "token",
    "encoding-latin1-buffer-payload": "token",
    # A payload "iat" of 0 is kept; Node replaces it with the current time.
    "iat-zero-replaced": "token",
    # Integers are written exactly; Node rounds them to doubles.
    "expires-in-int-large": "token",
    "not-before-int-large": "token",
    # JSON text that is an "oct" JWK is that JWK: its "k" is the secret.
    "hs256-with-jwk-oct-json-string": "token",
    # Header text is UTF-8; Node writes it as Latin-1.
    "header-non-ascii-latin1": "token",
    "header-non-latin1": "token",
    "header-emoji": "token",
}


def _segment(token: str, index: int) -> bytes:
    part = token.split(".")[index]
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _sign(case: Case) -> str:
    return jwt_async.sign_sync(case.payload, case.key, **node_options(case.options))


def _public_key(case: Case) -> Any:
    key = case.key["key"] if isinstance(case.key, dict) else case.key
    pem = key.encode() if isinstance(key, str) else key
    password = b"correct horse" if b"ENCRYPTED" in pem else None
    return load_pem_private_key(pem, password).public_key()


def _verify(case: Case, token: str) -> None:
    """Check the signature of ``token`` with the key of ``case``."""
    alg = case.algorithm
    signing_input = token.rsplit(".", 1)[0].encode()
    signature = _segment(token, 2)
    if alg == "none":
        assert signature == b""
        return
    if alg.startswith("HS"):
        secret = case.key.encode() if isinstance(case.key, str) else case.key
        if secret.startswith(b'{"kty":"oct"'):
            secret = _segment("." + json.loads(secret)["k"], 1)
        mac = hmac.new(secret, signing_input, f"sha{alg[2:]}").digest()
        assert hmac.compare_digest(mac, signature)
        return
    public = _public_key(case)
    options = case.options if isinstance(case.options, dict) else {}
    if not any(name.startswith("allow") for name in options):
        # An independent verifier, for every standard key and algorithm.
        jwt.api_jws.PyJWS().decode(token, public, algorithms=[alg])
    digest = {"256": hashes.SHA256(), "384": hashes.SHA384(), "512": hashes.SHA512()}
    hash_ = digest[alg[2:]]
    if alg.startswith("ES"):
        assert isinstance(public, ec.EllipticCurvePublicKey)
        size = len(signature) // 2
        der = encode_dss_signature(
            int.from_bytes(signature[:size], "big"),
            int.from_bytes(signature[size:], "big"),
        )
        public.verify(der, signing_input, ec.ECDSA(hash_))
        assert size == {"256": 32, "384": 48, "512": 66}[alg[2:]]
        return
    assert isinstance(public, rsa.RSAPublicKey)
    pad: padding.AsymmetricPadding = padding.PKCS1v15()
    if alg.startswith("PS"):
        pad = padding.PSS(padding.MGF1(hash_), padding.PSS.DIGEST_LENGTH)
    public.verify(signature, signing_input, pad, hash_)


def test_the_vectors_are_many_and_cover_every_algorithm() -> None:
    """At least 150 Node cases, with tokens for every algorithm."""
    assert len(CASES) >= 150
    signed = {case.algorithm for case in CASES if case.token}
    assert {f"{f}{b}" for f in ("HS", "RS", "PS", "ES") for b in (256, 384, 512)} <= (
        signed
    )
    assert "none" in signed


def test_every_listed_difference_is_a_case() -> None:
    """A renamed vector cannot silently drop out of the difference list."""
    names = {case.name for case in CASES}
    assert set(DIFFERENCES) <= names


@pytest.mark.usefixtures("frozen_now")
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_node_case(case: Case) -> None:
    """jwt_async signs or rejects exactly as node-jsonwebtoken 9 does."""
    difference = DIFFERENCES.get(case.name)
    node_rejects = case.token is None
    if difference == "reject" or (node_rejects and difference != "accept"):
        with pytest.raises(jwt_async.JWTError):
            _sign(case)
        return
    token = _sign(case)
    _verify(case, token)
    if difference is not None:
        return  # "accept" and "token" cases are pinned by the tests below
    assert case.token is not None
    if case.algorithm[:2] in ("PS", "ES"):
        assert token.split(".")[:2] == case.token.split(".")[:2]
    else:
        assert token == case.token


def _case(name: str) -> Case:
    return next(case for case in CASES if case.name == name)


def _claims(token: str) -> Any:
    return json.loads(_segment(token, 1))


@pytest.mark.usefixtures("frozen_now")
def test_iat_zero_is_kept_and_is_the_base_of_exp() -> None:
    """Node replaces a payload iat of 0 with now; jwt_async honours it."""
    assert _claims(_sign(_case("iat-zero-replaced"))) == {"iat": 0, "exp": 10}


@pytest.mark.usefixtures("frozen_now")
def test_large_integers_are_written_exactly() -> None:
    """Node rounds integers above 2**53; jwt_async writes every digit."""
    case = _case("expires-in-int-large")
    assert case.options["expiresIn"] == 10**21
    exp = _claims(_sign(case))["exp"]
    assert exp == NOW + 10**21
    assert isinstance(exp, int)


@pytest.mark.usefixtures("frozen_now")
@pytest.mark.parametrize(
    "name", ["header-non-ascii-latin1", "header-non-latin1", "header-emoji"]
)
def test_header_text_is_utf8(name: str) -> None:
    """Node writes header text as Latin-1; jwt_async writes UTF-8."""
    case = _case(name)
    header = json.loads(_segment(_sign(case), 0).decode("utf-8"))
    assert header["x"] == case.options["header"]["x"]


@pytest.mark.usefixtures("frozen_now")
@pytest.mark.parametrize(
    "name", ["payload-buffer-invalid-utf8", "encoding-latin1-buffer-payload"]
)
def test_bytes_payload_is_signed_as_given(name: str) -> None:
    """Node decodes a Buffer as UTF-8 first; jwt_async keeps the bytes."""
    case = _case(name)
    assert _segment(_sign(case), 1) == case.payload


@pytest.mark.usefixtures("frozen_now")
def test_claim_order_is_the_callers() -> None:
    """JavaScript moves integer-like keys first; a Python dict keeps its order."""
    case = _case("payload-key-order-integer-like")
    assert list(_claims(_sign(case))) == list(case.payload)


@pytest.mark.usefixtures("frozen_now")
@pytest.mark.parametrize("bits", [256, 384, 512])
def test_rsa_pss_key_without_parameters_signs_any_ps(bits: int) -> None:
    """Node refuses an unrestricted RSA-PSS key; RFC 4055 allows every hash."""
    case = _case(f"ps{bits}-rsapss2048")
    token = _sign(case)
    public = private_key("rsapss2048.pem").public_key()
    assert jwt.decode(token, public, algorithms=[f"PS{bits}"])["foo"] == "bar"


@pytest.mark.usefixtures("frozen_now")
def test_oct_jwk_text_signs_with_its_k() -> None:
    """Node signs with the JSON text itself; jwt_async with the JWK's key."""
    case = _case("hs256-with-jwk-oct-json-string")
    token = _sign(case)
    expected = jwt_async.sign_sync(
        case.payload, b"shhhhh", **node_options(case.options)
    )
    assert token == expected
