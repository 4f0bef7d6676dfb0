"""Paired scenario comparison: every scenario on the same replicate seeds, effects with valid CIs.

For replicate r, scenario k and the base (design point 0) share the seed (S, r), so their
difference removes the noise both share (common random numbers). One module per job:

* ``stats``: effects and intervals (paired t, exact Poisson for rare counts), year by year, drift;
* ``headline``: the answer in sentences (English and Chinese), warnings, the printed table;
* ``figures``: effects, regional, difference by year, outcome envelopes;
* ``report``: comparison.csv and the other tables, report.md / report.html;
* ``run``: running the scenarios and putting it together (``run_compare``);
* ``differences``: what one scenario changes against another, lever by lever;
* ``posterior``: ``--posterior``, one calibration-posterior draw per replicate shared by every
  scenario (common parameters as well as common random numbers), and the split of an effect's
  variance into seed noise and parameter uncertainty.
"""

from experiments.compare.differences import LeverChange, scenario_differences
from experiments.compare.headline import HEADLINE_OUTCOMES, headline_text, short_table
from experiments.compare.report import COMPARE_METRICS, HEADLINE, build_report, write_outputs
from experiments.compare.run import (
    DEFAULT_REPLICATES,
    MIN_REPLICATES,
    compare_outcome_names,
    default_out,
    replicate_warning,
    run_compare,
)
from experiments.compare.stats import LEVEL, Effect, effect, paired_ci, paired_differences

__all__ = [
    "COMPARE_METRICS", "DEFAULT_REPLICATES", "HEADLINE", "HEADLINE_OUTCOMES", "LEVEL", "MIN_REPLICATES", "Effect",
    "LeverChange", "build_report", "compare_outcome_names", "default_out", "effect", "headline_text", "paired_ci",
    "paired_differences", "replicate_warning", "run_compare", "scenario_differences", "short_table", "write_outputs",
]
