"""Global sensitivity analysis of the model (or of any callable) over declared parameters.

Layers, each a small module:

* ``spec``      - the sensitivity spec (TOML): factors, bounds, fixed values, scale, outputs.
* ``problem``   - factors from the one declaration (``sim.params``) and SALib's problem dict.
* ``sampling``  - seeded SALib designs (Morris trajectories, Sobol' sequences, Latin hypercube).
* ``evaluate``  - design points x replicates as ``RunSpec``s through ``experiments.runner``
                  (same (seed, r) at every design point: common random numbers).
* ``analysis``  - indices of replicate means with bootstrap CIs, convergence, rankability.
* ``noise``     - the share of output variance due to replicate noise (the seed).
* ``report``    - tidy CSV, figures, ``report.md`` / ``report.html`` (bilingual).
* ``pipeline``  - ``run_sensitivity``: all of the above, as ``safegov sensitivity`` runs it.
"""

from experiments.sensitivity.spec import OUTPUT_ALIASES, SensitivitySpec, load_spec  # noqa: F401
