"""A bounded cache of loaded PEM private keys.

Loading an RSA PEM costs tens of milliseconds (``cryptography`` validates the
key), while signing with a loaded key takes a fraction of one. Services pass
the same PEM text on every call, so the loaded key is kept, keyed by the exact
text given and a SHA-256 digest of the passphrase: different key bytes or
passphrases never share an entry, and no passphrase is held in plain form.
Failed loads are never cached.

Telling an HMAC secret from key material (PEM, DER, SSH, JWK) costs more than
the HMAC itself, so the verdict for recent secrets is kept as well.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from ._algorithms import AsymmetricKey
from ._der import PssRestrictions
from ._encoding import shown
from .exceptions import InvalidOptionError

if TYPE_CHECKING:
    from ._keys import Secret

DEFAULT_KEY_CACHE_SIZE = 64
"""How many loaded PEM keys are kept by default (least recently used first out)."""


class CachedKey(NamedTuple):
    """A loaded private key, the RSA-PSS restrictions read from its PEM and the
    ``alg`` its JWK named."""

    key: AsymmetricKey
    pss: PssRestrictions | None
    jwk_alg: str | None


CacheKey = tuple[type, str | bytes, bytes | None]

_SECRETS_LIMIT = 64
secrets: dict[CacheKey, Secret] = {}
"""Recent HMAC secrets by the text or bytes given; read without the lock."""

_lock = threading.Lock()
_loading: dict[CacheKey, threading.Lock] = {}
_entries: OrderedDict[CacheKey, CachedKey] = OrderedDict()
_size = DEFAULT_KEY_CACHE_SIZE


def cache_key(pem: str | bytes, passphrase: bytes | None) -> CacheKey:
    """Return the cache key of PEM text as given and its passphrase."""
    digest = None if passphrase is None else hashlib.sha256(passphrase).digest()
    return (type(pem), pem, digest)


def lookup(key: CacheKey) -> CachedKey | None:
    """Return the loaded key stored under ``key``, if any."""
    with _lock:
        found = _entries.get(key)
        if found is not None:
            _entries.move_to_end(key)
        return found


def store(key: CacheKey, value: CachedKey) -> None:
    """Keep ``value``, dropping the least recently used entries past the bound."""
    with _lock:
        _entries[key] = value
        _entries.move_to_end(key)
        while len(_entries) > _size:
            _entries.popitem(last=False)


def load_once(key: CacheKey | None, load: Callable[[], CachedKey]) -> CachedKey:
    """Return the cached key under ``key``, or ``load()`` it and keep it.

    Concurrent first uses of one key (a burst of requests on a cold cache)
    load it once: the others wait for that load, then read the cache, rather
    than each spending tens of milliseconds with the GIL held.
    """
    if key is None or _size == 0:
        return load()
    with _lock:
        gate = _loading.setdefault(key, threading.Lock())
    try:
        with gate:
            found = lookup(key)
            if found is not None:
                return found
            value = load()
            store(key, value)
            return value
    finally:
        with _lock:
            _loading.pop(key, None)


def remember_secret(key: CacheKey, secret: Secret) -> None:
    """Keep the verdict that ``key`` is an HMAC secret, within a small bound.

    Nothing is kept when the cache size is 0.
    """
    if _size == 0:
        return
    if len(secrets) >= _SECRETS_LIMIT:
        secrets.clear()
    secrets[key] = secret


def clear_key_cache() -> None:
    """Forget every loaded PEM key and remembered secret, as after a rotation."""
    with _lock:
        _entries.clear()
        secrets.clear()


def set_key_cache_size(size: int) -> None:
    """Set how many loaded keys are kept; 0 turns the cache off, and with it
    the memory of recent HMAC secrets.

    :raises InvalidOptionError: ``size`` is not a non-negative integer.
    """
    global _size
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise InvalidOptionError(
            f"key cache size must be a non-negative integer, not {shown(size)}",
            option="size",
        )
    with _lock:
        _size = size
        while len(_entries) > _size:
            _entries.popitem(last=False)
        if size == 0:
            secrets.clear()


def key_cache_size() -> int:
    """Return how many loaded PEM keys are kept at most."""
    return _size
