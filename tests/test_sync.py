"""``sign_sync``: the blocking entry point, and the cases all three entry points share.

SIGN_CASES and ERROR_CASES are the one list of inputs that ``test_async`` and
``test_callback`` run through ``sign`` and ``sign_callback`` too: whatever
``sign_sync`` returns or raises for a case, the other entry points must match.
"""

from __future__ import annotations

import json
import threading
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import anyio.to_thread
import jwt
import pytest
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import padding, rsa

import jwt_async
import jwt_async._core
from jwt_async.exceptions import (
    InvalidHeaderError,
    InvalidKeyError,
    InvalidOptionError,
    InvalidPayloadError,
    JWTError,
    SigningError,
    UnsupportedAlgorithmError,
)
from tests.helpers import FROZEN_NOW, key_text, private_key

SECRET = "a shared HMAC secret, long enough for HS512 at sixty-four bytes!"
PASSPHRASE = "correct horse"

# Node's camelCase option names, spelled out here rather than taken from
# jwt_async, so that a wrong mapping in jwt_async cannot hide itself.
CAMEL_CASE = {
    "algorithm": "algorithm",
    "expires_in": "expiresIn",
    "not_before": "notBefore",
    "audience": "audience",
    "issuer": "issuer",
    "jwtid": "jwtid",
    "subject": "subject",
    "no_timestamp": "noTimestamp",
    "header": "header",
    "keyid": "keyid",
    "mutate_payload": "mutatePayload",
    "encoding": "encoding",
    "allow_insecure_key_sizes": "allowInsecureKeySizes",
    "allow_invalid_asymmetric_key_types": "allowInvalidAsymmetricKeyTypes",
}


def camel(options: Mapping[str, Any]) -> dict[str, Any]:
    """Spell keyword options as ``sign_callback`` takes them."""
    return {CAMEL_CASE[name]: value for name, value in options.items()}


def rsa_private_key(name: str) -> rsa.RSAPrivateKey:
    """Return a committed RSA test key, loaded."""
    key = private_key(name)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def public_of(name: str) -> Any:
    """Return the public key of a committed test key, for PyJWT to verify with."""
    return private_key(name).public_key()


@dataclass(frozen=True)
class SignCase:
    """One signing input, and what PyJWT must verify its token with."""

    name: str
    payload: Any
    key: Any
    verify_key: Any
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def alg(self) -> str:
        """The algorithm the token must be signed with."""
        return str(self.options.get("algorithm", "HS256"))

    @property
    def deterministic(self) -> bool:
        """True when the same input always gives the same token."""
        return self.alg[:2] in ("HS", "RS", "no")


def _rsa(name: str = "rsa2048.pem") -> tuple[str, object]:
    return key_text(name), public_of(name)


SIGN_CASES = [
    SignCase("hs256-default", {"sub": "42"}, SECRET, SECRET),
    SignCase(
        "hs384-bytes-secret-timed",
        {"scope": ["read", "write"]},
        SECRET.encode(),
        SECRET.encode(),
        {"algorithm": "HS384", "expires_in": "2h", "not_before": 60},
    ),
    SignCase(
        "hs512-registered-claims",
        {"n": 1},
        SECRET,
        SECRET,
        {
            "algorithm": "HS512",
            "audience": ["api", "web"],
            "issuer": "issuer.test",
            "subject": "user-7",
            "jwtid": "id-1",
            "keyid": "hs-key",
        },
    ),
    SignCase("hs256-string-payload", "just text", SECRET, SECRET),
    SignCase("none-unsigned", {"sub": "42"}, None, None, {"algorithm": "none"}),
    SignCase(
        "rs256-pem",
        {"sub": "42"},
        *_rsa(),
        {"algorithm": "RS256", "keyid": "rsa-1", "header": {"x5t": "thumb"}},
    ),
    SignCase(
        "rs384-key-object",
        {"sub": "42"},
        private_key("rsa2048.pem"),
        public_of("rsa2048.pem"),
        {"algorithm": "RS384", "expires_in": 3600},
    ),
    SignCase(
        "rs512-pkcs1-pem",
        {"sub": "42"},
        *_rsa("rsa2048_pkcs1.pem"),
        {"algorithm": "RS512"},
    ),
    SignCase(
        "rs256-encrypted-pem",
        {"sub": "42"},
        {"key": key_text("rsa2048_encrypted.pem"), "passphrase": PASSPHRASE},
        public_of("rsa2048.pem"),
        {"algorithm": "RS256"},
    ),
    SignCase(
        "rs256-bytes-payload",
        b"\x00raw bytes\xff",
        private_key("rsa2048.pem"),
        public_of("rsa2048.pem"),
        {"algorithm": "RS256"},
    ),
    SignCase("ps256-pem", {"sub": "42"}, *_rsa(), {"algorithm": "PS256"}),
    SignCase(
        "ps512-key-object",
        {"sub": "42"},
        private_key("rsa2048.pem"),
        public_of("rsa2048.pem"),
        {"algorithm": "PS512"},
    ),
    SignCase(
        "es256-pem",
        {"sub": "42"},
        key_text("ec_p256.pem"),
        public_of("ec_p256.pem"),
        {"algorithm": "ES256"},
    ),
    SignCase(
        "es256-key-object",
        {"sub": "42"},
        private_key("ec_p256.pem"),
        public_of("ec_p256.pem"),
        {"algorithm": "ES256", "jwtid": "es-1"},
    ),
    SignCase(
        "es384-key-object",
        {"sub": "42"},
        private_key("ec_p384.pem"),
        public_of("ec_p384.pem"),
        {"algorithm": "ES384"},
    ),
    SignCase(
        "es512-pem",
        {"sub": "42"},
        key_text("ec_p521.pem"),
        public_of("ec_p521.pem"),
        {"algorithm": "ES512"},
    ),
]
SIGN_CASE_IDS = [case.name for case in SIGN_CASES]


def case_named(name: str) -> SignCase:
    """Return the shared case called ``name``."""
    return next(case for case in SIGN_CASES if case.name == name)


def verified(case: SignCase, token: str) -> tuple[dict[str, Any], bytes]:
    """Verify ``token`` with PyJWT; return its header and raw payload."""
    if case.alg == "none":
        assert token.endswith(".")
        decoded = jwt.PyJWS().decode_complete(
            token, options={"verify_signature": False}
        )
    else:
        decoded = jwt.PyJWS().decode_complete(
            token, key=case.verify_key, algorithms=[case.alg]
        )
    assert decoded["header"]["alg"] == case.alg
    return decoded["header"], decoded["payload"]


def assert_same_token(case: SignCase, token: str, reference: str) -> None:
    """Check ``token`` is the one ``reference`` is, up to randomised signatures."""
    if case.deterministic:
        assert token == reference
        return
    signing_input = token.rsplit(".", 1)[0]
    assert signing_input == reference.rsplit(".", 1)[0]
    assert token != reference  # PS* and ES* signatures are randomised
    verified(case, token)


class FailingRSAKey(rsa.RSAPrivateKey):
    """An RSA key whose backend cannot sign: a stand-in for a broken provider."""

    def __init__(self, inner: rsa.RSAPrivateKey) -> None:
        self._inner = inner

    def sign(self, data: bytes, padding: object, algorithm: object) -> bytes:
        raise UnsupportedAlgorithm("this provider signs nothing")

    @property
    def key_size(self) -> int:
        return self._inner.key_size

    def public_key(self) -> rsa.RSAPublicKey:
        return self._inner.public_key()

    def decrypt(self, ciphertext: bytes, padding: padding.AsymmetricPadding) -> bytes:
        raise NotImplementedError

    def private_numbers(self) -> rsa.RSAPrivateNumbers:
        raise NotImplementedError

    def private_bytes(self, encoding: Any, format: Any, encryption: Any) -> bytes:
        raise NotImplementedError

    def __copy__(self) -> FailingRSAKey:
        return self

    def __deepcopy__(self, memo: dict[Any, Any]) -> FailingRSAKey:
        return self


@dataclass(frozen=True)
class ErrorCase:
    """One input every entry point must reject, and the class it is rejected with."""

    name: str
    payload: Any
    key: Any
    options: dict[str, Any]
    error: type[JWTError]
    in_thread: bool = False
    """The error is raised in the async API's worker thread, not before it."""


ERROR_CASES = [
    ErrorCase(
        "unknown-algorithm",
        {"sub": "1"},
        SECRET,
        {"algorithm": "HS999"},
        UnsupportedAlgorithmError,
    ),
    ErrorCase(
        "unreadable-expires-in",
        {"sub": "1"},
        SECRET,
        {"expires_in": "soon-ish"},
        InvalidOptionError,
    ),
    ErrorCase(
        "audience-of-wrong-type",
        {"sub": "1"},
        SECRET,
        {"audience": 5},
        InvalidOptionError,
    ),
    ErrorCase(
        "claim-option-on-string-payload",
        "text",
        SECRET,
        {"expires_in": 60},
        InvalidOptionError,
    ),
    ErrorCase(
        "mutate-payload-on-read-only-mapping",
        types.MappingProxyType({"sub": "1"}),
        SECRET,
        {"mutate_payload": True},
        InvalidOptionError,
    ),
    ErrorCase(
        "header-alg-none-with-hs256",
        {"sub": "1"},
        SECRET,
        {"header": {"alg": "none"}},
        InvalidHeaderError,
    ),
    ErrorCase(
        "exp-claim-not-a-number", {"exp": "later"}, SECRET, {}, InvalidPayloadError
    ),
    ErrorCase("payload-missing", None, SECRET, {}, InvalidPayloadError),
    ErrorCase(
        "rs256-with-hmac-secret",
        {"sub": "1"},
        SECRET,
        {"algorithm": "RS256"},
        InvalidKeyError,
    ),
    ErrorCase(
        "rs256-with-ec-key-object",
        {"sub": "1"},
        private_key("ec_p256.pem"),
        {"algorithm": "RS256"},
        InvalidKeyError,
    ),
    ErrorCase(
        "rs256-with-1024-bit-key-object",
        {"sub": "1"},
        private_key("rsa1024.pem"),
        {"algorithm": "RS256"},
        InvalidKeyError,
    ),
    ErrorCase(
        "rs256-with-1024-bit-pem",
        {"sub": "1"},
        key_text("rsa1024.pem"),
        {"algorithm": "RS256"},
        InvalidKeyError,
        in_thread=True,
    ),
    ErrorCase(
        "rs256-with-wrong-passphrase",
        {"sub": "1"},
        {"key": key_text("rsa2048_encrypted.pem"), "passphrase": "wrong horse"},
        {"algorithm": "RS256"},
        InvalidKeyError,
        in_thread=True,
    ),
    ErrorCase(
        "es256-with-p384-pem",
        {"sub": "1"},
        key_text("ec_p384.pem"),
        {"algorithm": "ES256"},
        InvalidKeyError,
        in_thread=True,
    ),
    ErrorCase(
        "backend-cannot-sign",
        {"sub": "1"},
        FailingRSAKey(rsa_private_key("rsa2048.pem")),
        {"algorithm": "RS256"},
        SigningError,
        in_thread=True,
    ),
]
ERROR_CASE_IDS = [case.name for case in ERROR_CASES]


def sync_error(case: ErrorCase) -> JWTError:
    """Return the error ``sign_sync`` raises for ``case``: the reference."""
    with pytest.raises(JWTError) as caught:
        jwt_async.sign_sync(case.payload, case.key, **case.options)
    return caught.value


def assert_same_error(error: BaseException | None, reference: JWTError) -> None:
    """Check ``error`` is what ``sign_sync`` raised: same class, message and fields."""
    assert type(error) is type(reference)
    assert str(error) == str(reference)
    assert vars(error) == vars(reference)  # .message, .option, .claim, .alg


@pytest.mark.usefixtures("frozen_now")
@pytest.mark.parametrize("case", SIGN_CASES, ids=SIGN_CASE_IDS)
def test_every_shared_case_signs_a_token_pyjwt_verifies(case: SignCase) -> None:
    """Each shared case gives a token whose signature and alg PyJWT accepts."""
    token = jwt_async.sign_sync(case.payload, case.key, **case.options)

    header, payload = verified(case, token)

    if isinstance(case.payload, Mapping):
        claims = json.loads(payload)
        assert claims.items() >= case.payload.items()
        assert claims["iat"] == FROZEN_NOW
        assert header["typ"] == "JWT"
    elif isinstance(case.payload, bytes):
        assert payload == case.payload
    else:
        assert payload == case.payload.encode()


@pytest.mark.parametrize(
    ("alg", "key"),
    [
        ("HS256", SECRET),
        ("HS384", SECRET.encode()),
        ("HS512", SECRET),
        ("RS256", private_key("rsa2048.pem")),
        ("RS512", key_text("rsa2048.pem")),
    ],
)
def test_deterministic_tokens_equal_pyjwt_byte_for_byte(alg: str, key: Any) -> None:
    """HS* and RS* tokens are exactly the ones PyJWT makes from the same claims."""
    claims = {"sub": "42", "n": 7, "roles": ["a", "b"], "ok": True}
    pyjwt_key = (
        private_key("rsa2048.pem") if isinstance(key, str) and alg[0] == "R" else key
    )

    token = jwt_async.sign_sync(claims, key, algorithm=alg, no_timestamp=True)

    assert token == jwt.encode(claims, pyjwt_key, algorithm=alg)


@pytest.mark.parametrize("case", ERROR_CASES, ids=ERROR_CASE_IDS)
def test_every_error_case_raises_its_exact_class(case: ErrorCase) -> None:
    """Each shared error case raises exactly its JWTError subclass, with a message."""
    error = sync_error(case)

    assert type(error) is case.error
    assert error.code == case.error.code
    assert str(error) == error.message != ""


def test_backend_failure_chains_the_backend_error() -> None:
    """A backend that cannot sign gives a SigningError caused by its own error."""
    case = next(case for case in ERROR_CASES if case.name == "backend-cannot-sign")

    error = sync_error(case)

    assert isinstance(error.__cause__, UnsupportedAlgorithm)


@pytest.mark.anyio
@pytest.mark.parametrize(
    "case",
    [case for case in SIGN_CASES if case.deterministic],
    ids=[case.name for case in SIGN_CASES if case.deterministic],
)
async def test_sign_sync_inside_a_running_loop_gives_the_same_token(
    case: SignCase, frozen_now: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Called straight from a coroutine, sign_sync signs inline, without a thread."""
    reference = await anyio.to_thread.run_sync(
        lambda: jwt_async.sign_sync(case.payload, case.key, **case.options)
    )
    thread_calls: list[object] = []
    monkeypatch.setattr(anyio.to_thread, "run_sync", thread_calls.append)

    token = jwt_async.sign_sync(case.payload, case.key, **case.options)

    assert token == reference
    assert thread_calls == []
    assert jwt_async.current_limiter().borrowed_tokens == 0


@pytest.mark.asyncio
async def test_sign_sync_in_an_asyncio_coroutine_signs_on_the_loop_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """sign_sync in a coroutine computes an RSA signature on the loop's own thread."""
    threads: list[int] = []
    original = jwt_async._core.SigningJob.signature

    def recording(job: jwt_async._core.SigningJob) -> bytes:
        threads.append(threading.get_ident())
        return original(job)

    monkeypatch.setattr(jwt_async._core.SigningJob, "signature", recording)
    loop_thread = threading.get_ident()

    token = jwt_async.sign_sync(
        {"sub": "42"}, key_text("rsa2048.pem"), algorithm="RS256"
    )

    assert threads == [loop_thread]
    verified(case_named("rs256-pem"), token)


def test_sign_sync_from_32_threads_with_shared_keys_gives_verifiable_tokens() -> None:
    """32 threads signing at once with shared key objects and PEM text all succeed."""
    rsa_object, ec_object = private_key("rsa2048.pem"), private_key("ec_p256.pem")
    signers: list[tuple[str, Any, Any]] = [
        ("RS256", rsa_object, public_of("rsa2048.pem")),
        ("ES256", ec_object, public_of("ec_p256.pem")),
        ("RS256", key_text("rsa2048.pem"), public_of("rsa2048.pem")),
        ("ES256", key_text("ec_p256.pem"), public_of("ec_p256.pem")),
        ("PS256", rsa_object, public_of("rsa2048.pem")),
        ("HS256", SECRET, SECRET),
    ]
    start = threading.Barrier(32)
    jwt_async.clear_key_cache()  # so that the threads race to load the PEM keys
    tokens: dict[str, tuple[str, str, Any]] = {}
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            start.wait(timeout=30)
            for index, (alg, key, verify_key) in enumerate(signers):
                jti = f"{worker}-{index}"
                token = jwt_async.sign_sync(
                    {"w": worker}, key, algorithm=alg, jwtid=jti
                )
                tokens[jti] = (token, alg, verify_key)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    _run_threads(work, 32)

    assert errors == []
    assert len(tokens) == 32 * len(signers)
    for jti, (token, alg, verify_key) in tokens.items():
        claims = jwt.decode(token, verify_key, algorithms=[alg])
        assert claims["jti"] == jti
        assert claims["w"] == int(jti.split("-")[0])


def _run_threads(work: Callable[[int], None], count: int) -> None:
    threads = [threading.Thread(target=work, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive()
