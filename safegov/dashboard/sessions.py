"""Classes, teams and their exercises, saved on disk so that they survive reloads and restarts.

A *class* (班级) is what a trainer opens: the exercise settings, a class code that teams join
with, a facilitator key, and whether each year's results are held until every team has
committed. A *team* (队) plays one exercise in the class; its record is its name and the
allocation it committed each year. An exercise is deterministic given its settings and
allocations, so that is all that is stored: loading a team replays its years (a second or two),
and undoing a year replays one year fewer.

Files (JSON, UTF-8, written under a temporary name and renamed into place)::

    DIR/classes/<class code>.json     ClassRecord
    DIR/teams/<resume code>.json      TeamRecord

``DIR`` is ``$SAFEGOV_DASHBOARD_DIR`` or ``outputs/dashboard`` in the repository (git-ignored),
set by ``safegov dashboard --sessions DIR``. Codes are digits only (a class code of 6, a resume
code and a facilitator key of 8) and are checked before any path is built from them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import asdict
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim.errors import InputError

from .i18n import t
from .rounds import Exercise, Settings
from .server import DIR_ENV

ROOT = Path(__file__).resolve().parents[2]
CLASS_DIGITS, TEAM_DIGITS, KEY_DIGITS = 6, 8, 8
MAX_FILE_BYTES = 1_000_000
MAX_TEAMS = 30
TEAM_NAME_MAX = 20
MAX_LIVE = 24   # exercises kept in memory (about 37 MB each at the dashboard's world size); others replay


def sessions_dir() -> Path:
    return Path(os.environ.get(DIR_ENV) or ROOT / "outputs" / "dashboard")


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


class SessionError(InputError):
    """A problem a user can fix (unknown code, bad team name, bad file), said in their language."""

    def __init__(self, key: str, problem: str, ui: str, **ui_args):
        super().__init__("dashboard", key, problem)
        self.ui, self.ui_args = ui, ui_args

    def text(self, lang: str) -> str:
        return t(self.ui, lang, **self.ui_args)


def error_text(exc: Exception, lang: str) -> str:
    """What the page shows for an error: the localised text when there is one."""
    if isinstance(exc, SessionError):
        return exc.text(lang)
    if getattr(exc, "ui", ""):  # e.g. pricing.BudgetError
        return f"{t('error', lang)}{'：' if lang == 'zh' else ': '}{t(exc.ui, lang, **exc.ui_args)}"
    return f"{t('error', lang)}: {exc}"


# ------------------------------------------------------------------------------ records
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SettingsRecord(_Strict):
    scenario: str
    seed: int
    replicate: int = 0
    budget: float
    role: str
    reference: str
    agents: int
    years: int

    def settings(self) -> Settings:
        return Settings(**self.model_dump()).checked()

    @classmethod
    def of(cls, s: Settings) -> SettingsRecord:
        return cls(**asdict(s))


class RoundRecord(_Strict):
    allocation: dict[str, float]
    mode: Literal["reject", "rescale"] = "reject"
    committed: str = ""
    deaths: float | None = None   # the class path's deaths that year when played (replay check)


class TeamRecord(_Strict):
    format: Literal["safegov-team"] = "safegov-team"
    version: Literal[1] = 1
    code: str
    class_code: str
    name: str = Field(min_length=1, max_length=TEAM_NAME_MAX)
    created: str
    updated: str
    rounds: list[RoundRecord] = []
    undone: int = 0


class ClassRecord(_Strict):
    format: Literal["safegov-class"] = "safegov-class"
    version: Literal[1] = 1
    code: str
    key: str
    name: str = Field(min_length=1, max_length=40)
    created: str
    settings: SettingsRecord
    hold_reveal: bool = False
    released: int = 0
    teams: list[str] = []
    solo: bool = False


class ExerciseFile(_Strict):
    """What 'save exercise file' writes and 'import' reads: one team's exercise, no codes."""

    format: Literal["safegov-exercise"] = "safegov-exercise"
    version: Literal[1] = 1
    exported: str
    class_name: str = Field(min_length=1, max_length=40)
    team: str = Field(min_length=1, max_length=TEAM_NAME_MAX)
    settings: SettingsRecord
    rounds: list[RoundRecord]
    undone: int = 0


# ------------------------------------------------------------------------------- codes
def check_code(code, digits: int, key: str) -> str:
    text = re.sub(r"[\s-]", "", str(code or ""))
    if not re.fullmatch(rf"\d{{{digits}}}", text):
        raise SessionError(key, f"expected {digits} digits, got {code!r}", "bad_code", code=str(code or ""))
    return text


def show_code(code: str) -> str:
    """'12345678' -> '1234 5678' (easier to read out in class)."""
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}"


def check_team_name(name) -> str:
    text = " ".join(str(name or "").split())
    if not 1 <= len(text) <= TEAM_NAME_MAX:
        raise SessionError("team", f"expected 1 to {TEAM_NAME_MAX} characters, got {name!r}", "bad_team")
    return text


def _write(path: Path, model: BaseModel) -> None:
    from sim.outputs import atomic_text  # the one atomic write (unique temporary names: thread-safe)

    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_text(path, model.model_dump_json(indent=1))


# ------------------------------------------------------------------------------- teams
class Team:
    """One team: its record and, once loaded, its exercise."""

    def __init__(self, record: TeamRecord, classroom: Classroom):
        self.record = record
        self.classroom = classroom
        self._exercise: Exercise | None = None
        self.model_changed = False   # replayed numbers differ from the ones played

    @property
    def code(self) -> str:
        return self.record.code

    @property
    def name(self) -> str:
        return self.record.name

    @property
    def committed(self) -> int:
        return len(self.record.rounds)

    def exercise(self) -> Exercise:
        """The team's exercise, rebuilt by replaying its committed years on first use (or after the
        store let it go to bound memory); the baseline and reference are the class's."""
        room = self.classroom
        with room.lock:
            if self._exercise is None:
                plans = [(r.allocation, r.mode) for r in self.record.rounds]
                self._exercise = Exercise.replay(room.settings, plans, room.shared)
                room.shared = self._exercise.shared
                played = [r.deaths for r in self.record.rounds]
                now_ = [rnd.results["class"]["deaths"] for rnd in self._exercise.rounds]
                self.model_changed = any(p is not None and p != n for p, n in zip(played, now_, strict=True))
            ex = self._exercise
        room.store.touch(self)
        return ex

    def export(self) -> bytes:
        rec = self.record
        f = ExerciseFile(exported=now(), class_name=self.classroom.record.name, team=rec.name,
                         settings=self.classroom.record.settings, rounds=rec.rounds, undone=rec.undone)
        return f.model_dump_json(indent=1).encode("utf-8")


# ----------------------------------------------------------------------------- classes
class Classroom:
    """A class: settings shared by its teams, the teams, and the reveal rule."""

    def __init__(self, record: ClassRecord, store: Store):
        self.record = record
        self.store = store
        self.settings = record.settings.settings()
        self.teams: dict[str, Team] = {}
        self.lock = threading.RLock()
        self.version = 0
        self.shared = None   # rounds.SharedPaths: the baseline and reference of every team

    @property
    def code(self) -> str:
        return self.record.code

    def _changed(self) -> None:
        self.version += 1
        self.store.save_class(self.record)

    def team_list(self) -> list[Team]:
        return [self.teams[c] for c in self.record.teams if c in self.teams]

    # ------------------------------------------------------------------ reveal
    def revealed(self) -> int:
        """Years whose results every team may see: all of them unless results are held; when held,
        the years every team has committed, or as many as the facilitator released."""
        if not self.record.hold_reveal:
            return self.settings.years
        done = [tm.committed for tm in self.team_list()]
        return max(self.record.released, min(done) if done else 0)

    def visible(self, team: Team) -> int:
        """How many of this team's years it may see."""
        return min(team.committed, self.revealed())

    def waiting(self, team: Team) -> bool:
        """The team committed a year whose results are held."""
        return team.committed > self.visible(team)

    def set_hold(self, hold: bool) -> None:
        with self.lock:
            if hold and not self.record.hold_reveal:
                # nothing already seen is hidden again
                self.record.released = max([self.record.released] + [tm.committed for tm in self.team_list()])
            self.record.hold_reveal = bool(hold)
            self._changed()

    def release(self) -> None:
        """Reveal every year committed so far, to every team."""
        with self.lock:
            self.record.released = max([self.record.released] + [tm.committed for tm in self.team_list()])
            self._changed()

    # ------------------------------------------------------------------ teams
    def join(self, name: str) -> Team:
        """A new team, or the team of that name (joining again continues its exercise)."""
        name = check_team_name(name)
        with self.lock:
            for tm in self.team_list():
                if tm.name == name:
                    return tm
            if len(self.record.teams) >= MAX_TEAMS:
                raise SessionError("team", f"a class has at most {MAX_TEAMS} teams", "bad_team")
            code = self.store.new_code("teams", TEAM_DIGITS)
            rec = TeamRecord(code=code, class_code=self.code, name=name, created=now(), updated=now())
            self.store.save_team(rec)
            team = Team(rec, self)
            self.teams[code] = team
            self.record.teams.append(code)
            self._changed()
            return team

    def commit(self, team: Team, allocation: dict, mode: str = "reject"):
        with self.lock:
            if self.waiting(team):
                raise SessionError("round", "the last year's results are not revealed yet", "not_revealed")
            ex = team.exercise()
            rnd = ex.commit(allocation, mode)
            team.record.rounds.append(RoundRecord(allocation=rnd.allocation, mode="reject", committed=now(),
                                                  deaths=rnd.results["class"]["deaths"]))
            team.record.updated = now()
            self.store.save_team(team.record)
            self._changed()
            return rnd

    def can_undo(self, team: Team) -> bool:
        """A year can be undone until its results are revealed to the class (always when not held)."""
        if not team.committed:
            return False
        return not self.record.hold_reveal or team.committed > self.revealed()

    def undo(self, team: Team):
        with self.lock:
            if not self.can_undo(team):
                raise SessionError("undo", "this year's results are revealed; it can no longer be undone", "locked")
            last = team.exercise().undo()
            team.record.rounds.pop()
            team.record.undone += 1
            team.record.updated = now()
            self.store.save_team(team.record)
            self._changed()
            return last


# ------------------------------------------------------------------------------- store
class Store:
    """The sessions folder and the classes loaded from it (one per server process)."""

    def __init__(self, root: Path | str | None = None):
        self.root = Path(root) if root else sessions_dir()
        self._classes: dict[str, Classroom] = {}
        self._lock = threading.RLock()
        self._live: OrderedDict[str, Team] = OrderedDict()   # teams whose exercise is in memory, oldest first

    def touch(self, team: Team) -> None:
        """Mark a team's exercise as used; let the least recently used ones go beyond MAX_LIVE."""
        with self._lock:
            self._live[team.code] = team
            self._live.move_to_end(team.code)
            for code in list(self._live)[:-MAX_LIVE]:
                old = self._live[code]
                room = old.classroom
                if not room.lock.acquire(blocking=False):
                    continue  # in use: try again next time
                try:
                    old._exercise = None
                    del self._live[code]
                    if not any(tm._exercise is not None for tm in room.teams.values()):
                        room.shared = None
                finally:
                    room.lock.release()

    # ------------------------------------------------------------------ files
    def _path(self, kind: str, code: str) -> Path:
        return self.root / kind / f"{code}.json"

    def new_code(self, kind: str, digits: int) -> str:
        while True:
            code = f"{secrets.randbelow(9 * 10 ** (digits - 1)) + 10 ** (digits - 1)}"
            if not self._path(kind, code).exists():
                return code

    def save_class(self, rec: ClassRecord) -> None:
        _write(self._path("classes", rec.code), rec)

    def save_team(self, rec: TeamRecord) -> None:
        _write(self._path("teams", rec.code), rec)

    def _read(self, kind: str, code: str, model: type[BaseModel]):
        path = self._path(kind, code)
        try:
            return model.model_validate_json(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SessionError(kind, f"no saved {kind[:-1]} {code}", "not_found", code=code) from None
        except (OSError, UnicodeDecodeError, ValidationError) as exc:
            raise SessionError(kind, f"{path}: unreadable ({exc.__class__.__name__})", "not_found",
                               code=code) from None

    # ------------------------------------------------------------------ classes
    def create_class(self, settings: Settings, name: str = "", hold_reveal: bool = False,
                     solo: bool = False) -> Classroom:
        """Open a class (the settings are checked, and an exercise built once, before anything is
        written: a budget below the minimum cost fails here)."""
        settings = settings.checked()
        probe = Exercise(settings)
        name = " ".join(str(name or "").split())[:40] or t("class_name_default", "zh")
        with self._lock:
            rec = ClassRecord(code=self.new_code("classes", CLASS_DIGITS), key=self.new_code("keys", KEY_DIGITS),
                              name=name, created=now(), settings=SettingsRecord.of(settings),
                              hold_reveal=hold_reveal, solo=solo)
            self.save_class(rec)
            room = Classroom(rec, self)
            room.shared = probe.shared
            self._classes[rec.code] = room
            return room

    def classroom(self, code) -> Classroom:
        code = check_code(code, CLASS_DIGITS, "class")
        with self._lock:
            room = self._classes.get(code)
            if room is None:
                rec = self._read("classes", code, ClassRecord)
                room = Classroom(rec, self)
                for team_code in rec.teams:
                    try:
                        room.teams[team_code] = Team(self._read("teams", team_code, TeamRecord), room)
                    except SessionError:
                        continue  # a lost team file leaves the rest of the class usable
                self._classes[code] = room
            return room

    def facilitator(self, code, key) -> Classroom:
        room = self.classroom(code)
        if check_code(key, KEY_DIGITS, "key") != room.record.key:
            raise SessionError("key", "wrong facilitator key", "not_found", code=str(code))
        return room

    def team(self, code) -> Team:
        code = check_code(code, TEAM_DIGITS, "team")
        rec = self._read("teams", code, TeamRecord)
        room = self.classroom(rec.class_code)
        if code not in room.teams:
            raise SessionError("team", f"team {code} is not in class {rec.class_code}", "not_found", code=code)
        return room.teams[code]

    # ------------------------------------------------------------------ files from users
    def import_file(self, data: bytes) -> Team:
        """A saved exercise file as a new one-team class; checked (and replayed) before anything is written."""
        if len(data) > MAX_FILE_BYTES:
            raise SessionError("file", f"larger than {MAX_FILE_BYTES} bytes", "bad_file", why=f"> {MAX_FILE_BYTES} B")
        try:
            f = ExerciseFile.model_validate_json(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(x) for x in err["loc"]) or "file"
            raise SessionError("file", f"{where}: {err['msg']}", "bad_file", why=f"{where}: {err['msg']}") from None
        try:
            settings = f.settings.settings()
            ex = Exercise.replay(settings, [(r.allocation, r.mode) for r in f.rounds])
        except InputError as exc:
            raise SessionError("file", str(exc), "bad_file", why=str(exc)) from None
        room = self.create_class(settings, f.class_name, solo=True)
        team = room.join(f.team)
        rounds = [RoundRecord(allocation=rnd.allocation, mode="reject", committed=r.committed or now(),
                              deaths=rnd.results["class"]["deaths"]) for r, rnd in zip(f.rounds, ex.rounds, strict=True)]
        team.record.rounds, team.record.undone = rounds, f.undone
        team._exercise, room.shared = ex, ex.shared
        self.save_team(team.record)
        room._changed()
        return team


_STORE: Store | None = None
_STORE_LOCK = threading.Lock()


def store() -> Store:
    """The process's store (the folder is read from the environment on first use)."""
    global _STORE
    with _STORE_LOCK:
        if _STORE is None or _STORE.root != sessions_dir():
            _STORE = Store()
        return _STORE


def export_name(kind: str, class_name: str, team: str | None, ext: str) -> str:
    """'safegov_debrief_培训班_第一组_2026-12-01.html': class, team and date in the file name."""
    def slug(text: str) -> str:
        return re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-")[:40] or "x"

    parts = ["safegov", kind, slug(class_name)] + ([slug(team)] if team else []) + [dt.date.today().isoformat()]
    return "_".join(parts) + f".{ext}"

