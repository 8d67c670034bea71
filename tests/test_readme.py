"""The README's Python snippets run as written, so they cannot rot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).parent.parent / "README.md"
SNIPPETS = re.findall(r"```python\n(.*?)```", README.read_text("utf-8"), re.DOTALL)


def test_the_readme_has_snippets() -> None:
    """The README shows Python code to run."""
    assert len(SNIPPETS) >= 3


@pytest.mark.parametrize(
    "code", SNIPPETS, ids=[f"snippet{i}" for i in range(len(SNIPPETS))]
)
def test_snippet_runs(code: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Each snippet runs without error; printed tokens have three segments."""
    exec(compile(code, str(README), "exec"), {"__name__": "readme"})
    for line in capsys.readouterr().out.split():
        assert line.count(".") == 2
