"""Equipment ageing and hidden-hazard build-up (paper 1.3 设备老化, 带病运转; Rasmussen 1997).

    e <- clip(e + equipment_renewal s (1 - e) - equipment_decay (1 - s), 0, 1)
    h <- h (1 - hazard_repair s) + hazard_inflow size_h (hazard_floor + (1 - hazard_floor)(1 - s))
                                    (1 + equipment_hazard_factor (1 - e))

with s the firm's safety spending share and e its equipment condition: defences drift under
cost pressure (Rasmussen). Rectification orders remove hazards in sanctions.py, grid workers'
on-the-spot advice in grid.py, the chemicals platform in information.py.
"""

from __future__ import annotations

from sim import fused
from sim.context import Month
from sim.state import Enterprises


def evolve(ent: Enterprises, month: Month) -> None:
    bh = month.bh
    # one fused pass (sim/fused.py) of the rule in the module docstring
    fused.evolve_hazards(
        ent.investment,
        ent.equipment,
        ent.hazards,
        ent.hazard_size,
        bh["equipment_renewal"],
        bh["equipment_decay"],
        bh["hazard_inflow"],
        bh["hazard_floor"],
        bh["equipment_hazard_factor"],
        bh["hazard_repair"],
    )
