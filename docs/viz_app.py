"""The docs/viz.md example page: safegov in Mesa's SolaraViz (run: .venv/bin/solara run docs/viz_app.py)."""

from sim.viz import page

page = page("tiny")  # or page("baseline", agents=20000, levers=["fine_level", ...])
