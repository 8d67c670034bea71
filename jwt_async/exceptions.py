"""The exceptions raised by jwt_async.

Every bad input, whatever its type, ends in one of these classes, so a caller
needs a single ``except JWTError``::

    JWTError                      base class; ``.code`` is a stable string
    ├── InvalidOptionError        an option has the wrong type or value
    │   ├── UnsupportedAlgorithmError   the algorithm is unknown
    │   └── InvalidHeaderError          the header contradicts the arguments
    ├── InvalidPayloadError       the payload or one of its claims is unusable
    ├── InvalidKeyError           the key is unusable for the algorithm
    └── SigningError              the cryptographic backend failed
    CallbackError                 a ``sign_callback`` callback raised

The input errors also derive from :class:`ValueError`, so code that already
catches ``ValueError`` keeps working. Messages never contain key material,
secrets, passphrases, claims or tokens.
"""

from __future__ import annotations

__all__ = [
    "CallbackError",
    "InvalidHeaderError",
    "InvalidKeyError",
    "InvalidOptionError",
    "InvalidPayloadError",
    "JWTError",
    "SigningError",
    "UnsupportedAlgorithmError",
]


class JWTError(Exception):
    """Base class of every error jwt_async raises.

    :ivar code: a stable, machine-readable name of the error class, usable in
        ``match`` statements and logs.
    """

    code: str = "jwt_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class InvalidOptionError(JWTError, ValueError):
    """Raised when a signing option has the wrong type or value.

    :ivar option: the option's keyword name (``expires_in``), in every entry
        point, the callback form included.
    """

    code = "invalid_option"

    def __init__(self, message: str, *, option: str) -> None:
        super().__init__(message)
        self.option = option


class UnsupportedAlgorithmError(InvalidOptionError):
    """Raised when the algorithm named by the options or header is unknown.

    :ivar alg: the rejected algorithm name, as given (``repr`` of non-strings).
    """

    code = "unsupported_algorithm"

    def __init__(self, message: str, *, option: str, alg: str) -> None:
        super().__init__(message, option=option)
        self.alg = alg


class InvalidHeaderError(InvalidOptionError):
    """Raised when the ``header`` option contradicts the other arguments."""

    code = "invalid_header"


class InvalidPayloadError(JWTError, ValueError):
    """Raised when the payload, or a claim in it, cannot be signed.

    :ivar claim: the claim at fault (``exp``, ``aud``...), or ``None`` when the
        payload as a whole is at fault.
    """

    code = "invalid_payload"

    def __init__(self, message: str, *, claim: str | None = None) -> None:
        super().__init__(message)
        self.claim = claim


class InvalidKeyError(JWTError, ValueError):
    """Raised when the key is missing, unreadable, or does not fit the algorithm.

    :ivar alg: the algorithm the key was checked against, when known.
    """

    code = "invalid_key"

    def __init__(self, message: str, *, alg: str | None = None) -> None:
        super().__init__(message)
        self.alg = alg


class SigningError(JWTError):
    """Raised when the cryptographic backend fails to produce a signature.

    The backend's own exception is chained as ``__cause__``.
    """

    code = "signing_failed"


class CallbackError(JWTError):
    """Raised, or reported, when a ``sign_callback`` callback itself raised.

    The callback's exception is chained as ``__cause__``.
    """

    code = "callback_failed"
