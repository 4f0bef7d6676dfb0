"""Equipment ageing and hidden-hazard build-up (paper 1.3 设备老化, 带病运转; Rasmussen 1997).

    e <- clip(e + equipment_renewal s (1 - e) - equipment_decay (1 - s), 0, 1)
    h <- h (1 - hazard_repair s) + hazard_inflow size_h (hazard_floor + (1 - hazard_floor)(1 - s))
                                    (1 + equipment_hazard_factor (1 - e))

with s the firm's safety spending share and e its equipment condition: defences drift under
cost pressure (Rasmussen). Rectification orders remove hazards in sanctions.py, grid workers'
on-the-spot advice in grid.py, the chemicals platform in information.py.
"""

from __future__ import annotations

import numpy as np

from sim.context import Month
from sim.state import Enterprises


def evolve(ent: Enterprises, month: Month) -> None:
    bh = month.bh
    s = ent.investment
    e = ent.equipment
    e += bh["equipment_renewal"] * s * (1.0 - e) - bh["equipment_decay"] * (1.0 - s)
    np.clip(e, 0.0, 1.0, out=e)
    floor = bh["hazard_floor"]
    inflow = bh["hazard_inflow"] * ent.hazard_size * (floor + (1.0 - floor) * (1.0 - s))
    inflow *= 1.0 + bh["equipment_hazard_factor"] * (1.0 - e)
    ent.hazards *= 1.0 - bh["hazard_repair"] * s
    ent.hazards += inflow
