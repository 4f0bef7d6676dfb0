"""The code shown in docs/ema.md and docs/viz.md is the code of the example files that were run
(docs/ema_example.py, docs/viz_app.py), so the pages cannot drift from what was measured."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _body(path: Path) -> str:
    """The file's code without its module docstring."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    first = tree.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        text = "\n".join(text.splitlines()[first.end_lineno:])
    return text.strip()


@pytest.mark.parametrize(("page", "example"), [("ema.md", "ema_example.py"), ("viz.md", "viz_app.py")])
def test_page_shows_the_example_file(page, example):
    blocks = re.findall(r"```python\n(.*?)```", (DOCS / page).read_text(encoding="utf-8"), flags=re.S)
    assert blocks, f"no python block in docs/{page}"
    assert blocks[0].strip() == _body(DOCS / example)
