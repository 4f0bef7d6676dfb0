"""Chinese fonts in figures: a stale matplotlib cache is repaired; with no CJK font, English only."""

from __future__ import annotations

import warnings
from pathlib import Path
from types import SimpleNamespace

import matplotlib
import pytest
from matplotlib import font_manager

from sim import figures, fonts


@pytest.fixture
def no_cjk_font(monkeypatch):
    """matplotlib's font list without any CJK font, and none on the system to rebuild from."""
    keep = [f for f in font_manager.fontManager.ttflist if f.name not in fonts.CJK_FONTS and "CJK" not in f.name]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", keep)
    font_manager.fontManager._findfont_cached.cache_clear()
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: [])
    fonts.cjk_font.cache_clear()
    matplotlib.rcParams["font.family"] = ["DejaVu Sans"]
    yield
    fonts.cjk_font.cache_clear()
    font_manager.fontManager._findfont_cached.cache_clear()


def test_empty_font_list_has_no_cjk_font_and_nothing_to_rebuild():
    empty = SimpleNamespace(ttflist=[])
    assert fonts.known_cjk_font(empty) is None
    assert fonts.uncached_cjk_files(empty, system_fonts=[]) == []


def test_installed_but_uncached_cjk_font_is_detected():
    stale = SimpleNamespace(ttflist=[SimpleNamespace(name="DejaVu Sans", fname="/usr/share/fonts/DejaVuSans.ttf")])
    files = ["/usr/share/fonts/DejaVuSans.ttf", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"]
    assert fonts.uncached_cjk_files(stale, system_fonts=files) == [files[1]]


def test_stale_cache_triggers_one_rebuild(monkeypatch):
    manager = SimpleNamespace(ttflist=[])
    monkeypatch.setattr(font_manager, "fontManager", manager)
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: ["/fonts/NotoSansCJK-Regular.ttc"])
    calls = []

    def rebuild(m=None):
        calls.append(1)
        manager.ttflist = [SimpleNamespace(name="Noto Sans CJK SC", fname="/fonts/NotoSansCJK-Regular.ttc")]

    monkeypatch.setattr(fonts, "rebuild_font_list", rebuild)
    fonts.cjk_font.cache_clear()
    try:
        assert fonts.cjk_font() == "Noto Sans CJK SC" and fonts.cjk_font() == "Noto Sans CJK SC"
        assert calls == [1]
    finally:
        fonts.cjk_font.cache_clear()


def test_rebuild_finds_an_installed_cjk_font_and_saves_the_cache(tmp_path, monkeypatch):
    cjk_files = [f for f in font_manager.findSystemFonts() if "cjk" in Path(f).name.lower()]
    if not cjk_files:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    monkeypatch.setattr(matplotlib, "get_cachedir", lambda: str(tmp_path))
    stale = font_manager.FontManager.__new__(font_manager.FontManager)
    stale.__dict__.update(font_manager.fontManager.__dict__)
    stale.ttflist = [f for f in font_manager.fontManager.ttflist if "CJK" not in f.name]
    stale._findfont_cached = font_manager.fontManager._findfont_cached
    assert fonts.known_cjk_font(stale) is None
    fonts.rebuild_font_list(stale)
    assert fonts.known_cjk_font(stale) is not None
    assert list(tmp_path.glob("fontlist-v*.json"))


def test_english_only_strips_chinese_cleanly():
    assert fonts.english_only("Deaths 死亡人数") == "Deaths"
    assert fonts.english_only("Effects by region · 分地区政策效果 (苏南/苏中/苏北)") == "Effects by region"
    assert fonts.english_only("human\n纯人因") == "human"
    assert fonts.english_only("plain text (10k CNY)") == "plain text (10k CNY)"


def test_figures_fall_back_to_english_with_no_cjk_font(no_cjk_font, tmp_path):
    """No tofu: every text of a saved figure is free of Chinese, and no glyph warning is raised."""
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    assert fonts.cjk_font() is None
    assert figures.label("Deaths", "死亡人数") == "Deaths"
    figures.setup_fonts()
    fig, ax = plt.subplots()
    ax.bar(["human\n纯人因", "combined\n人物综合"], [88, 10], label="South 苏南")
    ax.set_title("Causes 事故致因")
    ax.set_yticks([0, 50], ["零 zero", "fifty"])
    ax.legend()
    fig.suptitle("Effects by region · 分地区效果")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figures.save_figure(fig, tmp_path / "f.png")
    assert not [w for w in caught if "Glyph" in str(w.message)]
    texts = [t.get_text() for t in fig.findobj(Text)]
    assert texts and not any(fonts.has_cjk(t) for t in texts), texts
    assert "Causes" in texts and "human" in texts and "zero" in texts
    assert (tmp_path / "f.png").stat().st_size > 1000


def test_run_figures_with_no_cjk_font_raise_no_glyph_warning(no_cjk_font, tmp_path):
    from sim.run import run_scenario
    from sim.scenario import load_scenario

    result = run_scenario(load_scenario("scenarios/tiny.toml").with_overrides({}, months=12), seed=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        paths = figures.run_figures(result, tmp_path)
    assert len(paths) == 4 and not [w for w in caught if "Glyph" in str(w.message)]


def test_comparison_figures_with_no_cjk_font_raise_no_glyph_warning(no_cjk_font, tmp_path):
    from experiments.compare import figures as F
    from experiments.compare.stats import paired_differences
    from tests.test_compare_headline import _outcomes

    names = [m + s for s in ("", "__south", "__central", "__north") for m in ("deaths", "major_or_worse")]
    table = paired_differences(_outcomes(), names)
    labels = {0: "baseline", 1: "cross_region_enforcement"}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        F.figure_effects(table, labels, tmp_path / "e.png", ["deaths", "major_or_worse"])
        F.figure_regional(table, labels, tmp_path / "r.png", ["deaths", "major_or_worse"])
    assert not [w for w in caught if "Glyph" in str(w.message)]


def test_dashboard_says_at_start_up_when_no_cjk_font(no_cjk_font, monkeypatch, capsys):
    import safegov.dashboard.server as server
    from safegov.cli import main

    monkeypatch.setattr(server, "serve", lambda host, port, lang: 0)
    assert main(["dashboard"]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no Chinese (CJK) font" in err[0] and "fonts-noto-cjk" in err[0]


def test_sensitivity_figures_with_no_cjk_font_raise_no_glyph_warning(no_cjk_font, tmp_path):
    import numpy as np
    from SALib.sample import morris as morris_sample

    from experiments.sensitivity.analysis import analyse_output
    from experiments.sensitivity.figures import figure, figure_overview

    problem = {"num_vars": 3, "names": ["fine_level", "training_rate", "rescue_capacity"], "bounds": [[0, 1]] * 3}
    X = morris_sample.sample(problem, 6, num_levels=4, seed=1)
    rng = np.random.default_rng(0)
    Y = (3 * X[:, 0] + X[:, 1])[:, None] + rng.normal(0, 0.1, (len(X), 2))
    info = {"fine_level": {"label": "Fine level", "zh": "罚款力度", "kind": "lever"},
            "training_rate": {"label": "Safety training", "zh": "安全培训", "kind": "lever"},
            "rescue_capacity": {"label": "Rescue capacity", "zh": "应急救援能力", "kind": "lever"}}
    analyses = [analyse_output(name, "morris", problem, X, Y, num_resamples=20, replicate_resamples=5,
                               factor_info=info) for name in ("deaths", "deaths__south")]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure(analyses[0], tmp_path / "m.png", "deaths (死亡人数)")
        figure_overview(analyses, tmp_path / "o.png")
    assert not [w for w in caught if "Glyph" in str(w.message)]
    assert (tmp_path / "o.png").stat().st_size > 1000
