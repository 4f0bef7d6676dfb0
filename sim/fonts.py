"""Chinese (CJK) text in matplotlib figures: find a font, repair a stale font cache, or fall back.

matplotlib keeps its list of fonts in a cache file (``fontlist-v*.json`` in its cache folder)
built the first time it runs. A CJK font installed afterwards (``apt-get install
fonts-noto-cjk``) is on disk but not in that list, so figures keep drawing tofu boxes.
``cjk_font()`` notices a CJK font file the list does not know, rebuilds the list once (about
0.3 s) and saves it, so later processes read the repaired cache.

With no CJK font at all, figures are drawn in English only: ``label(en, zh)`` returns the
English text, and ``english_only`` strips any Chinese left in a finished figure (titles, tick
labels, legends) so that no missing-glyph box is ever drawn.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

from matplotlib import font_manager

#: Font families tried in order (Simplified Chinese first).
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
             "SimHei", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK JP", "Noto Sans CJK TC")
#: Substrings of font file names that hold CJK glyphs (to detect a font the cache misses).
CJK_FILE_HINTS = ("cjk", "sourcehansans", "wqy", "wenquanyi", "simhei", "msyh", "pingfang", "notosanssc")
#: Printed when no CJK font is installed (dashboard start-up, reports).
NO_CJK_NOTICE = ("no Chinese (CJK) font found: figures use English labels only; "
                 "install one with 'apt-get install fonts-noto-cjk' for bilingual figures")

_log = logging.getLogger(__name__)
#: CJK ideographs, kana, CJK and full-width punctuation.
_CJK = re.compile(r"[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u31a0-\u31bf\u3400-\u4dbf\u4e00-\u9fff"
                  r"\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]+")
_EMPTY_BRACKETS = re.compile(r"[(\[]\s*[/·,;:、\-–—\s]*[)\]]")


def known_cjk_font(manager=None) -> str | None:
    """The first of ``CJK_FONTS`` that matplotlib's font list holds, or None."""
    manager = manager or font_manager.fontManager
    names = {f.name for f in manager.ttflist}
    return next((n for n in CJK_FONTS if n in names), None)


def uncached_cjk_files(manager=None, system_fonts=None) -> list[str]:
    """CJK font files installed on the system that matplotlib's font list does not hold."""
    manager = manager or font_manager.fontManager
    files = font_manager.findSystemFonts() if system_fonts is None else system_fonts
    cached = {str(f.fname) for f in manager.ttflist}
    return sorted(f for f in files
                  if f not in cached and any(h in Path(f).name.lower().replace(" ", "") for h in CJK_FILE_HINTS))


def rebuild_font_list(manager=None) -> None:
    """Rebuild matplotlib's font list from the fonts installed now, in place, and save the cache."""
    import matplotlib

    manager = manager or font_manager.fontManager
    fresh = font_manager.FontManager()
    manager.ttflist, manager.afmlist = fresh.ttflist, fresh.afmlist
    manager._findfont_cached.cache_clear()  # findfont results for the old list
    cache = Path(matplotlib.get_cachedir()) / f"fontlist-v{font_manager.FontManager.__version__}.json"
    try:
        font_manager.json_dump(manager, cache)
    except Exception as exc:  # a read-only cache folder only costs the rebuild next time
        _log.info("could not save matplotlib's font cache %s: %s", cache, exc)


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Name of an installed CJK font (rebuilding a stale font cache first), or None."""
    name = known_cjk_font()
    if name is None and uncached_cjk_files():
        _log.info("a CJK font is installed but not in matplotlib's font cache: rebuilding it")
        rebuild_font_list()
        name = known_cjk_font()
    return name


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def english_only(text: str) -> str:
    """``text`` without its Chinese parts: 'Deaths 死亡人数 (人)' -> 'Deaths'."""
    if not has_cjk(text):
        return text
    lines = []
    for line in text.split("\n"):
        t = _CJK.sub(" ", line)
        t = _EMPTY_BRACKETS.sub(" ", t)
        t = re.sub(r"[ \t]+", " ", t).strip(" ·/|:;,—–-")
        lines.append(t)
    return "\n".join(x for x in lines if x)


def strip_cjk_text(fig) -> None:
    """Replace every text of a finished figure by its English part (no CJK font installed).

    The figure is drawn once so that tick labels exist; then each axis keeps its tick
    positions with English-only labels, and titles, axis labels, legends and annotations lose
    their Chinese parts.
    """
    from matplotlib.text import Text
    from matplotlib.ticker import FixedFormatter, FixedLocator

    fig.canvas.draw()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            texts = [t.get_text() for t in axis.get_majorticklabels()]
            locs = axis.get_majorticklocs()
            if len(texts) == len(locs) and any(has_cjk(t) for t in texts):
                axis.set_major_locator(FixedLocator(locs))
                axis.set_major_formatter(FixedFormatter([english_only(t) for t in texts]))
    for text in fig.findobj(Text):
        s = text.get_text()
        if has_cjk(s):
            text.set_text(english_only(s))
