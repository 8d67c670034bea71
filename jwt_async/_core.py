"""The signing pipeline, free of any event loop: options, header, payload, sign.

:func:`prepare` does the cheap work (validation, JSON, encoding) and returns
a :class:`SigningJob`; its :meth:`~SigningJob.signature` does the expensive
part, which the async API moves to a worker thread for asymmetric keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519

from ._algorithms import Algorithm, asymmetric_signature, check_key_fits, hmac_signature
from ._claims import ClaimSet, payload_bytes
from ._encoding import b64url, json_bytes
from ._keys import (
    JwkPrivateKey,
    KeyMaterial,
    LoadedKey,
    PemPrivateKey,
    Secret,
    check_material,
    read_key,
)
from ._options import SignOptions
from .exceptions import InvalidHeaderError, InvalidPayloadError

_UNSET: Any = object()


@dataclass(slots=True)
class SigningJob:
    """One token to sign: its signing input, algorithm and key."""

    algorithm: Algorithm
    signing_text: str
    key: KeyMaterial | None
    options: SignOptions
    claim_set: ClaimSet | None

    @property
    def signing_input(self) -> bytes:
        """The bytes the signature covers: ``header.payload`` (RFC 7515 §5.1)."""
        return self.signing_text.encode("ascii")

    @property
    def needs_thread(self) -> bool:
        """True when the work is heavier than a thread hop.

        Loading a key and RSA or ECDSA signing are; HMAC and Ed25519 (about
        25 µs a signature, against some 145 µs for a hop) are not.
        """
        key = self.key
        if isinstance(key, LoadedKey):
            return not isinstance(key.key, ed25519.Ed25519PrivateKey)
        return isinstance(key, PemPrivateKey | JwkPrivateKey)

    def signature(self) -> bytes:
        """Compute the signature; safe to call from any thread.

        :raises InvalidKeyError: the key cannot be read or does not fit.
        :raises SigningError: the backend failed.
        """
        key = self.key
        if key is None:
            return b""
        if isinstance(key, Secret):
            return hmac_signature(self.algorithm, key.value, self.signing_input)
        if isinstance(key, LoadedKey):
            private = key.key
        else:
            private = key.load()
            check_key_fit(self.algorithm, LoadedKey(private, key.pss), self.options)
        return asymmetric_signature(self.algorithm, private, self.signing_input)

    def token(self, signature: bytes) -> str:
        """Join the signing input and ``signature`` into the compact token.

        Only now, with the signature made, does a ``mutate_payload`` caller's
        mapping receive the added claims.
        """
        if self.claim_set is not None:
            self.claim_set.hand_back()
        return f"{self.signing_text}.{b64url(signature)}"


def prepare(payload: object, key: object, options: SignOptions) -> SigningJob:
    """Validate everything cheap and build the signing input.

    :raises JWTError: any input is unusable; the subclass says which.
    """
    payload_segment, claim_set = payload_bytes(payload, options)
    material = read_key(key, options.algorithm)
    return _job(payload_segment, claim_set, material, options)


def prepare_with_material(
    payload: object, material: KeyMaterial | None, options: SignOptions
) -> SigningJob:
    """Like :func:`prepare`, for key material that was read before.

    :raises JWTError: any input is unusable; the subclass says which.
    """
    payload_segment, claim_set = payload_bytes(payload, options)
    checked = check_material(material, options.algorithm)
    return _job(payload_segment, claim_set, checked, options)


def _job(
    payload_segment: bytes,
    claim_set: ClaimSet | None,
    material: KeyMaterial | None,
    options: SignOptions,
) -> SigningJob:
    algorithm = options.algorithm
    if isinstance(material, LoadedKey):
        check_key_fit(algorithm, material, options)
    header = _header_segment(options, is_claim_set=claim_set is not None)
    signing_text = f"{header}.{b64url(payload_segment)}"
    return SigningJob(algorithm, signing_text, material, options, claim_set)


_HEADER_CACHE_LIMIT = 256
_header_segments: dict[tuple[str, bool, str | None], str] = {}


def _header_segment(options: SignOptions, *, is_claim_set: bool) -> str:
    if options.header is not None:
        return b64url(_header(options, is_claim_set=is_claim_set))
    cache_key = (options.algorithm.name, is_claim_set, options.keyid)
    segment = _header_segments.get(cache_key)
    if segment is None:
        segment = b64url(_header(options, is_claim_set=is_claim_set))
        if len(_header_segments) >= _HEADER_CACHE_LIMIT:
            _header_segments.clear()
        _header_segments[cache_key] = segment
    return segment


def _header(options: SignOptions, *, is_claim_set: bool) -> bytes:
    # Node fills alg, typ and kid first and merges the header option over
    # them, so they keep the first places even when the option sets them.
    fields: dict[str, Any] = {
        "alg": options.algorithm.name,
        "typ": "JWT" if is_claim_set else _UNSET,
        "kid": _UNSET if options.keyid is None else options.keyid,
    }
    if options.header is not None:
        fields.update(options.header)
    header = {name: value for name, value in fields.items() if value is not _UNSET}
    # UTF-8, unlike Node, which writes header text as Latin-1 and so mangles
    # any character above U+00FF.
    try:
        return json_bytes(header, "header")
    except InvalidPayloadError as exc:
        raise InvalidHeaderError(exc.message, option="header") from None


def check_key_fit(
    algorithm: Algorithm, material: LoadedKey, options: SignOptions
) -> None:
    """Check a loaded key against the algorithm and the key options.

    :raises InvalidKeyError: the key does not fit.
    """
    check_key_fits(
        algorithm,
        material.key,
        pss=material.pss,
        allow_insecure_key_sizes=options.allow_insecure_key_sizes,
        allow_invalid_key_types=options.allow_invalid_asymmetric_key_types,
    )
