"""Terminal text aligned by display width: a Chinese character takes two columns."""

from __future__ import annotations

from wcwidth import wcswidth, wcwidth


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal (CJK characters two, combining marks none)."""
    width = wcswidth(text)
    if width >= 0:
        return width
    return sum(max(wcwidth(ch), 0) for ch in text)  # control characters count as nothing


def pad(text: str, width: int, right: bool = False) -> str:
    """Pad ``text`` with spaces to ``width`` columns (never cut: full names stay readable)."""
    fill = " " * max(width - display_width(text), 0)
    return fill + text if right else text + fill


def table(header: list[str], rows: list[list[str]], right: set[int] | None = None, gap: int = 2,
          indent: str = "") -> str:
    """Rows as aligned columns; column indexes in ``right`` are right-aligned (numbers)."""
    right = right or set()
    cols = len(header)
    widths = [max(display_width(str(r[i])) for r in [header, *rows]) for i in range(cols)]
    sep = " " * gap

    def line(row) -> str:
        cells = [pad(str(row[i]), widths[i], i in right) for i in range(cols)]
        return (indent + sep.join(cells)).rstrip()

    return "\n".join([line(header), *(line(r) for r in rows)])
