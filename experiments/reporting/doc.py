"""A report as a list of blocks, rendered to Markdown and to one self-contained HTML page.

Used by ``safegov compare``, ``safegov sweep`` and ``safegov sensitivity``. Text may use
`code` and **bold** spans; images are PNG files, linked from the Markdown (relative to the
report's folder) and embedded in the HTML (base64), so the page works when mailed on its own.
"""

from __future__ import annotations

import base64
import html
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

STYLE = (
    "body{font-family:'Noto Sans CJK SC','Noto Sans SC','PingFang SC','Microsoft YaHei',sans-serif;"
    "max-width:1200px;margin:2em auto;padding:0 1em;color:#222;line-height:1.5}"
    "table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.9em}"
    "th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}th{background:#f3f3f3}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    "img{max-width:100%}figure{margin:1em 0}figcaption{color:#555;font-size:.9em}"
    "code{background:#f3f3f3;padding:0 3px}"
    ".warn{background:#fff4e5;border-left:4px solid #e6550d;padding:.3em .7em}"
    ".headline{background:#f4f8fb;border-left:4px solid #3182bd;padding:.4em .9em}"
    ".headline li{margin:.15em 0}"
)


def inline_html(text: str) -> str:
    """Escape ``text``, then render `code` and **bold** spans."""
    t = html.escape(text)
    t = re.sub(r"`([^`]+)`", r"<code>\1</code>", t)
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", t)


_NUMERIC = re.compile(r"^[\s+\-−–]?[\d,.\s%]+(\s*\[[^\]]*\])?\s*(pp|%)?$")


@dataclass
class Doc:
    """Blocks of a report: headings, paragraphs, warnings, bullet lists, tables and figures."""

    title: str
    blocks: list[tuple] = field(default_factory=list)

    def h(self, level: int, text: str) -> None:
        self.blocks.append(("h", level, text))

    def p(self, text: str) -> None:
        self.blocks.append(("p", text))

    def warn(self, text: str) -> None:
        self.blocks.append(("warn", text))

    def bullets(self, items: list[str], css: str = "") -> None:
        self.blocks.append(("ul", list(items), css))

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        self.blocks.append(("table", [str(c) for c in header], [[str(c) for c in r] for r in rows]))

    def image(self, path: Path, caption: str) -> None:
        self.blocks.append(("img", Path(path), caption))

    # ------------------------------------------------------------------ renderers
    def markdown(self, base: Path | None = None) -> str:
        """Markdown; image links are relative to ``base`` (the folder the .md file is written to)."""
        out: list[str] = []
        for b in self.blocks:
            kind = b[0]
            if kind == "h":
                out.append("#" * b[1] + " " + b[2])
            elif kind == "p":
                out.append(b[1])
            elif kind == "warn":
                out.append(f"> ⚠ {b[1]}")
            elif kind == "ul":
                out += [f"- {item}" for item in b[1]]
            elif kind == "table":
                out.append("| " + " | ".join(c.replace("|", "\\|") for c in b[1]) + " |")
                out.append("|" + "|".join("---" for _ in b[1]) + "|")
                out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in b[2]]
            elif kind == "img":
                path = b[1]
                rel = Path(os.path.relpath(path, base)) if base is not None else Path(path.name)
                out.append(f"![{b[2]}]({rel.as_posix()})")
            out.append("")
        return "\n".join(out)

    def html(self) -> str:
        """One self-contained page (UTF-8, figures embedded, nothing fetched)."""
        body: list[str] = []
        for b in self.blocks:
            kind = b[0]
            if kind == "h":
                body.append(f"<h{b[1]}>{inline_html(b[2])}</h{b[1]}>")
            elif kind == "p":
                body.append(f"<p>{inline_html(b[1])}</p>")
            elif kind == "warn":
                body.append(f'<p class="warn">⚠ {inline_html(b[1])}</p>')
            elif kind == "ul":
                css = f' class="{b[2]}"' if b[2] else ""
                body.append(f"<ul{css}>" + "".join(f"<li>{inline_html(i)}</li>" for i in b[1]) + "</ul>")
            elif kind == "table":
                head = "".join(f"<th>{inline_html(c)}</th>" for c in b[1])
                rows = "".join("<tr>" + "".join(_td(c) for c in r) + "</tr>" for r in b[2])
                body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
            elif kind == "img":
                data = base64.b64encode(Path(b[1]).read_bytes()).decode("ascii")
                alt = html.escape(b[2])
                body.append(f'<figure><img alt="{alt}" src="data:image/png;base64,{data}">'
                            f"<figcaption>{inline_html(b[2])}</figcaption></figure>")
        return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                f"<title>{html.escape(self.title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
                + "\n".join(body) + "\n</body>\n</html>\n")

    def write(self, folder: Path, stem: str = "report") -> list[Path]:
        """Write ``<stem>.md`` and ``<stem>.html`` into ``folder`` atomically; returns both paths."""
        folder = Path(folder)
        md, page = folder / f"{stem}.md", folder / f"{stem}.html"
        write_text(md, self.markdown(folder))
        write_text(page, self.html())
        return [md, page]


def _td(cell: str) -> str:
    css = ' class="num"' if _NUMERIC.match(cell) else ""
    return f"<td{css}>{inline_html(cell)}</td>"


def write_text(path: Path, text: str) -> None:
    """Write under a temporary name, then rename into place (readers never see half a file)."""
    from sim.outputs import atomic_text

    atomic_text(path, text)
