"""The docs/ema.md example: 200 experiments (20 scenarios x 10 policies, 2 replicates each) and PRIM."""

import numpy as np
from ema_workbench.analysis import prim

from experiments import ema

model = ema.build_model("baseline", agents=3000, months=36, replicates=2, seed=1,
                        uncertainties=["optimism", "moral_weight", "formality"],
                        levers=["training_rate", "fine_level", "development_first"])
experiments, outcomes = ema.perform_experiments(model, "outputs/ema-demo", scenarios=20, policies=10)
x = experiments.drop(columns=["scenario", "policy", "model"]).astype(float)
box = prim.Prim(x, outcomes["deaths"] > np.percentile(outcomes["deaths"], 90)).find_box()
print(f"{len(experiments)} experiments; deaths {outcomes['deaths'].min():.0f}-{outcomes['deaths'].max():.0f}")
print(box.peeling_trajectory.tail())
box.inspect(style="table")
