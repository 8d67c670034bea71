"""Signer objects and the cache of loaded PEM keys."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

import jwt_async
import jwt_async._jwk
from jwt_async import InvalidKeyError, InvalidOptionError, Signer, _key_cache
from tests.helpers import FROZEN_NOW, key_text, private_jwk, private_key

pytestmark = pytest.mark.usefixtures("frozen_now")


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Each test starts and ends with an empty key cache of the default size."""
    jwt_async.clear_key_cache()
    yield
    jwt_async.set_key_cache_size(_key_cache.DEFAULT_KEY_CACHE_SIZE)
    jwt_async.clear_key_cache()


def test_signer_matches_sign_sync() -> None:
    """A signer gives the token sign_sync gives for the same key and options."""
    pem = key_text("rsa2048.pem")
    signer = Signer(pem, algorithm="RS256", expires_in="1h", issuer="me")
    expected = jwt_async.sign_sync(
        {"a": 1}, pem, algorithm="RS256", expires_in="1h", issuer="me"
    )
    assert signer.sign_sync({"a": 1}) == expected


@pytest.mark.anyio
async def test_signer_sign_is_async_and_verifies() -> None:
    """await signer.sign verifies with the public key, under asyncio and trio."""
    signer = Signer(key_text("ec_p256.pem"), algorithm="ES256", subject="u")
    token = await signer.sign({"a": 1})
    public = private_key("ec_p256.pem").public_key()
    claims = jwt.decode(token, public, algorithms=["ES256"])
    assert claims == {"a": 1, "iat": FROZEN_NOW, "sub": "u"}


def _hs_claims(token: str, alg: str) -> Any:
    # The clock is frozen in 2023, so exp is in the past for PyJWT.
    return jwt.decode(
        token, "s" * 64, algorithms=[alg], audience="a", options={"verify_exp": False}
    )


def test_overrides_replace_defaults_for_one_call() -> None:
    """Options given to sign_sync override the signer's defaults."""
    signer = Signer("s" * 64, expires_in=60, audience="a")
    token = signer.sign_sync({}, expires_in=10, algorithm="HS512")
    assert _hs_claims(token, "HS512")["exp"] == FROZEN_NOW + 10
    assert _hs_claims(signer.sign_sync({}), "HS256")["exp"] == FROZEN_NOW + 60


def test_signer_checks_key_and_options_at_once() -> None:
    """A bad key or option fails when the signer is built, not at first use."""
    with pytest.raises(InvalidKeyError):
        Signer(key_text("rsa1024.pem"), algorithm="RS256")
    with pytest.raises(InvalidKeyError):
        Signer("secret", algorithm="RS256")
    with pytest.raises(InvalidOptionError):
        Signer("secret", expires_in="soon")
    with pytest.raises(InvalidKeyError, match="wrong passphrase"):
        Signer(
            {"key": key_text("rsa2048_encrypted.pem"), "passphrase": "no"},
            algorithm="RS256",
        )


def test_signer_override_that_does_not_fit_the_key_is_refused() -> None:
    """Switching a signer's algorithm per call still checks the key."""
    signer = Signer(key_text("ec_p256.pem"), algorithm="ES256")
    with pytest.raises(InvalidKeyError):
        signer.sign_sync({}, algorithm="RS256")
    with pytest.raises(InvalidKeyError):
        signer.sign_sync({}, algorithm="HS256")


def test_signer_repr_shows_no_key() -> None:
    """repr names the algorithm only."""
    assert repr(Signer("top-secret-value", algorithm="HS384")) == (
        "Signer(algorithm='HS384')"
    )


def _loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = serialization.load_pem_private_key

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(serialization, "load_pem_private_key", counting)
    return calls


def test_same_pem_is_loaded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Repeated calls with the same PEM text parse it once."""
    calls = _loads(monkeypatch)
    pem = key_text("rsa2048.pem")
    tokens = {jwt_async.sign_sync({}, pem, algorithm="RS256") for _ in range(5)}
    assert len(tokens) == 1
    assert len(calls) == 1


def test_passphrases_never_share_an_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    """A wrong passphrase is not let through by a cached right one."""
    calls = _loads(monkeypatch)
    pem = key_text("rsa2048_encrypted.pem")
    right = {"key": pem, "passphrase": "correct horse"}
    jwt_async.sign_sync({}, right, algorithm="RS256")
    jwt_async.sign_sync({}, right, algorithm="RS256")
    assert len(calls) == 1
    with pytest.raises(InvalidKeyError, match="wrong passphrase"):
        jwt_async.sign_sync({}, {"key": pem, "passphrase": "wrong"}, algorithm="RS256")
    with pytest.raises(InvalidKeyError, match="encrypted"):
        jwt_async.sign_sync({}, pem, algorithm="RS256")


def test_cache_holds_no_plain_passphrase() -> None:
    """Entries are keyed by a digest of the passphrase, never the passphrase."""
    key = {"key": key_text("rsa2048_encrypted.pem"), "passphrase": "correct horse"}
    jwt_async.sign_sync({}, key, algorithm="RS256")
    assert _key_cache._entries
    for entry in _key_cache._entries:
        assert b"correct horse" not in repr(entry).encode()
        assert "correct horse" not in repr(entry)


def test_cache_is_bounded_and_clearable() -> None:
    """The cache keeps at most its size, least recently used out first."""
    jwt_async.set_key_cache_size(3)
    pems = [
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        for _ in range(5)
    ]
    for pem in pems:
        jwt_async.sign_sync({}, pem, algorithm="ES256")
    assert len(_key_cache._entries) == 3
    assert jwt_async.key_cache_size() == 3
    jwt_async.clear_key_cache()
    assert not _key_cache._entries


def test_cache_size_zero_turns_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """With size 0 every call parses its PEM."""
    jwt_async.set_key_cache_size(0)
    calls = _loads(monkeypatch)
    pem = key_text("ec_p256.pem")
    jwt_async.sign_sync({}, pem, algorithm="ES256")
    jwt_async.sign_sync({}, pem, algorithm="ES256")
    assert len(calls) == 2


@pytest.mark.parametrize("size", [-1, 1.5, True, "3"])
def test_bad_cache_sizes(size: Any) -> None:
    """The cache size is a non-negative integer."""
    with pytest.raises(InvalidOptionError):
        jwt_async.set_key_cache_size(size)


def test_cached_rsa_pss_key_keeps_its_restrictions() -> None:
    """A PSS key found in the cache is still refused for RS256."""
    pem = key_text("rsapss2048_sha256.pem")
    jwt_async.sign_sync({}, pem, algorithm="PS256")
    with pytest.raises(InvalidKeyError, match="RSA-PSS"):
        jwt_async.sign_sync({}, pem, algorithm="RS256")
    with pytest.raises(InvalidKeyError, match="sha256"):
        jwt_async.sign_sync({}, pem, algorithm="PS384")


@pytest.mark.anyio
async def test_a_burst_on_a_cold_cache_loads_the_key_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Fifty concurrent first signs with one PEM parse it once, not fifty times."""
    calls = _loads(monkeypatch)
    pem = key_text("rsa2048.pem")
    tokens: list[str] = []

    async def one() -> None:
        tokens.append(await jwt_async.sign({}, pem, algorithm="RS256"))

    async with anyio.create_task_group() as group:
        for _ in range(50):
            group.start_soon(one)
    assert len(tokens) == 50
    assert len(calls) == 1


def test_jwk_dicts_are_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    """A private JWK dict passed on every call is built once."""
    built: list[int] = []
    original = jwt_async._jwk.jwk_private_key

    def counting(jwk: Any) -> Any:
        built.append(1)
        return original(jwk)

    monkeypatch.setattr("jwt_async._keys.jwk_private_key", counting)
    jwk = private_jwk(private_key("rsa2048.pem"))
    tokens = {jwt_async.sign_sync({}, dict(jwk), algorithm="RS256") for _ in range(4)}
    assert len(tokens) == 1
    assert built == [1]


def test_cache_size_zero_keeps_no_secret() -> None:
    """With the cache off, not even the verdict on a secret is kept."""
    jwt_async.sign_sync({}, "remembered-secret-value")
    assert _key_cache.secrets
    jwt_async.set_key_cache_size(0)
    assert not _key_cache.secrets
    jwt_async.sign_sync({}, "another-secret-value")
    assert not _key_cache.secrets
