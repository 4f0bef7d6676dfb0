"""Classes and teams saved on disk: reload and restart, the reveal rule, undo, export and import."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from safegov.dashboard import report, sessions
from safegov.dashboard import rounds as R
from safegov.dashboard.sessions import SessionError, Store
from sim.errors import InputError

TINY = R.Settings(scenario="tiny", seed=4, years=3)


def _files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_a_team_survives_a_server_restart_with_identical_years(tmp_path):
    store = Store(tmp_path)
    room = store.create_class(TINY, "春季班")
    team = room.join("第一组")
    for k in range(2):
        room.commit(team, {**team.exercise().proposal(), "training_rate": 0.3 + 0.2 * k}, "rescale")
    played = [r.results for r in team.exercise().rounds]
    assert {"classes/" + room.code + ".json", "teams/" + team.code + ".json"} <= set(_files(tmp_path))
    fresh = Store(tmp_path)  # a new process: nothing in memory
    again = fresh.team(team.code)
    assert again.name == "第一组" and again.committed == 2 and again.classroom.record.name == "春季班"
    assert [r.results for r in again.exercise().rounds] == played  # replayed exactly
    assert not again.model_changed
    assert fresh.classroom(room.code).teams[team.code] is again


def test_a_changed_model_is_noticed_on_replay(tmp_path):
    store = Store(tmp_path)
    room = store.create_class(TINY)
    team = room.join("甲")
    room.commit(team, team.exercise().proposal())
    rec = json.loads((tmp_path / "teams" / f"{team.code}.json").read_text(encoding="utf-8"))
    rec["rounds"][0]["deaths"] += 1.0  # as if played with other code
    (tmp_path / "teams" / f"{team.code}.json").write_text(json.dumps(rec), encoding="utf-8")
    again = Store(tmp_path).team(team.code)
    again.exercise()
    assert again.model_changed


def test_results_are_held_until_every_team_has_committed(tmp_path):
    room = Store(tmp_path).create_class(TINY, hold_reveal=True)
    a, b = room.join("甲"), room.join("乙")
    assert room.join("甲") is a  # joining again with the name continues that team
    room.commit(a, a.exercise().proposal())
    assert room.waiting(a) and room.visible(a) == 0 and room.revealed() == 0
    with pytest.raises(SessionError):
        room.commit(a, a.exercise().proposal())  # no second year before the first is revealed
    assert room.can_undo(a)  # not revealed yet: may still change its mind
    room.commit(b, b.exercise().proposal())
    assert room.revealed() == 1 and not room.waiting(a) and room.visible(b) == 1
    assert not room.can_undo(a)  # revealed to the class: fixed
    with pytest.raises(SessionError):
        room.undo(a)
    room.commit(a, a.exercise().proposal())
    assert room.waiting(a)
    v = room.version
    room.release()  # the facilitator reveals year 2 before team b commits
    assert room.version > v and room.visible(a) == 2 and not room.waiting(a) and room.visible(b) == 1
    room.commit(b, b.exercise().proposal())
    assert room.visible(b) == 2


def test_turning_the_hold_on_hides_nothing_already_seen(tmp_path):
    room = Store(tmp_path).create_class(TINY, hold_reveal=False)
    a, b = room.join("甲"), room.join("乙")
    room.commit(a, a.exercise().proposal())
    room.commit(a, a.exercise().proposal())
    assert room.visible(a) == 2 and room.visible(b) == 0
    room.set_hold(True)
    assert room.visible(a) == 2
    room.commit(b, b.exercise().proposal())
    assert room.visible(b) == 1 and room.revealed() == 2


def test_undo_without_a_hold_and_its_record(tmp_path):
    store = Store(tmp_path)
    room = store.create_class(TINY)
    team = room.join("甲")
    room.commit(team, team.exercise().proposal())
    room.commit(team, {**team.exercise().proposal(), "training_rate": 0.3})
    room.undo(team)
    assert team.committed == 1 and team.record.undone == 1 and len(team.exercise().rounds) == 1
    again = Store(tmp_path).team(team.code)
    assert again.committed == 1 and again.record.undone == 1


def test_export_and_import_round_trip_and_bad_files_write_nothing(tmp_path):
    store = Store(tmp_path / "a")
    room = store.create_class(TINY, "春季班")
    team = room.join("第一组")
    room.commit(team, {**team.exercise().proposal(), "training_rate": 0.5})
    data = team.export()
    doc = json.loads(data)
    assert doc["format"] == "safegov-exercise" and doc["team"] == "第一组" and "key" not in json.dumps(doc)
    other = Store(tmp_path / "b")
    copy = other.import_file(data)
    assert copy.code != team.code and copy.name == "第一组" and copy.committed == 1
    assert copy.exercise().rounds[0].results == team.exercise().rounds[0].results
    assert Store(tmp_path / "b").team(copy.code).committed == 1  # saved
    before = _files(tmp_path / "b")
    bad = [b"not json", json.dumps({**doc, "format": "other"}).encode(), json.dumps({**doc, "extra": 1}).encode(),
           json.dumps({**doc, "settings": {**doc["settings"], "scenario": "../../etc/passwd"}}).encode(),
           json.dumps({**doc, "rounds": [{"allocation": {"training_rate": 1.0, "inspectors_per_county": 120.0,
                                                         "informatisation": 1.0}}]}).encode(),  # over budget
           json.dumps({**doc, "rounds": [{"allocation": {"optimism": 0.1}}]}).encode(),
           b"x" * (sessions.MAX_FILE_BYTES + 1)]
    for data in bad:
        with pytest.raises(SessionError) as info:
            other.import_file(data)
        assert "\n" not in str(info.value) and info.value.text("zh").startswith("不是有效的演练文件")
    assert _files(tmp_path / "b") == before  # nothing written


def test_codes_and_names_are_checked_before_any_path_is_built(tmp_path):
    store = Store(tmp_path)
    for bad in ("../../etc/passwd", "12345", "abcdef", "", None, "1234567"):
        with pytest.raises(SessionError):
            store.classroom(bad)
    for bad in ("../x", "1234 567", "abcdefgh"):
        with pytest.raises(SessionError):
            store.team(bad)
    with pytest.raises(SessionError) as info:
        store.team("1234 5678")  # well formed, unknown
    assert "1234" in info.value.text("zh")
    room = store.create_class(TINY)
    with pytest.raises(SessionError):
        store.facilitator(room.code, "00000000" if room.record.key != "00000000" else "11111111")
    assert store.facilitator(room.code, room.record.key) is room
    for bad in ("", "   ", "x" * 21):
        with pytest.raises(SessionError):
            room.join(bad)
    with pytest.raises(InputError):
        store.create_class(R.Settings(scenario="tiny", budget=1.0))  # below the minimum: nothing written
    assert len(list((tmp_path / "classes").glob("*.json"))) == 1


def test_exports_are_named_by_class_team_and_date(tmp_path):
    today = dt.date.today().isoformat()
    name = sessions.export_name("debrief", "2026年 春季班", "第一组/A", "html")
    assert name == f"safegov_debrief_2026年-春季班_第一组-A_{today}.html"
    assert sessions.export_name("class", "春季班", None, "html") == f"safegov_class_春季班_{today}.html"


def test_class_report_puts_teams_side_by_side_with_notes(tmp_path):
    room = Store(tmp_path).create_class(TINY, "春季班", hold_reveal=True)
    a, b = room.join("甲"), room.join("乙")
    for _ in range(TINY.years):
        room.commit(a, {**a.exercise().proposal(), "training_rate": 0.6}, "rescale")
        room.commit(b, {**b.exercise().proposal(), "grid_workers_per_grid": 2.0}, "rescale")
    n, table = report.team_rows(room, "zh")
    assert n == TINY.years and 'data-team="甲"' in table and 'data-team="乙"' in table
    page = report.class_html(room, "zh")
    assert "随机种子（4）" in page  # the technical details belong to the facilitator
    assert page.count('class="sg-team-debrief"') == 2
    assert "讨论问题" in page and 'data-key="training_rate"' in page and 'data-key="grid_workers_per_grid"' in page
    effects = report.teams_effects_table(room, "en")
    assert "Safety training" in effects and "Grid workers per grid" in effects


def test_teams_share_the_baseline_and_idle_exercises_are_let_go(tmp_path, monkeypatch):
    room = Store(tmp_path).create_class(TINY)
    a, b = room.join("甲"), room.join("乙")
    assert a.exercise().shared is b.exercise().shared is room.shared  # one baseline and reference per class
    room.commit(a, {**a.exercise().proposal(), "training_rate": 0.4}, "rescale")
    room.commit(b, b.exercise().proposal())
    assert len(room.shared.results) == 1  # the year ran once for both teams
    assert a.exercise().rounds[0].results["baseline"] == b.exercise().rounds[0].results["baseline"]
    alone = R.Exercise.replay(TINY, [(a.exercise().rounds[0].allocation, "reject")])
    assert alone.rounds[0].results == a.exercise().rounds[0].results  # sharing changes no number
    played = a.exercise().rounds[0].results
    monkeypatch.setattr(sessions, "MAX_LIVE", 1)
    b.exercise()  # only the most recent stays in memory
    assert a._exercise is None and b._exercise is not None
    assert a.exercise().rounds[0].results == played  # replayed when needed
    assert b._exercise is None
