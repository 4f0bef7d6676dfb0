"""Small Solara pieces shared by the dashboard's views: styles, headings, lever sliders, polling."""

from __future__ import annotations

import html
import threading

import solara

from sim import params

from .i18n import lever_anchors, lever_caption, lever_label, nearest_anchor, t, unit_label

CSS = """
.v-application,.v-application__wrap{min-width:0;max-width:100%}  /* a wide table scrolls in its box, the page never widens */
.sg-root{font-size:15px;min-width:0}
.sg-root .sg-note{font-size:14px;color:#333}
.sg-caption{font-size:12.5px;color:#555;line-height:1.35}
.sg-lever{margin-bottom:6px}
.sg-lever-label{font-size:14px;margin-bottom:-8px}
.sg-lever-label .sg-unit{color:#555;font-size:12.5px}
.sg-bounds{display:flex;justify-content:space-between;font-size:12px;color:#666;margin:-14px 8px 0 8px}
.sg-anchors{font-size:12.5px;color:#555;line-height:1.35}
.sg-anchors b{color:#222}
.sg-cost{font-size:13px;color:#333}
.sg-pending{font-size:13.5px;color:#6a3d9a;background:#f3eefa;padding:4px 8px;border-radius:4px}
.sg-table-wrap{overflow-x:auto;max-width:100%}
.sg-table{border-collapse:collapse;margin:0.4em 0 1em}
.sg-table th,.sg-table td{border:1px solid #ccc;padding:3px 8px;text-align:right;font-size:14px;white-space:nowrap}
.sg-table th{background:#f4f4f4;text-align:left}
.sg-table caption{text-align:left;font-weight:bold}
.sg-table td.sg-refs{text-align:left;white-space:normal;min-width:12em}
.sg-unspent,.sg-unspent td,td.sg-unspent{background:#fff3cd}
.sg-warn{background:#fff3cd;border-left:4px solid #e0a800;padding:6px 10px;font-size:14px}
.sg-lesson{margin:0.4em 0;font-size:14.5px}
.sg-lesson[data-verdict=helped]{border-left:4px solid #2ca02c;padding-left:6px}
.sg-lesson[data-verdict=hurt]{border-left:4px solid #d62728;padding-left:6px}
.sg-fnote{margin:0.3em 0 0.6em 1em;padding:6px 10px;background:#eef3fb;border-left:3px solid #1f77b4;font-size:14px}
.sg-over{color:#b00020;font-weight:bold}
.sg-charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(var(--sg-chart-min,330px),1fr));gap:6px 10px}
figure.sg-chart{margin:0;min-width:0;max-width:440px}
.sg-presenter figure.sg-chart{max-width:600px}
figure.sg-chart.sg-wide{max-width:900px;min-width:min(100%,580px)}
figure.sg-chart svg{width:100%;height:auto;display:block}
.sg-team .v-col{overflow:visible !important;min-width:0}
.sg-results,.sg-debrief,.sg-team .v-sheet{min-width:0}  /* Columns scroll by default: sticky needs the page's scroller */
.sg-allocation{border:1px solid #ddd;border-radius:6px;padding:8px 12px 0 12px;background:#fff}
.sg-commit-bar{position:fixed;left:0;right:0;bottom:0;z-index:20;background:#fff;border-top:1px solid #ccc;
  padding:6px 16px 8px 16px;box-shadow:0 -2px 8px rgba(0,0,0,0.10);flex-direction:row !important;flex-wrap:wrap;
  align-items:center;column-gap:16px}
.sg-team.sg-playing{padding-bottom:96px}  /* room for the fixed budget bar */
.sg-spent{font-size:15px;font-weight:bold}
.sg-code{font-size:22px;font-weight:bold;letter-spacing:2px}
.sg-bigcode{font-size:40px;font-weight:bold;letter-spacing:4px}
.sg-banner{font-size:14.5px}
.sg-root.sg-presenter{font-size:20px}
.sg-presenter .sg-note,.sg-presenter .sg-banner,.sg-presenter .sg-warn{font-size:19px}
.sg-presenter .sg-caption,.sg-presenter .sg-anchors,.sg-presenter .sg-cost{font-size:16px}
.sg-presenter .sg-lever-label{font-size:19px}
.sg-presenter .sg-table th,.sg-presenter .sg-table td{font-size:19px}
.sg-presenter .sg-lesson,.sg-presenter .sg-fnote{font-size:19px}
.sg-presenter .sg-spent{font-size:20px}
.sg-presenter h2{font-size:30px} .sg-presenter h3{font-size:24px}
.sg-presenter .v-btn{font-size:17px}
@media print{.sg-no-print,.v-btn{display:none !important}}
"""


def H(text: str, tag: str = "h3", classes: list[str] | None = None):  # noqa: N802 - Solara element
    """A heading (solara.Markdown would load extra front-end code from a CDN)."""
    return solara.HTML(tag=tag, unsafe_innerHTML=html.escape(text), style="margin:0.6em 0 0.3em",
                       classes=classes or [])


def Note(text: str, classes: list[str] | None = None, tag: str = "div", **attrs):  # noqa: N802 - Solara element
    return solara.HTML(tag=tag, unsafe_innerHTML=html.escape(text), classes=["sg-note", *(classes or [])],
                       attributes=attrs or None)


def Raw(markup: str, classes: list[str] | None = None, **attrs):  # noqa: N802 - Solara element
    return solara.HTML(tag="div", unsafe_innerHTML=markup, classes=classes or [], attributes=attrs or None)


def step_of(p) -> float:
    if p.integer or p.name == "inspectors_per_county":
        return 1.0
    return round((p.high - p.low) / 100.0, 6)


def anchors_html(name: str, value: float, lang: str) -> str:
    """'低 0：…｜中 0.5：…｜高 1：…' with the anchor nearest the value in bold."""
    near = nearest_anchor(name, value)
    parts = []
    for k, (word, v, text) in enumerate(lever_anchors(name, lang)):
        item = f"{html.escape(word)} {v:g}{'：' if lang == 'zh' else ': '}{html.escape(text)}"
        parts.append(f"<b data-anchor='{k}'>{item}</b>" if k == near else f"<span data-anchor='{k}'>{item}</span>")
    return ("｜" if lang == "zh" else " | ").join(parts)


def LeverSlider(name: str, value: float, on_value, lang: str, extra: str = ""):  # noqa: N802 - Solara element
    """A lever's slider: bounded by the declaration, its unit, bounds, anchors and paper sections."""
    p = params.BY_NAME[name]
    # keyed: an element shown or hidden above the sliders must not hand one lever's widget to another
    with solara.Column(gap="0px", classes=[f"sg-lever-{name}", "sg-lever"]).key(f"lever-{name}"):
        solara.HTML(tag="div", classes=["sg-lever-label"], unsafe_innerHTML=(
            f"<b>{html.escape(lever_label(name, lang))}</b> <span class='sg-lever-value'>{value:.3g}</span> "
            f"<span class='sg-unit'>{html.escape(unit_label(p.unit, lang))}</span>"))
        solara.SliderFloat("", value=value, min=p.low, max=p.high, step=step_of(p), on_value=on_value,
                           thumb_label=True)
        solara.HTML(tag="div", classes=["sg-bounds"], unsafe_innerHTML=f"<span>{p.low:g}</span><span>{p.high:g}</span>")
        solara.HTML(tag="div", classes=["sg-anchors"], unsafe_innerHTML=anchors_html(name, value, lang))
        solara.HTML(tag="div", classes=["sg-caption"], unsafe_innerHTML=html.escape(
            lever_caption(name, lang) + (f" · {extra}" if extra else "")))


def use_poll(get_version, key, interval: float = 1.0) -> int:
    """Re-render when ``get_version()`` changes (other browser sessions acting on a shared class).
    A thread per view checks a counter in memory every ``interval`` seconds."""
    version, set_version = solara.use_state(0)

    def loop(cancel: threading.Event):
        last = get_version()
        while not cancel.wait(interval):
            now = get_version()
            if now != last:
                last = now
                set_version(lambda v: v + 1)

    solara.use_thread(loop, dependencies=[key], intrusive_cancel=False)
    return version


def lang_sep(lang: str) -> str:
    return "：" if lang == "zh" else ": "


def label_value(label_key: str, value: str, lang: str) -> str:
    return f"{t(label_key, lang)}{lang_sep(lang)}{value}"
