"""The Solara page: explore mode and exercise mode (teams and facilitator), 中文 / English.

Plain Solara (Mesa's SolaraViz expects a model rebuilt from slider values and a space to draw;
the exercise's rounds, classes of teams and debrief do not fit it). Served by
``safegov dashboard`` (``safegov/dashboard/server.py``).

The address says what the page shows, so a reload or a shared link comes back to it:
``/?team=<resume code>`` is a team's exercise, ``/?class=<class code>&key=<facilitator key>``
the facilitator's view of a class; both are loaded from the sessions folder (``sessions``).
"""

from __future__ import annotations

import html
from urllib.parse import parse_qs

import solara

from sim.errors import InputError

from .charts import PRESENTER
from .class_view import ExerciseHome, FacilitatorView
from .explore_view import Explore
from .i18n import LANGS, default_lang, t
from .sessions import error_text, store
from .state import ExploreSession
from .team_view import TeamView
from .widgets import CSS

HEADER_CSS = "@media (max-width:1150px){.sg-subtitle{display:none}}"


def resolve(search: str | None):
    """('team', Team) | ('facilitator', Classroom) | ('error', exception) | (None, None) for an address."""
    q = parse_qs(search or "")
    try:
        if "team" in q:
            return "team", store().team(q["team"][0])
        if "class" in q:
            return "facilitator", store().facilitator(q["class"][0], (q.get("key") or [""])[0])
    except InputError as exc:
        return "error", exc
    return None, None


@solara.component
def Page():  # noqa: N802 - Solara component
    router = solara.use_router()
    query = parse_qs(router.search or "")
    first_lang = (query.get("lang") or [default_lang()])[0]
    lang, set_lang = solara.use_state(first_lang if first_lang in LANGS else default_lang())
    kind, target = solara.use_memo(lambda: resolve(router.search), dependencies=[router.search])
    mode, set_mode = solara.use_state("exercise" if kind else "explore")
    presenter, set_presenter = solara.use_state((query.get("present") or ["0"])[0] == "1")
    holder = solara.use_memo(dict, dependencies=[])
    scale = PRESENTER if presenter else 1.0

    def go(search: str):
        set_mode("exercise")
        router.push(f"/{search}")

    solara.Title(t("title", lang))
    solara.Style(CSS + HEADER_CSS)
    classes = ["sg-root", "sg-presenter"] if presenter else ["sg-root"]
    with solara.Column(style={"padding": "10px 12px"}, classes=classes):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="8px"):
            solara.HTML(tag="h2", unsafe_innerHTML=html.escape(t("title", lang)), style="margin:0 8px 0 0",
                        classes=["sg-title"])
            solara.HTML(tag="span", unsafe_innerHTML=html.escape(t("subtitle", lang)),
                        classes=["sg-note", "sg-subtitle"])
            solara.v.Spacer()
            with solara.ToggleButtonsSingle(value=mode, on_value=set_mode, classes=["sg-mode"]):
                solara.Button(t("explore", lang), value="explore", classes=["sg-mode-explore"])
                solara.Button(t("exercise", lang), value="exercise", classes=["sg-mode-exercise"])
            solara.Switch(label=t("presenter", lang), value=presenter, on_value=set_presenter,
                          classes=["sg-presenter-switch"])
            with solara.ToggleButtonsSingle(value=lang, on_value=set_lang, classes=["sg-lang"]):
                solara.Button("中文", value="zh", classes=["sg-lang-zh"])
                solara.Button("English", value="en", classes=["sg-lang-en"])
        if mode == "explore":
            if "explore" not in holder:  # built on first use: a team's link opens without it
                holder["explore"] = ExploreSession()
            Explore(holder["explore"], lang, scale)
        elif kind == "team":
            TeamView(target, lang, on_leave=lambda: go(""), scale=scale).key(f"team-{target.code}")
        elif kind == "facilitator":
            FacilitatorView(target, lang, scale).key(f"class-{target.code}")
        else:
            if kind == "error":
                solara.Error(error_text(target, lang), classes=["sg-link-error"])
            ExerciseHome(lang, on_team=lambda team: go(f"?team={team.code}"),
                         on_facilitator=lambda room: go(f"?class={room.code}&key={room.record.key}"))
