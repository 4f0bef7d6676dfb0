"""What one scenario changes against another, lever by lever (then schedule and set-up)."""

from __future__ import annotations

from dataclasses import dataclass

from sim import params as sim_params


@dataclass
class LeverChange:
    name: str
    label: str
    zh: str
    unit: str
    kind: str
    base: str
    other: str
    doc: str


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def scenario_differences(base, other) -> list[LeverChange]:
    """Lever by lever (then uncertain parameters, schedule and setup): what ``other`` changes."""
    out = []
    for name in [p.name for p in sim_params.PARAMETERS]:
        p = sim_params.BY_NAME[name]
        bv = base.levers.get(name, base.behaviour.get(name))
        ov = other.levers.get(name, other.behaviour.get(name))
        if bv != ov:
            out.append(LeverChange(name, p.label, p.zh, p.unit, p.kind, _fmt(bv), _fmt(ov), p.doc))

    def sched(sc):
        return {(e.month, k): v for e in sc.schedule for k, v in e.levers.items()}

    bs, os_ = sched(base), sched(other)
    for month, name in sorted(set(bs) | set(os_)):
        before, after = base.levers_at(month).get(name), other.levers_at(month).get(name)
        if bs.get((month, name)) != os_.get((month, name)) and before != after:
            p = sim_params.BY_NAME.get(name)
            year = other.setup.start_year + (month - 1) // 12
            out.append(LeverChange(name, f"{p.label if p else name} from month {month} ({year})",
                                   p.zh if p else "", p.unit if p else "", "schedule",
                                   _fmt(before), _fmt(after), p.doc if p else ""))
    bsd, osd = base.setup.model_dump(), other.setup.model_dump()
    for key in bsd:
        if bsd[key] != osd[key]:
            out.append(LeverChange(key, f"setup: {key}", "", "", "setup", _fmt(bsd[key]), _fmt(osd[key]), ""))
    return out
