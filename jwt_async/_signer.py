"""``Signer``: a key and default options bound once, for the hottest paths."""

from __future__ import annotations

from typing import Unpack

from ._async import finish
from ._core import check_key_fit, prepare_with_material
from ._keys import JwkPrivateKey, KeyMaterial, LoadedKey, PemPrivateKey, read_key
from ._options import SignOptions, options_from
from ._types import Key, Payload, SignKeywords


class Signer:
    """A key and default options, checked and loaded once, that sign many tokens.

    ``Signer(key, algorithm="RS256", expires_in="1h")`` parses and validates a
    PEM key right away (an RSA PEM takes tens of milliseconds: build signers at
    start-up), so each later :meth:`sign` costs only the signature. Options
    given to :meth:`sign` or :meth:`sign_sync` override the defaults for that
    call. A signer holds no state between calls and is safe to share between
    threads and tasks.

    :raises JWTError: the key or the default options are unusable.
    """

    __slots__ = ("_algorithm", "_defaults", "_material")

    def __init__(self, key: Key, **defaults: Unpack[SignKeywords]) -> None:
        options = options_from(dict(defaults))
        material: KeyMaterial | None = read_key(key, options.algorithm)
        if isinstance(material, PemPrivateKey | JwkPrivateKey):
            material = LoadedKey(material.load(), material.pss, material.jwk_alg)
        if isinstance(material, LoadedKey):
            check_key_fit(options.algorithm, material, options)
        self._material = material
        self._defaults = dict(defaults)
        self._algorithm = options.algorithm.name

    def __repr__(self) -> str:
        return f"Signer(algorithm={self._algorithm!r})"

    def sign_sync(self, payload: Payload, **overrides: Unpack[SignKeywords]) -> str:
        """Sign ``payload`` in the calling thread; see :func:`jwt_async.sign_sync`.

        :raises JWTError: any input is unusable or signing failed.
        """
        job = prepare_with_material(payload, self._material, self._options(overrides))
        return job.token(job.signature())

    async def sign(self, payload: Payload, **overrides: Unpack[SignKeywords]) -> str:
        """Sign ``payload``; RSA and ECDSA in a worker thread, as :func:`sign`.

        :raises JWTError: any input is unusable or signing failed.
        """
        options = self._options(overrides)
        return await finish(prepare_with_material(payload, self._material, options))

    def _options(self, overrides: SignKeywords) -> SignOptions:
        if not overrides:
            return options_from(self._defaults)
        return options_from({**self._defaults, **overrides})
