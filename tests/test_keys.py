"""The key forms sign_sync accepts, and the ones it refuses as unreadable."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

import jwt_async
from jwt_async import InvalidKeyError
from tests.helpers import KEYS, key_text, private_key

PASSPHRASE = "correct horse"


def verify(token: str, name: str, alg: str) -> Any:
    """Verify ``token`` with PyJWT against the public half of key ``name``."""
    return jwt.decode(token, private_key(name).public_key(), algorithms=[alg])


@pytest.mark.parametrize(
    ("name", "alg"),
    [
        ("rsa2048.pem", "RS256"),
        ("rsa2048_pkcs1.pem", "RS384"),
        ("rsa2048.pem", "PS512"),
        ("ec_p256.pem", "ES256"),
        ("ec_p256_sec1.pem", "ES256"),
        ("ec_p384.pem", "ES384"),
        ("ec_p521.pem", "ES512"),
    ],
)
def test_pem_text_and_bytes_sign(name: str, alg: str) -> None:
    """PKCS#8, PKCS#1 and SEC1 PEM, as str or bytes, sign verifiable tokens."""
    text = key_text(name)
    for key in (text, text.encode()):
        token = jwt_async.sign_sync({"a": 1}, key, algorithm=alg)
        assert verify(token, name, alg)["a"] == 1


@pytest.mark.parametrize(
    ("name", "alg"),
    [
        ("rsa2048_encrypted.pem", "RS256"),
        ("rsa2048_encrypted_pkcs1.pem", "PS256"),
        ("ec_p256_encrypted.pem", "ES256"),
    ],
)
@pytest.mark.parametrize("passphrase", [PASSPHRASE, PASSPHRASE.encode()])
def test_encrypted_pem_with_passphrase(name: str, alg: str, passphrase: Any) -> None:
    """{"key", "passphrase"} opens PKCS#8 and traditional encrypted PEM."""
    key = {"key": key_text(name), "passphrase": passphrase}
    token = jwt_async.sign_sync({"a": 1}, key, algorithm=alg)
    assert verify(token, name, alg)["a"] == 1


def test_passphrase_with_unencrypted_key_is_ignored() -> None:
    """As in Node, a passphrase for a plain PEM does no harm."""
    key = {"key": key_text("rsa2048.pem"), "passphrase": "unused"}
    token = jwt_async.sign_sync({}, key, algorithm="RS256", no_timestamp=True)
    plain = key_text("rsa2048.pem")
    assert token == jwt_async.sign_sync({}, plain, algorithm="RS256", no_timestamp=True)


def test_mapping_without_passphrase_for_plain_pem() -> None:
    """{"key": pem} alone works for an unencrypted key."""
    token = jwt_async.sign_sync({}, {"key": key_text("ec_p256.pem")}, algorithm="ES256")
    assert verify(token, "ec_p256.pem", "ES256") == {"iat": pytest.approx(0, abs=2e9)}


def test_wrong_passphrase_is_refused() -> None:
    """A wrong passphrase is an InvalidKeyError that says so."""
    key = {"key": key_text("rsa2048_encrypted.pem"), "passphrase": "wrong"}
    with pytest.raises(InvalidKeyError, match="wrong passphrase"):
        jwt_async.sign_sync({}, key, algorithm="RS256")


def test_encrypted_pem_without_passphrase_is_refused() -> None:
    """An encrypted key given bare asks for its passphrase."""
    with pytest.raises(InvalidKeyError, match="encrypted"):
        jwt_async.sign_sync({}, key_text("rsa2048_encrypted.pem"), algorithm="RS256")
    with pytest.raises(InvalidKeyError, match="encrypted"):
        jwt_async.sign_sync({}, {"key": key_text("rsa2048_encrypted.pem")})


@pytest.mark.parametrize(
    "key",
    [
        {"passphrase": "x"},
        {"key": key_text("rsa2048.pem"), "format": "pem"},
        {"key": "not a pem"},
        {"key": 5},
        {"key": key_text("rsa2048.pem"), "passphrase": 5},
    ],
)
def test_bad_key_mappings(key: Any) -> None:
    """A key mapping holds a PEM private key and optionally a passphrase."""
    with pytest.raises(InvalidKeyError):
        jwt_async.sign_sync({}, key, algorithm="RS256")


def test_key_objects_sign() -> None:
    """cryptography RSA and EC private key objects sign directly."""
    token = jwt_async.sign_sync({}, private_key("rsa2048.pem"), algorithm="RS256")
    assert "iat" in verify(token, "rsa2048.pem", "RS256")
    token = jwt_async.sign_sync({}, private_key("ec_p384.pem"), algorithm="ES384")
    assert "iat" in verify(token, "ec_p384.pem", "ES384")


def test_rs256_is_deterministic_across_key_forms() -> None:
    """PEM text, PKCS#1, bytes and a key object give the same RS256 token."""
    tokens = {
        jwt_async.sign_sync({"n": 1}, key, algorithm="RS256", no_timestamp=True)
        for key in (
            key_text("rsa2048.pem"),
            key_text("rsa2048_pkcs1.pem"),
            key_text("rsa2048.pem").encode(),
            private_key("rsa2048.pem"),
            {"key": key_text("rsa2048_encrypted.pem"), "passphrase": PASSPHRASE},
        )
    }
    assert len(tokens) == 1


@pytest.mark.parametrize("key", ["", b"", None, bytearray()])
def test_missing_or_empty_key_is_refused(key: Any) -> None:
    """HS256 needs a non-empty secret."""
    with pytest.raises(InvalidKeyError, match="needs a key"):
        jwt_async.sign_sync({}, key)


@pytest.mark.parametrize("key", [5, 1.5, ["secret"], object(), True])
def test_key_of_an_unknown_type_is_refused(key: Any) -> None:
    """Only str, bytes, mappings and key objects are keys."""
    with pytest.raises(InvalidKeyError, match="key must be"):
        jwt_async.sign_sync({}, key)


def test_public_key_objects_cannot_sign() -> None:
    """A public key object is refused with a clear message."""
    public: Any = private_key("rsa2048.pem").public_key()
    with pytest.raises(InvalidKeyError, match="public key cannot sign"):
        jwt_async.sign_sync({}, public, algorithm="RS256")


def test_ed25519_keys_are_refused_for_now() -> None:
    """Ed25519 keys have no algorithm here yet: a clear InvalidKeyError."""
    with pytest.raises(InvalidKeyError, match="Ed25519"):
        key: Any = ed25519.Ed25519PrivateKey.generate()
        jwt_async.sign_sync({}, key, algorithm="ES256")
    with pytest.raises(InvalidKeyError, match="Ed25519"):
        jwt_async.sign_sync({}, key_text("ed25519.pem"), algorithm="ES256")


def test_damaged_pem_is_refused_without_quoting_it() -> None:
    """A PEM that does not parse names the problem, not the content."""
    lines = key_text("rsa2048.pem").splitlines()
    damaged = "\n".join([lines[0], lines[1][:-8] + "AAAAAAAA", *lines[2:]])
    with pytest.raises(InvalidKeyError, match="cannot be read") as info:
        jwt_async.sign_sync({}, damaged, algorithm="RS256")
    assert lines[1][:20] not in str(info.value)


def test_openssh_private_key_is_refused_with_advice() -> None:
    """OpenSSH private key format gets a conversion hint."""
    key = (
        "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n"
    )
    with pytest.raises(InvalidKeyError, match="PKCS#8"):
        jwt_async.sign_sync({}, key, algorithm="RS256")


def test_hmac_secret_as_bytes_and_str_agree() -> None:
    """A str secret is its UTF-8 bytes."""
    by_text = jwt_async.sign_sync({}, "sécret", no_timestamp=True)
    assert by_text == jwt_async.sign_sync({}, "sécret".encode(), no_timestamp=True)


def test_key_types_and_sizes_are_checked_for_objects() -> None:
    """Key objects get the same family and size checks as PEM text."""
    small = rsa.generate_private_key(65537, 1024)
    with pytest.raises(InvalidKeyError, match="2048"):
        jwt_async.sign_sync({}, small, algorithm="RS256")
    token = jwt_async.sign_sync(
        {}, small, algorithm="RS256", allow_insecure_key_sizes=True
    )
    with pytest.warns(jwt.warnings.InsecureKeyLengthWarning):
        claims = jwt.decode(token, small.public_key(), algorithms=["RS256"])
    assert "iat" in claims
    with pytest.raises(InvalidKeyError, match="secp256r1"):
        jwt_async.sign_sync(
            {}, ec.generate_private_key(ec.SECP384R1()), algorithm="ES256"
        )


@pytest.mark.parametrize(
    ("key", "what"),
    [
        (b'from="10.0.0.1",no-pty ' + key_text("rsa2048_ssh.pub").encode(), "SSH"),
        (b"\xef\xbb\xbf" + key_text("ed25519_ssh.pub").encode(), "SSH"),
        (
            "---- BEGIN SSH2 PUBLIC KEY ----\nAAAAC3NzaC1lZDI1NTE5AAAAIA==\n"
            "---- END SSH2 PUBLIC KEY ----\n",
            "SSH",
        ),
        ('{"keys": [{"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}]}', "JWK Set"),
        (
            "\ufeff" + '{"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}',
            "public JWK",
        ),
        (
            (KEYS / "rsa2048_public.der").read_bytes().decode("latin-1"),
            "DER",
        ),
    ],
    ids=["authorized-keys", "bom-ssh", "rfc4716", "jwk-set", "bom-jwk", "der-text"],
)
def test_more_key_material_is_never_an_hmac_secret(key: Any, what: str) -> None:
    """Key material in other wrappings is refused as an HMAC secret too."""
    with pytest.raises(InvalidKeyError, match=what):
        jwt_async.sign_sync({}, key)


_PUBLIC_JWK = '{"kty": "RSA", "n": "AQAB", "e": "AQAB"}'


@pytest.mark.parametrize(
    ("key", "what"),
    [
        (key_text("rsa2048_public.pem").encode("utf-16"), "UTF-16"),
        (key_text("rsa2048_cert.pem").encode("utf-16-le"), "UTF-16"),
        (key_text("rsa2048_ssh.pub").encode("utf-16-be"), "UTF-16"),
        ((KEYS / "rsa2048_public.der").read_bytes() + b"\r\n", "DER"),
        (_PUBLIC_JWK[:-1] + ", }", "JSON Web Key"),
        ("[" + _PUBLIC_JWK + "]", "JSON Web Key"),
        ('{"jwk": ' + _PUBLIC_JWK + "}", "JSON Web Key"),
        ('{"n": "AQAB", "e": "AQAB"}', "JSON Web Key"),
    ],
    ids=[
        "utf16-pem",
        "utf16le-cert",
        "utf16be-ssh",
        "der-newline",
        "jwk-comma",
        "jwk-list",
        "jwk-nested",
        "jwk-no-kty",
    ],
)
def test_odd_encodings_of_key_material_are_refused(key: Any, what: str) -> None:
    """UTF-16 text, DER with trailing bytes and broken JWK text are refused."""
    with pytest.raises(InvalidKeyError, match=what):
        jwt_async.sign_sync({}, key)


@pytest.mark.parametrize(
    "jwk",
    [
        {"kty": 10**5000, "d": "AA"},
        {"kty": "x" * 100_000, "d": "AA"},
        {"kty": "EC", "crv": 10**5000, "d": "AA", "x": "AA", "y": "AA"},
        {"kty": "oct", "k": "a+b/"},
        {"kty": "oct", "k": "YWJj=="},
    ],
    ids=["huge-int-kty", "long-kty", "huge-int-crv", "not-url-safe", "padded"],
)
def test_odd_jwk_members_give_short_key_errors(jwk: dict[str, Any]) -> None:
    """JWK members of odd types or sizes are InvalidKeyErrors with short messages."""
    with pytest.raises(InvalidKeyError) as info:
        jwt_async.sign_sync({}, jwk, algorithm="HS256")
    assert len(str(info.value)) < 200


def test_thumbprint_of_a_jwk_with_a_lone_surrogate() -> None:
    """A JWK member that is not valid text is an InvalidKeyError."""
    with pytest.raises(InvalidKeyError, match="surrogate"):
        jwt_async.jwk_thumbprint({"kty": "RSA", "n": "\ud800", "e": "AQAB"})


def test_unknown_keyword_suggests_the_python_spelling() -> None:
    """A Node spelling used as a keyword is a TypeError naming the right one."""
    with pytest.raises(TypeError, match="did you mean 'expires_in'"):
        jwt_async.sign_sync({}, "s" * 32, expiresIn=5)  # type: ignore[call-arg]


def test_public_jwk_of_public_pem_and_of_nothing() -> None:
    """public_jwk reads public PEM; without a key it says so."""
    public = jwt_async.public_jwk(key_text("rsa2048_public.pem"))
    assert public == jwt_async.public_jwk(key_text("rsa2048.pem"))
    with pytest.raises(InvalidKeyError, match="needs a key"):
        jwt_async.public_jwk(None)
