"""EdDSA and ES256K, JSON Web Keys as signing keys, public JWKs and thumbprints."""

from __future__ import annotations

import datetime
import json
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ed448, ed25519

import jwt_async
from jwt_async import InvalidKeyError, InvalidOptionError
from jwt_async._encoding import b64url
from tests.helpers import FROZEN_NOW, key_text, private_jwk, private_key

# RFC 8037 Appendix A.1 and A.2: an Ed25519 key pair.
RFC8037_JWK = {
    "kty": "OKP",
    "crv": "Ed25519",
    "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
    "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
}
# RFC 7638 Section 3.1: an RSA public key and its thumbprint.
RFC7638_JWK = {
    "kty": "RSA",
    "n": (
        "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aP"
        "FFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl9"
        "3lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdA"
        "ZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3"
        "XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
    ),
    "e": "AQAB",
    "alg": "RS256",
    "kid": "2011-04-29",
}


def verify(token: str, key: Any, alg: str) -> Any:
    """Verify with PyJWT, the independent verifier."""
    public = key.public_key() if hasattr(key, "public_key") else key
    return jwt.decode(token, public, algorithms=[alg], options={"verify_exp": False})


def test_rfc8037_ed25519_signature_is_exact() -> None:
    """RFC 8037 A.4: the Ed25519 JWS of the example payload, byte for byte."""
    token = jwt_async.sign_sync(
        "Example of Ed25519 signing", RFC8037_JWK, algorithm="EdDSA"
    )
    assert token == (
        "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
        "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7"
        "sVvpAr_MuM0KAg"
    )


def test_rfc8037_thumbprint() -> None:
    """RFC 8037 A.3: the thumbprint of the Ed25519 public key."""
    expected = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    assert jwt_async.jwk_thumbprint(RFC8037_JWK) == expected
    assert jwt_async.jwk_thumbprint(jwt_async.public_jwk(RFC8037_JWK)) == expected
    assert jwt_async.jwk_thumbprint(json.dumps(RFC8037_JWK)) == expected


def test_rfc7638_thumbprint() -> None:
    """RFC 7638 3.1: the example RSA key's thumbprint, extra members ignored."""
    expected = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    assert jwt_async.jwk_thumbprint(RFC7638_JWK) == expected


@pytest.mark.usefixtures("frozen_now")
@pytest.mark.parametrize(
    "key",
    [
        key_text("ed25519.pem"),
        key_text("ed448.pem"),
        ed25519.Ed25519PrivateKey.generate(),
        ed448.Ed448PrivateKey.generate(),
    ],
    ids=["ed25519-pem", "ed448-pem", "ed25519-object", "ed448-object"],
)
def test_eddsa_verifies_with_pyjwt(key: Any) -> None:
    """EdDSA tokens from PEM text and key objects verify independently."""
    token = jwt_async.sign_sync({"a": 1}, key, algorithm="EdDSA")
    loaded = key if not isinstance(key, str) else private_key_any(key)
    assert verify(token, loaded, "EdDSA") == {"a": 1, "iat": FROZEN_NOW}


def private_key_any(pem: str) -> Any:
    """Load any PEM private key."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    return load_pem_private_key(pem.encode(), None)


@pytest.mark.usefixtures("frozen_now")
def test_es256k_verifies_with_pyjwt() -> None:
    """ES256K signs with secp256k1 (RFC 8812) and verifies independently."""
    token = jwt_async.sign_sync(
        {"a": 1}, key_text("ec_secp256k1.pem"), algorithm="ES256K"
    )
    assert verify(token, private_key("ec_secp256k1.pem"), "ES256K")["a"] == 1
    assert len(jwt.utils.base64url_decode(token.split(".")[2])) == 64


@pytest.mark.parametrize(
    ("key", "alg"),
    [
        ("rsa2048.pem", "EdDSA"),
        ("ec_p256.pem", "EdDSA"),
        ("ed25519.pem", "ES256"),
        ("ed25519.pem", "RS256"),
        ("ed25519.pem", "HS256"),
        ("ec_p256.pem", "ES256K"),
        ("ec_secp256k1.pem", "ES256"),
    ],
)
def test_new_algorithms_check_key_fit(key: str, alg: str) -> None:
    """EdDSA needs an Edwards key, ES256K a secp256k1 key, and back."""
    with pytest.raises(InvalidKeyError):
        jwt_async.sign_sync({}, key_text(key), algorithm=alg)


@pytest.mark.usefixtures("frozen_now")
@pytest.mark.parametrize(
    ("name", "alg"),
    [
        ("rsa2048.pem", "RS256"),
        ("rsa2048.pem", "PS384"),
        ("ec_p256.pem", "ES256"),
        ("ec_p384.pem", "ES384"),
        ("ec_p521.pem", "ES512"),
        ("ec_secp256k1.pem", "ES256K"),
    ],
)
def test_private_jwk_signs_like_the_pem(name: str, alg: str) -> None:
    """A private JWK, as dict or JSON text, signs tokens that verify."""
    key = private_key(name)
    jwk = private_jwk(key)
    for form in (jwk, json.dumps(jwk)):
        token = jwt_async.sign_sync({"a": 1}, form, algorithm=alg)
        assert verify(token, key, alg)["a"] == 1
    if alg.startswith("RS"):
        pem_token = jwt_async.sign_sync({"a": 1}, key_text(name), algorithm=alg)
        assert jwt_async.sign_sync({"a": 1}, jwk, algorithm=alg) == pem_token


@pytest.mark.usefixtures("frozen_now")
def test_rsa_jwk_without_primes_is_completed() -> None:
    """An RSA JWK with only n, e and d still signs (the primes are recovered)."""
    jwk = private_jwk(private_key("rsa2048.pem"))
    short = {name: jwk[name] for name in ("kty", "n", "e", "d")}
    token = jwt_async.sign_sync({}, short, algorithm="RS256")
    assert token == jwt_async.sign_sync({}, jwk, algorithm="RS256")


@pytest.mark.usefixtures("frozen_now")
def test_oct_jwk_is_an_hmac_secret() -> None:
    """An oct JWK signs HS* with the bytes of its k."""
    secret = b"\x00\x01 an oct secret that is long enough \xff"
    jwk = {"kty": "oct", "k": b64url(secret), "alg": "HS384"}
    token = jwt_async.sign_sync({"a": 1}, jwk, algorithm="HS384")
    assert token == jwt_async.sign_sync({"a": 1}, secret, algorithm="HS384")


@pytest.mark.parametrize(
    ("jwk", "alg", "message"),
    [
        ({"kty": "oct", "k": "c2VjcmV0", "alg": "HS512"}, "HS256", "for alg"),
        ({**RFC8037_JWK, "alg": "ES256"}, "EdDSA", "for alg"),
        ({**RFC8037_JWK, "use": "enc"}, "EdDSA", '"use"'),
        ({**RFC8037_JWK, "key_ops": ["verify"]}, "EdDSA", '"key_ops"'),
        ({"kty": "OKP", "crv": "Ed25519", "x": RFC8037_JWK["x"]}, "EdDSA", "public"),
        (RFC7638_JWK, "RS256", "public"),
        (RFC7638_JWK, "HS256", "public"),
        ({"kty": "oct", "k": ""}, "HS256", "empty"),
        ({"kty": "oct", "k": "***"}, "HS256", "base64url"),
        (
            {"kty": "EC", "crv": "P-192", "x": "AA", "y": "AA", "d": "AA"},
            "ES256",
            "crv",
        ),
        ({"kty": "OKP", "crv": "X25519", "d": "AA"}, "EdDSA", "Ed25519"),
        ({**RFC8037_JWK, "x": RFC7638_JWK["e"]}, "EdDSA", "does not match"),
        ({"kty": "RSA", "n": "AQAB", "e": "AQAB", "d": "AQAB"}, "RS256", "valid"),
        ({"kty": "XYZ", "d": "AA"}, "RS256", "kty"),
    ],
)
def test_bad_jwks_are_refused(jwk: dict[str, Any], alg: str, message: str) -> None:
    """A JWK that contradicts the algorithm, is public or is damaged is refused."""
    with pytest.raises(InvalidKeyError, match=message):
        jwt_async.sign_sync({}, jwk, algorithm=alg)
    with pytest.raises(InvalidKeyError, match=message):
        jwt_async.sign_sync({}, json.dumps(jwk), algorithm=alg)


_PRIVATE_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "k", "oth"}


@pytest.mark.parametrize(
    "name", ["rsa2048.pem", "ec_p256.pem", "ec_p521.pem", "ec_secp256k1.pem"]
)
def test_public_jwk_has_no_private_member(name: str) -> None:
    """public_jwk gives only public members, readable by PyJWT."""
    for source in (key_text(name), private_key(name), private_jwk(private_key(name))):
        public = jwt_async.public_jwk(source)
        assert not _PRIVATE_MEMBERS & set(public)
        assert jwt.PyJWK(public).key.public_numbers() == (
            private_key(name).public_key().public_numbers()
        )


def test_public_jwk_of_edwards_and_public_keys() -> None:
    """OKP keys and public key objects have public JWKs too."""
    assert jwt_async.public_jwk(RFC8037_JWK) == {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": RFC8037_JWK["x"],
    }
    public = private_key("ec_p384.pem").public_key()
    assert jwt_async.public_jwk(public) == jwt_async.public_jwk(key_text("ec_p384.pem"))
    assert jwt_async.public_jwk(key_text("ed448.pem"))["crv"] == "Ed448"


@pytest.mark.parametrize("key", ["a secret", b"bytes", {"kty": "oct", "k": "c2VjcmV0"}])
def test_public_jwk_of_a_secret_is_refused(key: Any) -> None:
    """An HMAC secret has no public half."""
    with pytest.raises(InvalidKeyError, match="HMAC secret"):
        jwt_async.public_jwk(key)


@pytest.mark.usefixtures("frozen_now")
def test_keyid_from_thumbprint_matches_the_published_jwk() -> None:
    """The documented way to set kid: tokens and JWKS agree on it."""
    pem = key_text("ec_p256.pem")
    kid = jwt_async.jwk_thumbprint(pem)
    token = jwt_async.Signer(pem, algorithm="ES256", keyid=kid).sign_sync({})
    published = {**jwt_async.public_jwk(pem), "kid": kid}
    assert jwt.get_unverified_header(token)["kid"] == published["kid"]
    assert jwt_async.jwk_thumbprint(published) == kid
    jwt.decode(token, jwt.PyJWK(published).key, algorithms=["ES256"])


@pytest.mark.usefixtures("frozen_now")
def test_expires_in_takes_an_aware_datetime() -> None:
    """An aware datetime is an absolute exp or nbf, floored to whole seconds."""
    when = datetime.datetime(2030, 1, 2, 3, 4, 5, 900000, tzinfo=datetime.UTC)
    token = jwt_async.sign_sync({}, "s" * 32, expires_in=when, not_before=when)
    claims = json.loads(jwt.utils.base64url_decode(token.split(".")[1]))
    assert claims == {"iat": FROZEN_NOW, "nbf": 1893553445, "exp": 1893553445}


def test_naive_datetime_is_refused() -> None:
    """A naive datetime names no instant: an InvalidOptionError."""
    with pytest.raises(InvalidOptionError, match="naive"):
        jwt_async.sign_sync({}, "s" * 32, expires_in=datetime.datetime(2030, 1, 1))


@pytest.mark.anyio
async def test_ed25519_signs_inline_and_ed448_in_a_thread(
    thread_hops: list[object],
) -> None:
    """Ed25519 is cheaper than a thread hop; Ed448 is not."""
    hops = thread_hops
    await jwt_async.sign({}, ed25519.Ed25519PrivateKey.generate(), algorithm="EdDSA")
    assert hops == []
    await jwt_async.sign({}, ed448.Ed448PrivateKey.generate(), algorithm="EdDSA")
    assert len(hops) == 1
