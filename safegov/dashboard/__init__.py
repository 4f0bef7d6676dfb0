"""Training dashboard (培训沙盘): explore mode and exercise mode, served with Solara.

Modules: ``world`` (safe scenario choice, smaller world, read-outs), ``state`` (explore session),
``exercise`` (budgeted rounds and the debrief, pure Python), ``charts``, ``map`` (schematic SVG),
``report`` (tables and HTML export), ``i18n`` (中文/English), ``app`` (Solara page), ``server``.
"""
