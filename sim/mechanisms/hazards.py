"""Equipment ageing and hidden-hazard build-up (paper 1.3 设备老化, 带病运转; Rasmussen 1997).

    e <- clip(e - equipment_decay (1 - s) + 0.03 s (1 - e), 0, 1)
    h <- h + hazard_inflow * size_factor * (0.2 + 0.8 (1 - s)) * (1 + 2 (1 - e)) - hazard_repair s h

with s the firm's safety investment share and e its equipment condition. Rectification orders
remove hazards in sanctions.py; grid workers' on-the-spot advice in grid.py.
"""

from __future__ import annotations

import numpy as np

from sim.state import Enterprises

EQUIPMENT_RENEWAL = 0.03  # monthly renewal toward new equipment at full investment


def evolve(ent: Enterprises, bh: dict[str, float]) -> None:
    s = ent.investment
    e = ent.equipment
    e += EQUIPMENT_RENEWAL * s * (1.0 - e) - bh["equipment_decay"] * (1.0 - s)
    np.clip(e, 0.0, 1.0, out=e)
    inflow = bh["hazard_inflow"] * ent.hazard_size * (0.2 + 0.8 * (1.0 - s)) * (3.0 - 2.0 * e)
    ent.hazards *= 1.0 - bh["hazard_repair"] * s
    ent.hazards += inflow
