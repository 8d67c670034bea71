"""The JWS algorithms (RFC 7518 §3): names, key checks and signature functions."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Literal

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from ._der import PssRestrictions
from ._encoding import shown
from .exceptions import InvalidKeyError, SigningError, UnsupportedAlgorithmError

Family = Literal["HS", "RS", "PS", "ES", "EdDSA", "none"]
AsymmetricKey = (
    rsa.RSAPrivateKey
    | ec.EllipticCurvePrivateKey
    | ed25519.Ed25519PrivateKey
    | ed448.Ed448PrivateKey
)
EdwardsKey = (ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey)

_HASHES: dict[int, type[hashes.HashAlgorithm]] = {
    256: hashes.SHA256,
    384: hashes.SHA384,
    512: hashes.SHA512,
}

# RFC 7518 §3.4 ties each ECDSA algorithm to one curve; RFC 8812 §3.2 adds
# ES256K on secp256k1.
_CURVES: dict[str, ec.EllipticCurve] = {
    "ES256": ec.SECP256R1(),
    "ES384": ec.SECP384R1(),
    "ES512": ec.SECP521R1(),
    "ES256K": ec.SECP256K1(),
}

_MINIMUM_RSA_BITS = 2048


@dataclass(frozen=True, slots=True)
class Algorithm:
    """One JWS algorithm: its name, family and digest size in bits."""

    name: str
    family: Family
    bits: int

    @property
    def is_asymmetric(self) -> bool:
        """True for the algorithms that sign with a private key."""
        return self.family in ("RS", "PS", "ES", "EdDSA")

    def hash(self) -> hashes.HashAlgorithm:
        """Return a fresh hash object for this algorithm's digest."""
        return _HASHES[self.bits]()

    def curve(self) -> ec.EllipticCurve:
        """Return the curve an ES algorithm requires (RFC 7518 §3.4)."""
        return _CURVES[self.name]

    def ecdsa_size(self) -> int:
        """Return the byte length of R and of S in an ES signature."""
        return (self.curve().key_size + 7) // 8


def _table() -> dict[str, Algorithm]:
    table = {"none": Algorithm("none", "none", 0)}
    family: Family
    for family in ("HS", "RS", "PS", "ES"):
        for bits in (256, 384, 512):
            table[f"{family}{bits}"] = Algorithm(f"{family}{bits}", family, bits)
    table["ES256K"] = Algorithm("ES256K", "ES", 256)
    table["EdDSA"] = Algorithm("EdDSA", "EdDSA", 0)
    return table


ALGORITHMS = _table()


def algorithm_named(name: object, *, option: str) -> Algorithm:
    """Return the algorithm called ``name`` (names are case-sensitive).

    :raises UnsupportedAlgorithmError: for any other name or a non-string.
    """
    found = ALGORITHMS.get(name) if isinstance(name, str) else None
    if found is None:
        described = shown(name)
        raise UnsupportedAlgorithmError(
            f'"{option}" names an unsupported algorithm {described}; expected one '
            f"of {', '.join(ALGORITHMS)}",
            option=option,
            alg=described,
        )
    return found


def check_key_fits(
    algorithm: Algorithm,
    key: AsymmetricKey,
    *,
    pss: PssRestrictions | None,
    allow_insecure_key_sizes: bool,
    allow_invalid_key_types: bool,
) -> None:
    """Check that ``key`` may sign with ``algorithm``.

    Only an EC curve that differs from the algorithm's can be let through,
    by ``allow_invalid_key_types``, and only when the curve is no larger than
    the algorithm's: any other mismatch would give a signature that no
    verifier of the algorithm could check.

    :param pss: the restrictions of a key stored as an RSASSA-PSS key.
    :raises InvalidKeyError: the key does not fit.
    """
    name = algorithm.name
    if algorithm.family in ("RS", "PS"):
        if not isinstance(key, rsa.RSAPrivateKey):
            raise InvalidKeyError(
                f"{name} needs an RSA private key, not {_key_kind(key)}", alg=name
            )
        if pss is not None:
            _check_pss(algorithm, pss)
        if key.key_size < _MINIMUM_RSA_BITS and not allow_insecure_key_sizes:
            raise InvalidKeyError(
                f"{name} needs an RSA key of at least {_MINIMUM_RSA_BITS} bits, "
                f"not {key.key_size}; allow_insecure_key_sizes lifts this",
                alg=name,
            )
    elif algorithm.family == "EdDSA":
        if not isinstance(key, EdwardsKey):
            raise InvalidKeyError(
                f"EdDSA needs an Ed25519 or Ed448 private key, not {_key_kind(key)}",
                alg=name,
            )
    elif algorithm.family == "ES":
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise InvalidKeyError(
                f"{name} needs an EC private key, not {_key_kind(key)}", alg=name
            )
        _check_curve(algorithm, key.curve, allow_invalid_key_types)


def _check_curve(
    algorithm: Algorithm, curve: ec.EllipticCurve, allow_other: bool
) -> None:
    name, wanted = algorithm.name, algorithm.curve()
    if curve.name == wanted.name:
        return
    if not allow_other:
        raise InvalidKeyError(
            f"{name} needs an EC key on curve {wanted.name}, not {curve.name}; "
            "allow_invalid_asymmetric_key_types lifts this",
            alg=name,
        )
    if curve.key_size > wanted.key_size:
        raise InvalidKeyError(
            f"an EC key on curve {curve.name} makes signatures too long for "
            f"{name}, whatever the options",
            alg=name,
        )


def _check_pss(algorithm: Algorithm, pss: PssRestrictions) -> None:
    name = algorithm.name
    if algorithm.family != "PS":
        raise InvalidKeyError(
            f"an RSA-PSS key can only sign PS256, PS384 or PS512, not {name}",
            alg=name,
        )
    if pss.hash_name is None:
        return  # a key without parameters may use any hash (RFC 4055 §3.1)
    digest = f"sha{algorithm.bits}"
    if pss.hash_name != digest or pss.mgf1_hash_name != digest:
        raise InvalidKeyError(
            f"the RSA-PSS key is restricted to {pss.hash_name} with MGF1 "
            f"{pss.mgf1_hash_name}; {name} needs {digest} for both",
            alg=name,
        )
    if pss.salt_length is not None and pss.salt_length > algorithm.bits // 8:
        raise InvalidKeyError(
            f"the RSA-PSS key needs a salt of at least {pss.salt_length} bytes; "
            f"{name} uses {algorithm.bits // 8}",
            alg=name,
        )


def _key_kind(key: object) -> str:
    if isinstance(key, rsa.RSAPrivateKey):
        return "an RSA key"
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return f"an EC key on curve {key.curve.name}"
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return "an Ed25519 key"
    if isinstance(key, ed448.Ed448PrivateKey):
        return "an Ed448 key"
    return f"a {type(key).__name__}"


def hmac_signature(algorithm: Algorithm, secret: bytes, data: bytes) -> bytes:
    """Return the HMAC of ``data`` (RFC 7518 §3.2)."""
    return hmac.digest(secret, data, f"sha{algorithm.bits}")


def asymmetric_signature(
    algorithm: Algorithm, key: AsymmetricKey, data: bytes
) -> bytes:
    """Return the RSA or ECDSA signature of ``data`` (RFC 7518 §3.3-3.5).

    CPU-bound: the async API calls it from a worker thread.

    :raises InvalidKeyError: the RSA key is too small for the padding.
    :raises SigningError: the backend failed in another way.
    """
    try:
        if isinstance(key, EdwardsKey):
            return key.sign(data)  # RFC 8037 §3.1: EdDSA signs the input as is
        if isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, _rsa_padding(algorithm), algorithm.hash())
        der = key.sign(data, ec.ECDSA(algorithm.hash()))
        return _ecdsa_raw(algorithm.ecdsa_size(), der)
    except ValueError as exc:
        # cryptography refuses a modulus too short for the digest and padding.
        size = getattr(key, "key_size", 0)
        raise InvalidKeyError(
            f"the {size}-bit key is too small to sign {algorithm.name}",
            alg=algorithm.name,
        ) from exc
    except UnsupportedAlgorithm as exc:
        raise SigningError(
            f"the cryptography backend cannot sign {algorithm.name}"
        ) from exc


def _rsa_padding(algorithm: Algorithm) -> padding.AsymmetricPadding:
    if algorithm.family == "RS":
        return padding.PKCS1v15()
    # RFC 7518 §3.5: MGF1 with the same hash, salt as long as the digest.
    return padding.PSS(
        mgf=padding.MGF1(algorithm.hash()), salt_length=padding.PSS.DIGEST_LENGTH
    )


def _ecdsa_raw(size: int, der: bytes) -> bytes:
    # RFC 7518 §3.4: R and S as fixed-length big-endian integers (66 bytes
    # each for ES512), not the DER that OpenSSL returns. The length follows
    # the algorithm, so a smaller curve let through still gives the length
    # that a verifier of the algorithm expects.
    r, s = decode_dss_signature(der)
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")
