"""Mesa-shaped entry: SolaraViz sliders from the declaration; RunSpec(model="pkg.mod:Class")."""

from __future__ import annotations

import pytest

from experiments.runner import run_batch
from experiments.spec import RunSpec
from experiments.store import Store
from sim import params as P
from sim.errors import InputError
from sim.model import SafetyModel


class DoubleDeaths(SafetyModel):
    """An extended model for the test: deaths recorded twice over (a visible, known change)."""

    def step(self):
        super().step()
        if self.month >= 1:
            from sim.metrics import INDEX

            self.tally.data[self.month - 1, :, INDEX["deaths"]] *= 2


def test_model_class_gets_the_tidy_outputs(tmp_path):
    from experiments.toy_analysis import BOX_X1_MAX  # noqa: F401  (toys import fine)

    base = RunSpec.make("scenarios/tiny.toml", {"training_rate": 0.3}, {"months": 3}, seed=1)
    ext = RunSpec.make("scenarios/tiny.toml", {"training_rate": 0.3}, {"months": 3}, seed=1,
                       model="tests.test_viz_and_model_class:DoubleDeaths", design_point=1)
    report = run_batch([base, ext], tmp_path / "s", workers=0, quiet=True)
    assert report.ok
    out = Store(tmp_path / "s").outcomes().set_index("design_point")
    assert out.loc[1, "deaths"] == 2 * out.loc[0, "deaths"]
    assert out.loc[1, "accidents"] == out.loc[0, "accidents"]
    series = Store(tmp_path / "s").series(metrics=["deaths"])
    assert set(series["run_id"]) == {base.run_id, ext.run_id}
    with pytest.raises(InputError, match=r"needs a scenario file|file not found"):
        run_batch([RunSpec.make("", {}, {}, model="tests.test_viz_and_model_class:DoubleDeaths")], tmp_path / "x",
                  workers=0, quiet=True)


def test_enterprise_handles_have_setters():
    from sim.viz import VizSafetyModel

    m = VizSafetyModel("tiny", months=2)
    e = m.enterprise_handles[5]
    e.compliant = not e.compliant
    assert m.firms.compliant[5] == e.compliant
    e.hazards = 3.5
    assert m.firms.hazards[5] == pytest.approx(3.5)
    e.tie = 0.25
    assert e.tie == pytest.approx(0.25)
    with pytest.raises(ValueError):
        e.tie = 2.0


def test_solaraviz_accepts_the_levers_as_model_parameters():
    pytest.importorskip("solara")
    from mesa.visualization import solara_viz

    from sim.viz import VizSafetyModel, model_params, page

    params = model_params("tiny")
    levers = {k for k, v in params.items() if isinstance(v, solara_viz.Slider)}
    assert levers == {p.name for p in P.LEVERS}
    assert not params["blacklist_months"].is_float_slider and params["fine_level"].is_float_slider
    model = VizSafetyModel("tiny", fine_level=2.0, blacklist_months=12, months=2)
    solara_viz._check_model_params(model, params)  # Mesa's own check: raises on a rejected parameter
    assert model.month == 0 and model.config.levers["fine_level"] == 2.0
    # what SolaraViz's Reset does: re-create the model from the slider values
    values = {k: (v.value if isinstance(v, solara_viz.Slider) else v) for k, v in params.items()}
    values["fine_level"] = 3.0
    kwargs = solara_viz._build_model_init_kwargs(model, values, add_scenario_when_empty=True,
                                                 require_model_accepts_scenario=True)
    again = type(model)(**kwargs)
    assert again.config.levers["fine_level"] == 3.0
    again.step()
    assert again.last_month["enterprises"] > 0
    with pytest.raises(InputError, match="optimism: not a declared policy lever"):
        VizSafetyModel("tiny", optimism=0.5)
    assert page("tiny", levers=["fine_level"]) is not None


def test_sliders_show_the_scenario_values_exactly():
    pytest.importorskip("solara")
    from mesa.visualization import solara_viz

    from sim.viz import model_params

    for scenario in ("tiny", "rule_of_law"):
        for name, s in model_params(scenario).items():
            if isinstance(s, solara_viz.Slider):
                for v in (s.value, s.max):  # on the slider's grid from its minimum: Reset keeps the value
                    k = (v - s.min) / s.step
                    assert abs(k - round(k)) < 1e-6, (scenario, name, v, s.step)
                assert 50 <= (s.max - s.min) / s.step <= 500 or s.step == 1, (name, s.step)


def test_page_uses_a_fixed_grid_under_vue3():
    pytest.importorskip("solara")
    import ipyvue
    import solara
    from mesa.visualization import solara_viz

    from sim.viz import _SolaraWithFixedGrid, page, use_fixed_grid

    assert page("tiny", levers=["fine_level"]) is not None
    vue3 = int(ipyvue.__version__.split(".")[0]) >= 3
    assert use_fixed_grid() == vue3
    assert isinstance(solara_viz.solara, _SolaraWithFixedGrid) == vue3  # Mesa's module sees the fixed grid
    assert solara_viz.solara.Column is solara.Column and solara.GridDraggable is not None  # Solara itself untouched
