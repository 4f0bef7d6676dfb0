"""safegov's simulation core: the Jiangsu work-safety governance model (安全生产治理)."""

from sim.evaluate import evaluate, evaluate_series, series
from sim.model import SafetyModel
from sim.run import RunResult, run_scenario
from sim.scenario import Scenario, load_scenario

__all__ = ["RunResult", "SafetyModel", "Scenario", "evaluate", "evaluate_series", "load_scenario", "run_scenario",
           "series"]
__version__ = "0.1.0"
