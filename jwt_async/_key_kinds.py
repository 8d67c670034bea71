"""Telling key material from an HMAC secret, without parsing any key.

Node signs HS256 with whatever is not a private key, so a public key, a
certificate or a JWK handed to it becomes an HMAC secret that an attacker
knows: the key-confusion class of bugs. These checks recognise key material
in its usual wrappings, cheaply and in time linear in its length.
"""

from __future__ import annotations

import json
import re

from ._der import starts_with_der_sequence
from .exceptions import InvalidKeyError

# BEGIN lines only: matching each with its END in one pattern rescans the rest
# of the text for every BEGIN, which hostile input can make quadratic.
PEM_BEGIN = re.compile(rb"-----BEGIN ([A-Z0-9 ]{1,64})-----")
PKCS8_BEGIN = b"-----BEGIN PRIVATE KEY-----"
PKCS8_END = b"-----END PRIVATE KEY-----"
# OpenSSH public keys ("ssh-rsa AAAA...", also inside an authorized_keys line
# with options before them) and the RFC 4716 format.
_SSH_PUBLIC_KEY = re.compile(
    rb"(ssh-[a-z0-9-]+|ecdsa-sha2-[a-z0-9-]+|sk-[a-z0-9@.-]+)\s+AAAA", re.ASCII
)
_RFC4716_BEGIN = b"---- BEGIN SSH2 PUBLIC KEY ----"
_BOM = b"\xef\xbb\xbf"


def pem_labels(data: bytes) -> list[bytes]:
    """Return the labels of the PEM BEGIN lines in ``data``, in order."""
    return [match.group(1) for match in PEM_BEGIN.finditer(data)]


def key_like(data: bytes) -> str | None:
    """Name the kind of key material ``data`` is, if it is any."""
    wide = _from_utf16(data)
    if wide is not None:
        kind = key_like(wide)
        return None if kind is None else f"{kind} (in UTF-16)"
    data = data.removeprefix(_BOM)
    if b"-----BEGIN" in data:
        labels = pem_labels(data)
        if labels:
            return f"PEM {labels[0].decode('ascii').lower()} text"
        return "damaged PEM text"
    if _RFC4716_BEGIN in data or _SSH_PUBLIC_KEY.search(data):
        return "an SSH public key"
    if data[:1] == b"0" and starts_with_der_sequence(data):
        return "DER-encoded key material or a certificate"
    if _is_jwk_set(data):
        return "a JWK Set"
    if _looks_like_jwk_json(data):
        return "JSON Web Key text"
    return None


def _from_utf16(data: bytes) -> bytes | None:
    """Return UTF-16 text as UTF-8 (a key saved by some Windows tools), else None."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        codec = "utf-16"
    elif len(data) >= 4 and len(data) % 2 == 0 and not data[1::2].strip(b"\0"):
        codec = "utf-16-le"
    elif len(data) >= 4 and len(data) % 2 == 0 and not data[0::2].strip(b"\0"):
        codec = "utf-16-be"
    else:
        return None
    try:
        return data.decode(codec).encode("utf-8")
    except UnicodeError:
        return None


# Member names that only JWKs and JWK Sets carry; "n" and "e" go together.
_JWK_MEMBERS = (b'"kty"', b'"keys"', b'"crv"', b'"x5c"', b'"jwk"')


def _looks_like_jwk_json(data: bytes) -> bool:
    """JSON-like text naming JWK members, even if it does not parse."""
    text = data.strip()
    if text[:1] not in (b"{", b"["):
        return False
    return any(name in text for name in _JWK_MEMBERS) or (
        b'"n"' in text and b'"e"' in text
    )


def _is_jwk_set(data: bytes) -> bool:
    if not data.lstrip().startswith(b"{"):
        return False
    try:
        parsed = json.loads(data)
    except (ValueError, RecursionError):
        return False
    return isinstance(parsed, dict) and isinstance(parsed.get("keys"), list)


def refuse_der_text(text: str, alg: str | None) -> None:
    """Refuse DER bytes that were read into a str one character a byte.

    :raises InvalidKeyError: ``text`` is such DER.
    """
    # DER bytes read into a str as Latin-1 (one character a byte) are still
    # key material, though their UTF-8 encoding is no longer DER.
    if text[:1] != "0" or max(text) > "\xff":
        return
    if starts_with_der_sequence(text.encode("latin-1")):
        raise InvalidKeyError(
            "key is DER-encoded key material or a certificate held as text, "
            "which is never used as an HMAC secret; pass the private key",
            alg=alg,
        )
