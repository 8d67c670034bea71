"""Just enough DER (X.690) to read what ``cryptography`` does not expose.

``cryptography`` loads an RSASSA-PSS private key (RFC 4055) as a plain RSA
key and drops its restrictions, so they are read here from the PKCS#8
structure (RFC 5208) itself. The same reader tells DER key material apart
from a random HMAC secret.
"""

from __future__ import annotations

from dataclasses import dataclass

_SEQUENCE = 0x30
_OID = 0x06
_INTEGER = 0x02

_RSASSA_PSS = bytes.fromhex("2a864886f70d01010a")  # 1.2.840.113549.1.1.10
_MGF1 = bytes.fromhex("2a864886f70d010108")  # 1.2.840.113549.1.1.8
_HASH_NAMES = {
    bytes.fromhex("2b0e03021a"): "sha1",
    bytes.fromhex("608648016503040204"): "sha224",
    bytes.fromhex("608648016503040201"): "sha256",
    bytes.fromhex("608648016503040202"): "sha384",
    bytes.fromhex("608648016503040203"): "sha512",
}


class DERError(ValueError):
    """The bytes are not the DER structure that was expected."""


@dataclass(frozen=True, slots=True)
class PssRestrictions:
    """The parameters an RSASSA-PSS key is bound to (RFC 4055 §3.1).

    ``None`` in every field means the key carries no parameters: it is
    restricted to PSS padding, but not to one hash or salt length.
    """

    hash_name: str | None
    mgf1_hash_name: str | None
    salt_length: int | None


@dataclass(frozen=True, slots=True)
class _Element:
    tag: int
    body: bytes
    end: int


def _read(data: bytes, offset: int = 0) -> _Element:
    if offset + 2 > len(data):
        raise DERError("truncated element")
    tag, length = data[offset], data[offset + 1]
    start = offset + 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or start + count > len(data):
            raise DERError("bad length")
        length = int.from_bytes(data[start : start + count], "big")
        start += count
    end = start + length
    if end > len(data):
        raise DERError("truncated element")
    return _Element(tag, data[start:end], end)


def _children(body: bytes) -> list[_Element]:
    items, offset = [], 0
    while offset < len(body):
        item = _read(body, offset)
        items.append(item)
        offset = item.end
    return items


def starts_with_der_sequence(data: bytes, minimum: int = 32) -> bool:
    """True when ``data`` begins with a well-formed DER SEQUENCE of at least
    ``minimum`` bytes, whatever follows it (a newline, a second certificate)."""
    try:
        element = _read(data)
        _children(element.body)
    except DERError:
        return False
    return element.tag == _SEQUENCE and element.end >= minimum


def pss_restrictions(pkcs8: bytes) -> PssRestrictions | None:
    """Return the RSASSA-PSS restrictions of a PKCS#8 key, or None if it has none.

    :raises DERError: ``pkcs8`` is not a PrivateKeyInfo.
    """
    info = _children(_read(pkcs8).body)
    if len(info) < 3 or info[1].tag != _SEQUENCE:
        raise DERError("not a PrivateKeyInfo")
    algorithm = _children(info[1].body)
    if not algorithm or algorithm[0].tag != _OID:
        raise DERError("no algorithm identifier")
    if algorithm[0].body != _RSASSA_PSS:
        return None
    if len(algorithm) < 2 or algorithm[1].tag != _SEQUENCE:
        return PssRestrictions(None, None, None)
    return _pss_parameters(algorithm[1].body)


def _pss_parameters(body: bytes) -> PssRestrictions:
    # RFC 4055 §3.1 defaults: SHA-1, MGF1 with SHA-1, a 20-byte salt.
    hash_name, mgf1_hash_name, salt_length = "sha1", "sha1", 20
    for field in _children(body):
        inner = _read(field.body) if field.body else None
        if inner is None:
            raise DERError("empty PSS parameter")
        if field.tag == 0xA0:
            hash_name = _hash_name(inner.body)
        elif field.tag == 0xA1:
            mgf1_hash_name = _mgf1_hash_name(inner.body)
        elif field.tag == 0xA2 and inner.tag == _INTEGER:
            salt_length = int.from_bytes(inner.body, "big", signed=True)
    return PssRestrictions(hash_name, mgf1_hash_name, salt_length)


def _hash_name(algorithm_identifier: bytes) -> str:
    parts = _children(algorithm_identifier)
    if not parts:
        raise DERError("empty algorithm identifier")
    return _HASH_NAMES.get(parts[0].body, "unknown")


def _mgf1_hash_name(algorithm_identifier: bytes) -> str:
    parts = _children(algorithm_identifier)
    if len(parts) < 2 or parts[0].body != _MGF1:
        return "unknown"
    return _hash_name(parts[1].body)
