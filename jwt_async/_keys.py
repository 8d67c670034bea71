"""Reading the ``key`` argument: HMAC secret, PEM private key or key object.

Reading is cheap and runs inline; loading a PEM private key is not (RSA key
validation takes tens of milliseconds), so :meth:`PemPrivateKey.load` is
what the async API runs in a worker thread.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import (
    dsa,
    ec,
    ed448,
    ed25519,
    rsa,
    x448,
    x25519,
)

from ._algorithms import Algorithm, AsymmetricKey
from ._der import DERError, PssRestrictions, pss_restrictions
from ._encoding import encode_text
from ._jwk import (
    is_private_jwk,
    jwk_declared_alg,
    jwk_private_key,
    jwk_secret,
    parse_jwk_text,
)
from ._key_cache import (
    CachedKey,
    CacheKey,
    cache_key,
    load_once,
    lookup,
    remember_secret,
)
from ._key_cache import secrets as _secrets
from ._key_kinds import PKCS8_BEGIN, PKCS8_END, key_like, pem_labels, refuse_der_text
from .exceptions import InvalidKeyError, InvalidPayloadError

_PRIVATE_LABELS = frozenset(
    {
        b"PRIVATE KEY",
        b"ENCRYPTED PRIVATE KEY",
        b"RSA PRIVATE KEY",
        b"EC PRIVATE KEY",
        b"DSA PRIVATE KEY",
    }
)
_PUBLIC_KEY_TYPES = (
    rsa.RSAPublicKey,
    ec.EllipticCurvePublicKey,
    ed25519.Ed25519PublicKey,
    ed448.Ed448PublicKey,
    dsa.DSAPublicKey,
    x25519.X25519PublicKey,
    x448.X448PublicKey,
)
_SIGNING_KEY_TYPES = (
    rsa.RSAPrivateKey,
    ec.EllipticCurvePrivateKey,
    ed25519.Ed25519PrivateKey,
    ed448.Ed448PrivateKey,
)
_OTHER_PRIVATE_KEY_TYPES = (
    dsa.DSAPrivateKey,
    x25519.X25519PrivateKey,
    x448.X448PrivateKey,
)


@dataclass(frozen=True, slots=True, repr=False)
class Secret:
    """An HMAC secret; ``jwk_alg`` is the ``alg`` its JWK named, if any."""

    value: bytes
    jwk_alg: str | None = None

    def __repr__(self) -> str:
        return f"Secret(<{len(self.value)} bytes>)"


@dataclass(frozen=True, slots=True, repr=False)
class PemPrivateKey:
    """PEM text of a private key, with its passphrase, not yet loaded."""

    pem: bytes
    passphrase: bytes | None
    encrypted: bool
    pss: PssRestrictions | None
    cache_key: CacheKey | None = None
    jwk_alg: None = None

    def __repr__(self) -> str:
        return "PemPrivateKey(<hidden>)"

    def load(self) -> AsymmetricKey:
        """Parse and validate the key, and keep it in the key cache.

        CPU-bound: tens of milliseconds for RSA.

        :raises InvalidKeyError: wrong passphrase, damaged PEM or a key type
            that cannot sign JWTs.
        """
        return load_once(self.cache_key, self._load).key

    def _load(self) -> CachedKey:
        password = self.passphrase if self.encrypted else None
        try:
            loaded = serialization.load_pem_private_key(self.pem, password)
        except (ValueError, TypeError, UnsupportedAlgorithm):
            loaded = None
        if loaded is None:
            # Raised outside the handler, so that the backend's error, which
            # can quote the input, is not kept as __context__ either.
            what = (
                "wrong passphrase or damaged PEM"
                if self.encrypted
                else ("damaged or unsupported PEM")
            )
            raise InvalidKeyError(f"the private key cannot be read: {what}")
        return CachedKey(_signing_key(loaded), self.pss, None)


@dataclass(frozen=True, slots=True, repr=False)
class LoadedKey:
    """A loaded private key: passed in as an object, or found in the key cache."""

    key: AsymmetricKey
    pss: PssRestrictions | None = None
    jwk_alg: str | None = None

    def __repr__(self) -> str:
        return f"LoadedKey(<{type(self.key).__name__}>)"


@dataclass(frozen=True, slots=True, repr=False)
class JwkPrivateKey:
    """A private RSA, EC or OKP JSON Web Key, not yet loaded."""

    jwk: Mapping[str, Any]
    jwk_alg: str | None
    cache_key: CacheKey | None = None
    pss: None = None

    def __repr__(self) -> str:
        return f"JwkPrivateKey(<{self.jwk.get('kty')!s:.8}>)"

    def load(self) -> AsymmetricKey:
        """Build and validate the key, and keep it in the key cache.

        CPU-bound: tens of milliseconds for RSA.

        :raises InvalidKeyError: the JWK is damaged or of an unknown type.
        """
        return load_once(self.cache_key, self._load).key

    def _load(self) -> CachedKey:
        return CachedKey(jwk_private_key(self.jwk), None, self.jwk_alg)


KeyMaterial = Secret | PemPrivateKey | JwkPrivateKey | LoadedKey


def read_key(key: object, algorithm: Algorithm) -> KeyMaterial | None:
    """Classify ``key`` for ``algorithm`` without any expensive parsing.

    Returns None for ``none``, which takes no key. PEM, DER and SSH key
    material and certificates are never taken as an HMAC secret. PEM text
    that was loaded before comes back loaded, from the key cache.

    :raises InvalidKeyError: the key is missing, of the wrong kind, or
        unusable for the algorithm.
    """
    return check_material(key_material(key, algorithm.name), algorithm)


def check_material(
    material: KeyMaterial | None, algorithm: Algorithm
) -> KeyMaterial | None:
    """Check that the kind of ``material`` suits ``algorithm``.

    :raises InvalidKeyError: it does not.
    """
    if algorithm.family == "none":
        if isinstance(material, Secret) or material is None:
            return None
        raise InvalidKeyError(
            'alg "none" makes an unsigned token and takes no private key',
            alg="none",
        )
    if material is None:
        raise InvalidKeyError(f"{algorithm.name} needs a key", alg=algorithm.name)
    declared = material.jwk_alg
    if declared is not None and declared != algorithm.name:
        raise InvalidKeyError(
            f"the JWK is for alg {declared[:40]!r}, not {algorithm.name}",
            alg=algorithm.name,
        )
    if algorithm.family == "HS" and not isinstance(material, Secret):
        raise InvalidKeyError(
            f"{algorithm.name} needs an HMAC secret, not a private key",
            alg=algorithm.name,
        )
    if algorithm.is_asymmetric and isinstance(material, Secret):
        raise InvalidKeyError(
            f"{algorithm.name} needs a private key (PEM text, a mapping with "
            '"key" and "passphrase", or a key object), not an HMAC secret',
            alg=algorithm.name,
        )
    return material


def key_material(key: object, alg: str | None = None) -> KeyMaterial | None:
    """Classify ``key`` as a secret, a PEM private key or a loaded key.

    :param alg: the algorithm name to attach to errors.
    :raises InvalidKeyError: the key is of an unusable kind.
    """
    if key is None:
        return None
    if isinstance(key, str | bytes):
        entry = cache_key(key, None)
        secret = _secrets.get(entry)
        if secret is not None:
            return secret
        cached = lookup(entry)
        if cached is not None:
            return LoadedKey(*cached)
        if isinstance(key, str):
            refuse_der_text(key, alg)
            data = _key_text_bytes(key)
        else:
            data = key
        material = _from_bytes(data, entry, alg)
        if isinstance(material, Secret):
            remember_secret(entry, material)
        return material
    if isinstance(key, bytearray | memoryview):
        return _from_bytes(bytes(key), None, alg)
    if isinstance(key, Mapping):
        return _from_jwk_mapping(key, alg) if "kty" in key else _from_mapping(key, alg)
    if isinstance(key, _SIGNING_KEY_TYPES):
        return LoadedKey(key)
    if isinstance(key, _PUBLIC_KEY_TYPES):
        raise InvalidKeyError("a public key cannot sign; pass the private key", alg=alg)
    if isinstance(key, _OTHER_PRIVATE_KEY_TYPES):
        raise _unsupported_key_type(key)
    raise InvalidKeyError(
        'key must be str, bytes, a JWK, a mapping with "key" and "passphrase", '
        f"or an RSA, EC, Ed25519 or Ed448 private key object, not "
        f"{type(key).__name__}",
        alg=alg,
    )


def _key_text_bytes(text: str) -> bytes:
    try:
        return encode_text(text, "utf-8", "key")
    except InvalidPayloadError:
        pass
    raise InvalidKeyError("key text has a lone UTF-16 surrogate")


def _from_bytes(
    data: bytes, key: CacheKey | None, alg: str | None
) -> KeyMaterial | None:
    if not data:
        return None
    if b"-----BEGIN" in data:
        pem = _pem_private_key(data, None, key)
        if pem is not None:
            return pem
    jwk = parse_jwk_text(data)
    if jwk is not None:
        return _from_jwk(jwk, alg, key)
    kind = key_like(data)
    if kind is not None:
        raise InvalidKeyError(
            f"key is {kind}, which cannot sign and is never used as an HMAC "
            "secret (that would allow key confusion); pass the private key",
            alg=alg,
        )
    return Secret(data)


def _pem_private_key(
    data: bytes, passphrase: bytes | None, key: CacheKey | None
) -> PemPrivateKey | None:
    labels = pem_labels(data)
    if b"OPENSSH PRIVATE KEY" in labels:
        raise InvalidKeyError(
            "OpenSSH private keys are not supported; convert the key to PKCS#8 "
            "(ssh-keygen -p -m PKCS8)"
        )
    if not any(label in _PRIVATE_LABELS for label in labels):
        return None
    encrypted = b"ENCRYPTED PRIVATE KEY" in labels or b"Proc-Type: 4,ENCRYPTED" in data
    if encrypted and passphrase is None:
        raise InvalidKeyError(
            "the private key is encrypted; pass "
            '{"key": pem, "passphrase": ...} to sign with it'
        )
    return PemPrivateKey(data, passphrase, encrypted, _pss_of(data, labels), key)


def _pss_of(data: bytes, labels: list[bytes]) -> PssRestrictions | None:
    # Limitation: an encrypted PKCS#8 key hides its algorithm until it is
    # decrypted, so the RSA-PSS restrictions of such a key are not seen; it
    # is treated as a plain RSA key.
    if b"PRIVATE KEY" not in labels:
        return None
    start = data.find(PKCS8_BEGIN) + len(PKCS8_BEGIN)
    end = data.find(PKCS8_END, start)
    if end < 0:
        return None
    try:
        der = base64.b64decode(b"".join(data[start:end].split()), validate=True)
        return pss_restrictions(der)
    except (binascii.Error, DERError):
        return None


def _from_jwk(
    jwk: Mapping[Any, Any], alg: str | None, entry: CacheKey | None
) -> KeyMaterial:
    declared = jwk_declared_alg(jwk)
    if jwk.get("kty") == "oct":
        return Secret(jwk_secret(jwk), declared)
    if not is_private_jwk(jwk):
        raise InvalidKeyError("a public JWK cannot sign; pass the private JWK", alg=alg)
    return JwkPrivateKey(dict(jwk), declared, entry)


def _from_jwk_mapping(jwk: Mapping[Any, Any], alg: str | None) -> KeyMaterial:
    entry = _jwk_cache_key(jwk)
    cached = lookup(entry) if entry is not None else None
    if cached is not None:
        return LoadedKey(*cached)
    return _from_jwk(jwk, alg, entry)


def _jwk_cache_key(jwk: Mapping[Any, Any]) -> CacheKey | None:
    try:
        text = json.dumps(jwk, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        return None
    return cache_key(text, None)


def _from_mapping(key: Mapping[object, object], alg: str | None) -> KeyMaterial:
    unknown = any(name not in ("key", "passphrase") for name in key)
    if unknown or "key" not in key:
        raise InvalidKeyError(
            'a key mapping takes exactly "key" and optionally "passphrase"',
            alg=alg,
        )
    passphrase = _passphrase(key.get("passphrase"))
    pem = key["key"]
    if isinstance(pem, str | bytes):
        cached = lookup(cache_key(pem, passphrase))
        if cached is not None:
            return LoadedKey(*cached)
        entry: CacheKey | None = cache_key(pem, passphrase)
        pem = _key_text_bytes(pem) if isinstance(pem, str) else pem
    else:
        entry = None
    if not isinstance(pem, bytes | bytearray | memoryview):
        raise InvalidKeyError(
            f'"key" in a key mapping must be PEM text, not {type(pem).__name__}',
            alg=alg,
        )
    found = _pem_private_key(bytes(pem), passphrase, entry)
    if found is None:
        raise InvalidKeyError(
            '"key" in a key mapping must be a PEM private key', alg=alg
        )
    return found


def _passphrase(value: object) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, str):
        return _key_text_bytes(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    raise InvalidKeyError(
        f'"passphrase" must be str or bytes, not {type(value).__name__}'
    )


def _signing_key(key: object) -> AsymmetricKey:
    if isinstance(key, _SIGNING_KEY_TYPES):
        return key
    raise _unsupported_key_type(key)


def _unsupported_key_type(key: object) -> InvalidKeyError:
    return InvalidKeyError(
        f"{type(key).__name__.removeprefix('_')} keys cannot sign JWTs; "
        "use an RSA, EC, Ed25519 or Ed448 key"
    )
