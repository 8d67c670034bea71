"""``public_jwk`` and ``jwk_thumbprint``: publish the keys tokens are signed with."""

from __future__ import annotations

from collections.abc import Mapping

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization

from ._jwk import (
    PUBLIC_KEY_TYPES,
    PublicKey,
    parse_jwk_text,
    public_jwk_of,
    thumbprint_of,
)
from ._keys import LoadedKey, Secret, key_material
from ._types import Key
from .exceptions import InvalidKeyError


def public_jwk(key: Key | object) -> dict[str, str]:
    """Return the public JSON Web Key (RFC 7517) of a private key.

    :param key: private or public (SPKI) PEM text, a ``{"key",
        "passphrase"}`` mapping, a private JWK (dict or JSON text), or a
        ``cryptography`` private or public key object: RSA, EC, Ed25519 or
        Ed448.
    :returns: ``kty`` and the public members (``n``/``e``, ``crv``/``x``/``y``
        or ``crv``/``x``); never a private member. Add ``kid``, ``alg`` and
        ``use`` to publish it in a JWKS.
    :raises InvalidKeyError: the key is an HMAC secret (it has no public
        half) or cannot be read. An RSA PEM or JWK is loaded here, which takes
        tens of milliseconds: call this at start-up.
    """
    if isinstance(key, PUBLIC_KEY_TYPES):
        return public_jwk_of(key)
    public = _public_pem(key)
    if public is not None:
        return public_jwk_of(public)
    material = key_material(key)
    if material is None:
        raise InvalidKeyError("public_jwk needs a key")
    if isinstance(material, Secret):
        raise InvalidKeyError("an HMAC secret has no public JWK")
    private = material.key if isinstance(material, LoadedKey) else material.load()
    return public_jwk_of(private)


def _public_pem(key: object) -> PublicKey | None:
    if not isinstance(key, str | bytes):
        return None
    data = key.encode("utf-8", "replace") if isinstance(key, str) else key
    if b"PUBLIC KEY-----" not in data:
        return None
    try:
        public = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm):
        public = None
    if not isinstance(public, PUBLIC_KEY_TYPES):
        raise InvalidKeyError("the PEM public key cannot be read or has no JWK form")
    return public


def jwk_thumbprint(key: Key | object) -> str:
    """Return the RFC 7638 thumbprint (SHA-256, base64url) of a key or JWK.

    Use it as the ``kid`` of tokens and of the published JWK, so that a
    verifier picks the right key from a JWKS::

        signer = Signer(pem, algorithm="RS256", keyid=jwk_thumbprint(pem))

    :param key: a JWK, public or private, as a dict or JSON text (an ``oct``
        JWK included), or anything :func:`public_jwk` takes.
    :raises InvalidKeyError: the key or JWK cannot be read.
    """
    if isinstance(key, Mapping) and "kty" in key:
        return thumbprint_of(key)
    if isinstance(key, str | bytes):
        data = key.encode("utf-8", "replace") if isinstance(key, str) else key
        jwk = parse_jwk_text(data)
        if jwk is not None:
            return thumbprint_of(jwk)
    return thumbprint_of(public_jwk(key))
