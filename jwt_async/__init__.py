"""jwt_async: asyncio-first JSON Web Token signing, a port of node-jsonwebtoken's sign.

>>> import jwt_async
>>> token = jwt_async.sign_sync({"sub": "42"}, "a long, random secret")
>>> token.split(".")[0]
'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9'

``await jwt_async.sign(...)`` is the same call for async code: RSA and ECDSA
work runs in a worker thread so the event loop never stalls.
"""

from __future__ import annotations

import importlib.metadata as _metadata

from ._async import sign
from ._callback import SignHandle, sign_callback
from ._key_cache import (
    clear_key_cache,
    key_cache_size,
    set_key_cache_size,
)
from ._limits import current_limiter, set_thread_limit, thread_limit
from ._public_jwk import jwk_thumbprint, public_jwk
from ._signer import Signer
from ._sync import sign_sync
from ._types import AlgorithmName, Callback, Key, Payload, SignKeywords, TimeSpan
from .exceptions import (
    CallbackError,
    InvalidHeaderError,
    InvalidKeyError,
    InvalidOptionError,
    InvalidPayloadError,
    JWTError,
    SigningError,
    UnsupportedAlgorithmError,
)

try:
    __version__ = _metadata.version("jwt_async")
except _metadata.PackageNotFoundError:  # a source tree that is not installed
    __version__ = "0.0.0"

__all__ = [
    "AlgorithmName",
    "Callback",
    "CallbackError",
    "InvalidHeaderError",
    "InvalidKeyError",
    "InvalidOptionError",
    "InvalidPayloadError",
    "JWTError",
    "Key",
    "Payload",
    "SignHandle",
    "SignKeywords",
    "Signer",
    "SigningError",
    "TimeSpan",
    "UnsupportedAlgorithmError",
    "__version__",
    "clear_key_cache",
    "current_limiter",
    "jwk_thumbprint",
    "key_cache_size",
    "public_jwk",
    "set_key_cache_size",
    "set_thread_limit",
    "sign",
    "sign_callback",
    "sign_sync",
    "thread_limit",
]
