"""Reading the node-jsonwebtoken reference vectors in ``tests/vectors``.

The vectors are written by ``tools/node-vectors/generate.js`` with Node's
clock frozen at :data:`NOW_MS`; each case holds the arguments Node was given
and either the token it returned or the message of the error it threw.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KEYS = Path(__file__).parent / "keys"
VECTORS = Path(__file__).parent / "vectors" / "node_sign.json"

_DATA: dict[str, Any] = json.loads(VECTORS.read_text(encoding="utf-8"))
NOW_MS: int = _DATA["now_ms"]
NOW = NOW_MS // 1000


@dataclass(frozen=True)
class Case:
    """One call of Node's ``jwt.sign`` and what it gave."""

    name: str
    payload: Any
    key: Any
    options: Any
    token: str | None
    error: str | None
    payload_after: Any

    @property
    def algorithm(self) -> str:
        """The algorithm named by the token's header, or by the options."""
        options = self.options if isinstance(self.options, dict) else {}
        header = options.get("header")
        alg = header.get("alg") if isinstance(header, dict) else None
        return str(alg or options.get("algorithm") or "HS256")


_MISSING = object()


def _payload(spec: dict[str, Any]) -> Any:
    kind = spec["type"]
    if kind == "json":
        return spec["value"]
    if kind == "string":
        return spec["value"]
    if kind == "bytes":
        return base64.b64decode(spec["base64"])
    if kind == "undefined":
        return None
    raise ValueError(f"unknown payload type {kind}")


def _key(spec: dict[str, Any]) -> Any:
    kind = spec["type"]
    if kind == "secret":
        return spec["value"]
    if kind == "secret_bytes":
        return base64.b64decode(spec["base64"])
    if kind == "file":
        return (KEYS / spec["file"]).read_text(encoding="ascii")
    if kind == "file_bytes":
        return (KEYS / spec["file"]).read_bytes()
    if kind == "passphrase":
        pem = (KEYS / spec["file"]).read_text(encoding="ascii")
        return {"key": pem, "passphrase": spec["passphrase"]}
    if kind in ("null", "undefined"):
        return None
    raise ValueError(f"unknown key type {kind}")


def load_cases() -> list[Case]:
    """Return every case of the reference vectors, in file order."""
    cases = []
    for raw in _DATA["cases"]:
        result = raw["result"]
        payload = raw["payload"]
        cases.append(
            Case(
                name=raw["name"],
                payload=_payload(payload),
                key=_key(raw["key"]),
                options=raw["options"],
                token=result.get("token"),
                error=result.get("error"),
                payload_after=raw.get("payload_after", _MISSING),
            )
        )
    return cases
