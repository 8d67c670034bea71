"""Helpers shared by the benchmarks: machine facts, keys, statistics, tables."""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import resource
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
KEYS_DIR = REPO_ROOT / "tests" / "keys"

# A claim set of the usual size: what a session or API token carries.
PAYLOAD: dict[str, Any] = {
    "sub": "1234567890",
    "name": "John Doe",
    "admin": True,
    "scope": "read:messages write:messages",
}
# 32 bytes: PyJWT warns about shorter HMAC secrets, and so should everyone.
HMAC_SECRET = "bench-secret-0123456789abcdefghi"

# The test key for each asymmetric family; RS and PS share the RSA key.
KEY_FILES = {"RS": "rsa2048.pem", "PS": "rsa2048.pem", "ES": "ec_p256.pem"}

Results = dict[str, Any]

_DISTRIBUTIONS = ("jwt_async", "cryptography", "anyio", "trio", "PyJWT", "joserfc")


def key_pem(algorithm: str) -> str:
    """Return the PEM text of the test private key for ``algorithm``."""
    return (KEYS_DIR / KEY_FILES[algorithm[:2]]).read_text("ascii")


def cpu_model() -> str:
    """Return the CPU model name from /proc/cpuinfo, or the platform's guess."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _openssl_version() -> str:
    try:
        from cryptography.hazmat.backends.openssl import backend
    except ImportError:
        return "unknown"
    return str(backend.openssl_version_text())


def machine_info() -> Results:
    """Describe the machine and the library versions the figures belong to."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 1
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "platform": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "versions": {name: _version(name) for name in _DISTRIBUTIONS},
        "openssl": _openssl_version(),
    }


def print_machine(info: Results) -> None:
    """Print :func:`machine_info` as a few readable lines."""
    versions = ", ".join(f"{name} {ver}" for name, ver in info["versions"].items())
    load = " ".join(str(value) for value in info["load_average"])
    print(f"date     {info['date']}")
    print(f"machine  {info['cpu']}, {info['cores']} cores", end="")
    print(f" ({info['usable_cores']} usable), load average {load}")
    print(f"os       {info['platform']}")
    print(f"python   {info['python']}, {info['openssl']}")
    print(f"versions {versions}")


def percentile(values: Sequence[float], fraction: float) -> float:
    """Return the nearest-rank percentile of ``values`` (0 <= fraction <= 1)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Lay out ``rows`` under ``headers``; columns after the first two align right.

    The first two columns hold names, the rest hold figures.
    """
    widths = [len(header) for header in headers]
    for row in rows:
        widths = [
            max(width, len(cell)) for width, cell in zip(widths, row, strict=True)
        ]

    def line(cells: Sequence[str]) -> str:
        parts = [
            cell.ljust(width) if index < 2 else cell.rjust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


def fmt(value: float, digits: int = 1) -> str:
    """Format a figure for a table, with thousands separators; NaN shows as -."""
    if value != value:  # NaN: nothing to compare with
        return "-"
    return f"{value:,.{digits}f}"


def ratio(value: float) -> str:
    """Format a ratio such as ``1.23x``; NaN shows as -."""
    return "-" if value != value else f"{value:.2f}x"


def _status_kib(field: str) -> int | None:
    """Return a ``kB`` field of /proc/self/status, or None off Linux."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def reset_peak_rss() -> bool:
    """Restart the peak RSS count from the current RSS, where Linux allows it."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")
    except OSError:
        return False
    return True


def peak_rss_kib() -> int:
    """Return the process's peak resident set size in KiB.

    Linux's VmHWM when there is one: ``getrusage``'s ``ru_maxrss`` survives
    ``exec``, so a child started by a large parent reports the parent's peak,
    and it cannot be reset.
    """
    peak = _status_kib("VmHWM")
    if peak is not None:
        return peak
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return usage // 1024 if sys.platform == "darwin" else usage


def current_rss_kib() -> int | None:
    """Return the resident set size now, in KiB, where /proc tells it.

    ``resource`` only knows the peak, which cannot show memory given back.
    """
    return _status_kib("VmRSS")


def common_arguments(description: str) -> argparse.ArgumentParser:
    """Return a parser with the ``--quick`` and ``--json`` options."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--quick", action="store_true", help="a short smoke run (a few seconds)"
    )
    parser.add_argument(
        "--json", metavar="PATH", type=Path, help="also save the results as JSON"
    )
    return parser


def save_json(path: Path, results: Results) -> None:
    """Write ``results`` to ``path`` as indented JSON."""
    path.write_text(json.dumps(results, indent=2, sort_keys=False) + "\n", "utf-8")
    print(f"\nresults saved to {path}")
