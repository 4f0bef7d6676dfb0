"""Training dashboard (培训沙盘): explore mode and exercise mode, served with Solara.

Pure Python (testable without a browser): ``world`` (safe scenario choice, smaller world,
read-outs), ``state`` (explore session beside its baseline), ``pricing`` (the budget, priced by
``sim.costs``), ``rounds`` (an exercise's years), ``debrief`` (comparisons, each lever alone,
luck), ``lessons`` (lesson prose and facilitator notes), ``sessions`` (classes and teams saved on
disk), ``charts`` (inline SVG), ``map`` (schematic SVG), ``report`` (tables and HTML exports),
``i18n`` (中文/English).
Solara views: ``widgets``, ``explore_view``, ``team_view``, ``class_view``, ``app`` (the page);
``server`` starts it, ``browser`` drives it in Chromium (tests, screenshots).
"""
