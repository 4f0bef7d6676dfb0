"""A generator of malformed inputs, and the harness that runs them through ``safegov``'s command line.

Every case is a small folder of files plus a command line. A case is *clean* when the command
exits with status 2 after writing exactly one line to stderr that names the file (or flag) and
the key, with no traceback, and nothing was written (the case folder holds the same files after
as before). A few valid edge inputs (a 1,200-file ``extends`` chain) must instead work.

The expensive part of each command (the simulation, the batch, the calibration, the server) is
replaced by a stub that records "accepted": a malformed input that reaches it was not refused
before work started.

    .venv/bin/python tests/fuzzgen.py            # the table: category, tried, clean (+ failures)
    .venv/bin/python tests/fuzzgen.py --show 5   # also show five failing cases per category

Cases are generated deterministically (``random.Random(seed)``); ``tests/test_fuzz_inputs.py``
runs them all in the suite.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "scenarios" / "tiny.toml"
HISTORICAL = ROOT / "scenarios" / "historical.toml"
BASELINE = ROOT / "scenarios" / "baseline.toml"
TARGETS = ROOT / "calibration" / "targets" / "jiangsu.toml"

CATEGORIES = ("scenarios", "sweep specs", "sensitivity specs", "calibration specs", "targets files", "CLI flags")


@dataclass
class Case:
    category: str
    name: str
    argv: list[str]                      # "{d}" is replaced by the case folder
    files: dict[str, str | bytes] = field(default_factory=dict)
    needles: tuple[str, ...] = ()        # must all appear in the error line
    expect: str = "error"                # "error" (exit 2, one line) or "ok" (exit 0)
    prepare: Callable[[Path], None] | None = None   # extra set-up (folders, FIFOs, read-only places)
    cleanup: Callable[[Path], None] | None = None


@dataclass
class Outcome:
    case: Case
    verdict: str       # clean | traceback | accepted | multi-line | missing-words | wrote | exit-N | ok
    detail: str = ""

    @property
    def clean(self) -> bool:
        return self.verdict == ("ok" if self.case.expect == "ok" else "clean")


# ============================================================================== helpers


def _typos(word: str, rng: random.Random, n: int = 2) -> list[str]:
    """Plausible misspellings: a dropped, doubled or swapped letter."""
    out: list[str] = []
    for _ in range(20):
        if len(out) >= n or len(word) < 3:
            break
        i = rng.randrange(1, len(word) - 1)
        kind = rng.choice(("drop", "double", "swap"))
        if kind == "drop":
            t = word[:i] + word[i + 1:]
        elif kind == "double":
            t = word[:i] + word[i] + word[i:]
        else:
            t = word[:i - 1] + word[i] + word[i - 1] + word[i + 1:]
        if t != word and t not in out:
            out.append(t)
    return out


BAD_VALUES = ('"x"', "true", "[1, 2]", "{ a = 1 }", "nan", "inf", "-inf", "1" + "0" * 30)


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, str):
        return f'"{v}"'
    return repr(v)


# ============================================================================== scenarios


def scenario_cases(rng: random.Random) -> Iterator[Case]:
    from sim import params
    from sim.scenario import SETUP_KEYS, TOP_LEVEL_KEYS

    head = f'extends = "{TINY}"\n'
    texts: list[tuple[str, str, dict, tuple]] = []  # (name, text of s.toml, other files, needles)

    def add(name, body, needles, files=None, whole=False):
        texts.append((name, body if whole else head + body, files or {}, ("s.toml", *needles)))

    levers = [p for p in params.PARAMETERS if p.kind == "lever"]
    uncertain = [p for p in params.PARAMETERS if p.kind == "uncertain"]
    for p in rng.sample(levers, 6) + rng.sample(uncertain, 3):
        table = "levers" if p.kind == "lever" else "behaviour"
        for bad in rng.sample(BAD_VALUES, 4):
            add(f"{table}.{p.name} = {bad[:12]}", f"[{table}]\n{p.name} = {bad}\n", (p.name,))
        add(f"{table}.{p.name} below", f"[{table}]\n{p.name} = {p.low - max(1.0, abs(p.low)) * 0.5}\n", (p.name,))
        add(f"{table}.{p.name} above", f"[{table}]\n{p.name} = {p.high + max(1.0, abs(p.high)) * 0.5}\n", (p.name,))
        other = "behaviour" if table == "levers" else "levers"
        add(f"{p.name} in [{other}]", f"[{other}]\n{p.name} = {p.default}\n", (p.name, f"[{table}]"))
    integer = next(p for p in params.PARAMETERS if p.integer)
    add("integer lever 12.5", f"[levers]\n{integer.name} = {integer.low + 0.5}\n", (integer.name, "whole"))
    for p in rng.sample(levers, 4):
        for typo in _typos(p.name, rng, 1):
            add(f"typo {typo}", f"[levers]\n{typo} = {p.default}\n", (typo, p.name))
    for key in TOP_LEVEL_KEYS:
        for typo in _typos(key, rng, 1):
            add(f"top typo {typo}", f"{typo} = 1\n", (typo,))
    for key in rng.sample(SETUP_KEYS, 4):
        for typo in _typos(key, rng, 1):
            add(f"setup typo {typo}", f"[setup]\n{typo} = 1\n", (typo, key))
    add("unknown table", "[lever]\nfine_level = 1\n", ("lever", "levers"))
    for table, value in (("levers", "3"), ("setup", '"x"'), ("behaviour", "[1]"), ("schedule", "{ a = 1 }"),
                         ("schedule", "[1]"), ("schedule", "3")):
        add(f"{table} = {value}", f"{table} = {value}\n", (table,))
    setup_bad = {"agents": ["0", "9", "5000001", '"many"', "100.5", "true"], "months": ["0", "601", "nan"],
                 "start_year": ["1989", "2101"], "cities": ['["Nowhere"]', '"Nanjing"', "[1]", '["Nanjing", "Nanjing"]'],
                 "counties_per_city": ["0", "21"], "enterprises_per_agent": ["0.5", "nan", "inf"],
                 "grids_per_county": ["0"], "warmup_months": ["-1", "241"]}
    for key, values in setup_bad.items():
        for v in values:
            add(f"setup.{key} = {v}", f"[setup]\n{key} = {v}\n", (key,))
    sched = "[[schedule]]\n"
    lever = "levers = { fine_level = 2.0 }\n"
    for body, needles in [
        (sched + "month = 0\n" + lever, ("#1", "month")), (sched + "month = -1\n" + lever, ("#1", "month")),
        (sched + "month = 1000\n" + lever, ("#1", "month", "24")), (sched + "month = 25\n" + lever, ("month",)),
        (sched + "year = 2090\n" + lever, ("#1", "year")), (sched + "year = -5\n" + lever, ("#1", "year")),
        (sched + "year = 1989\n" + lever, ("year",)), (sched + "year = 2022\n" + lever, ("year",)),
        (sched + "month = 3\nyear = 2021\n" + lever, ("#1", "exactly one")), (sched + lever, ("#1",)),
        (sched + 'month = "3"\n' + lever, ("month",)), (sched + "month = 1.5\n" + lever, ("month",)),
        (sched + "month = 3\n", ("levers",)), (sched + "month = 3\nlevers = {}\n", ("levers",)),
        (sched + "month = 3\nlevers = 3\n", ("levers",)), (sched + "month = 3\nlevers = { fine_levl = 2 }\n", ("fine_levl",)),
        (sched + "month = 3\nlevers = { fine_level = 9 }\n", ("fine_level",)),
        (sched + "month = 3\nlevers = { optimism = 0.5 }\n", ("optimism",)),
        (sched + "month = 3\nwhen = 2\n" + lever, ("when",)),
        (sched + "month = 3\n" + lever + sched + "year = 3000\n" + lever, ("#2", "year")),
    ]:
        add(f"schedule: {body[13:40]!r}", body, needles)
    for body, needles in [
        ("name = 3\n", ("name",)), ('name = ""\n', ("name",)), ('name = "a\\u0000b"\n', ("name",)),
        (f'name = "{"n" * 400}"\n', ("name",)), ('name = "two\\nlines"\n', ("name",)),
        ('title = "bell\\u0007"\n', ("title",)), (f'description = "{"d" * 30000}"\n', ("description",)),
        ("title_zh = [1]\n", ("title_zh",)),
    ]:
        add(f"text: {body[:24]!r}", body, needles)
    # extends problems (the file itself has no head)
    for name, body, files, needles in [
        ("extends missing", 'extends = "nowhere.toml"\n', {}, ("extends", "nowhere.toml")),
        ("extends self", 'extends = "s.toml"\n', {}, ("extends", "circular")),
        ("extends cycle", 'extends = "b.toml"\n', {"b.toml": 'extends = "s.toml"\n'}, ("extends", "circular")),
        ("extends folder", 'extends = "sub"\n', {"sub/keep.txt": ""}, ("extends", "folder")),
        ("extends /dev/zero", 'extends = "/dev/zero"\n', {}, ("extends", "regular file")),
        ("extends /dev/null", 'extends = "/dev/null"\n', {}, ("extends", "regular file")),
        ("extends fifo", 'extends = "pipe.toml"\n', {}, ("extends",)),
        ("extends too long", f'extends = "{"x" * 300}.toml"\n', {}, ("extends",)),
        ("extends = 3", "extends = 3\n", {}, ("extends",)),
        ('extends = ""', 'extends = ""\n', {}, ("extends",)),
        ("extends bad parent", 'extends = "p.toml"\n', {"p.toml": f'extends = "{TINY}"\n[levers]\nfine_level = "x"\n'},
         ("p.toml", "fine_level")),
        ("extends bad toml", 'extends = "p.toml"\n', {"p.toml": "[levers\n"}, ("p.toml", "TOML")),
        ("extends bad name", 'extends = "nosuch"\n', {}, ("extends", "nosuch")),
    ]:
        prepare = (lambda d: os.mkfifo(d / "pipe.toml")) if name == "extends fifo" else None
        texts.append((name, body, files, ("s.toml", *needles) if "p.toml" not in needles else needles))
        if prepare:
            texts[-1] = (*texts[-1], prepare)
    for name, raw, needles in [
        ("not UTF-8", b"\xff\xfe[levers]\n", ("UTF-8",)), ("NUL bytes", b"[levers]\x00\n", ()),
        ("bad TOML", b"[levers\nfine_level = 2\n", ("TOML",)), ("nested arrays", b"x = " + b"[" * 2000 + b"]" * 2000, ()),
        ("nested tables", b"a = " + b"{ b = " * 600 + b"1" + b"}" * 600, ()),
        ("5000 digits", b"[levers]\nfine_level = " + b"9" * 5000 + b"\n", ("digits",)),
        ("2**64", b"[levers]\nfine_level = 18446744073709551616\n", ("fine_level",)),
        ("huge file", b"# " + b"x" * 100 + b"\n" * 1 + (b"#" * 99 + b"\n") * 50_000, ("bytes",)),
        ("deep ok-looking", b"[levers]\nfine_level = [[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]\n", ()),
    ]:
        texts.append((name, raw, {}, ("s.toml", *needles)))
    for entry in texts:
        name, body, files, needles = entry[:4]
        prepare = entry[4] if len(entry) > 4 else None
        all_files = {"s.toml": body, **files}
        yield Case("scenarios", f"validate: {name}", ["validate", "{d}/s.toml"], all_files, needles, prepare=prepare)
        yield Case("scenarios", f"run: {name}", ["run", "{d}/s.toml", "--out", "{d}/out", "--no-figures", "--months", "1"],
                   all_files, needles, prepare=prepare)
    # arguments that are not scenario files
    for name, arg, needles, prepare in [
        ("folder", "{d}/sub.toml", ("sub.toml", "folder"), lambda d: (d / "sub.toml").mkdir()),
        ("/dev/zero", "/dev/zero", ("/dev/zero",), None), ("missing", "{d}/nope.toml", ("nope.toml",), None),
        ("fifo", "{d}/p.toml", ("p.toml",), lambda d: os.mkfifo(d / "p.toml")),
        ("bare unknown name", "nosuchscenario", ("nosuchscenario",), None),
    ]:
        yield Case("scenarios", f"validate arg: {name}", ["validate", arg], {}, needles, prepare=prepare)
        yield Case("scenarios", f"run arg: {name}", ["run", arg, "--out", "{d}/out"], {}, needles, prepare=prepare)
    # valid edge input: a long extends chain works
    chain = {"c0.toml": f'extends = "{TINY}"\n'}
    for i in range(1, 1200):
        chain[f"c{i}.toml"] = f'extends = "c{i - 1}.toml"\n[levers]\nfine_level = {1 + (i % 3) * 0.5}\n'
    yield Case("scenarios", "valid: 1,200-file extends chain", ["validate", "{d}/c1199.toml"], chain, expect="ok")


# ============================================================================== sweep specs

SWEEP = f"""base = "{TINY}"
replicates = 2
seed = 3
months = 2
[scale]
agents = 100
[design]
kind = "lhs"
samples = 3
[factors]
rescue_capacity = [0.1, 0.9]
fine_level = {{ low = 0.5, high = 2.0 }}
"""
TABLE = f"""base = "{TINY}"
months = 2
[design]
kind = "table"
"""


def sweep_cases(rng: random.Random) -> Iterator[Case]:
    out: list[tuple[str, str, tuple, dict, Callable | None]] = []

    def add(name, text, needles, files=None, prepare=None):
        out.append((name, text, needles, files or {}, prepare))

    for key, line in (("replicates", "replicates = 2"), ("seed", "seed = 3"), ("months", "months = 2"),
                      ("samples", "samples = 3")):
        for bad in ('"3"', "true", "3.5", "-1", "0", "1" + "0" * 25, "nan", "[3]"):
            if key == "seed" and bad == "0":
                continue
            add(f"{key} = {bad}", SWEEP.replace(line, f"{key} = {bad}"), (key,))
    add("kind wrong", SWEEP.replace('kind = "lhs"', 'kind = "sobol"'), ("design.kind",))
    add("kind 3", SWEEP.replace('kind = "lhs"', "kind = 3"), ("design.kind",))
    for bad in ("1", "1001", '"3"'):
        add(f"levels {bad}", SWEEP.replace("samples = 3", f"samples = 3\nlevels = {bad}"), ("levels",))
    add("design seed -1", SWEEP.replace("samples = 3", "samples = 3\nseed = -1"), ("design.seed",))
    for typo, needles in (("[desing]", ("desing", "design")), ("[factor]", ("factor",)), ("[sclae]", ("sclae", "scale"))):
        section = {"[desing]": "[design]", "[factor]": "[factors]", "[sclae]": "[scale]"}[typo]
        add(f"typo {typo}", SWEEP.replace(section, typo), needles)
    add("typo replicate", SWEEP.replace("replicates = 2", "replicate = 2"), ("replicate", "replicates"))
    add("typo samples at top", "samples = 3\n" + SWEEP, ("samples",))
    add("unknown design key", SWEEP.replace("samples = 3", "samples = 3\npoint = 3"), ("point",))
    add("unknown factor", SWEEP.replace("rescue_capacity =", "rescue_capacty ="), ("rescue_capacty", "rescue_capacity"))
    add("lever typo", SWEEP.replace("fine_level =", "fine_levle ="), ("fine_levle",))
    for bad, needles in (("[0.1, 1.9]", ("rescue_capacity",)), ("[-1, 0.5]", ("rescue_capacity",)),
                         ("[0.9, 0.1]", ("rescue_capacity", "low < high")), ("[0.1]", ("rescue_capacity",)),
                         ('["a", "b"]', ("rescue_capacity",)), ("[0.1, nan]", ("rescue_capacity",)),
                         ("{ values = [] }", ("rescue_capacity",)), ('{ values = [0.1, "x"] }', ("rescue_capacity",)),
                         ("{ values = [0.1], low = 0.1 }", ("rescue_capacity",)), ("{ low = 0.1 }", ("rescue_capacity",)),
                         ('"high"', ("rescue_capacity",)), ("{ low = 0.1, high = 0.5, levels = 1 }", ("rescue_capacity",)),
                         ("{ lo = 0.1 }", ("lo",))):
        add(f"factor {bad}", SWEEP.replace("[0.1, 0.9]", bad), needles)
    add("factorial 10^6", SWEEP.replace('kind = "lhs"\nsamples = 3', 'kind = "factorial"\nlevels = 1000'),
        ("runs", "limit"))
    add("lhs 10^6 runs", SWEEP.replace("samples = 3", "samples = 200000").replace("replicates = 2", "replicates = 5"),
        ("samples", "limit"))
    add("lhs samples 10^7", SWEEP.replace("samples = 3", "samples = 10000000"), ("samples",))
    add("lhs without factors", SWEEP.split("[factors]")[0], ("factors",))
    add("table: points not list", TABLE + "points = 3\n", ("design.points",))
    add("table: unknown factor", TABLE + "points = [{ fine_levl = 1.0 }]\n", ("fine_levl",))
    add("table: string value", TABLE + 'points = [{ fine_level = "x" }]\n', ("fine_level",))
    add("table: out of range", TABLE + "points = [{ fine_level = 99 }]\n", ("fine_level",))
    add("table: label 3", TABLE + "points = [{ fine_level = 1.0, label = 3 }]\n", ("label",))
    add("table: empty", TABLE + "points = []\n", ("design",))
    add("table: both", TABLE + 'points = [{ fine_level = 1.0 }]\nfile = "p.csv"\n', ("design",), {"p.csv": "fine_level\n1\n"})
    add("table: with factors", TABLE + 'points = [{ fine_level = 1.0 }]\n[factors]\nfine_level = [1, 2]\n', ("factors",))
    add("table: file missing", TABLE + 'file = "nope.csv"\n', ("design.file", "nope.csv"))
    add("table: file is a folder", TABLE + 'file = "dd"\n', ("design.file", "folder"), {"dd/x": ""})
    add("table: file /dev/zero", TABLE + 'file = "/dev/zero"\n', ("design.file",))
    add("table: file fifo", TABLE + 'file = "pipe.csv"\n', ("design.file",), prepare=lambda d: os.mkfifo(d / "pipe.csv"))
    add("table: bad UTF-8", TABLE + 'file = "b.csv"\n', ("design.file", "UTF-8"), {"b.csv": b"fine_level\n\xff\xfe\n"})
    add("table: not a number", TABLE + 'file = "b.csv"\n', ("@b.csv", "fine_level"), {"b.csv": "fine_level\nabc\n"})
    add("table: extra cells", TABLE + 'file = "b.csv"\n', ("@b.csv", "row 2"), {"b.csv": "fine_level\n1,2,3\n"})
    add("table: unknown column", TABLE + 'file = "b.csv"\n', ("@b.csv", "fine_levl"), {"b.csv": "fine_levl\n1\n"})
    add("table: file = 3", TABLE + "file = 3\n", ("design.file",))
    for bad in ('"nosuch.mod:fn"', '"not a path"', '"os:path"', '"experiments.toy:EFFECT"', "3", '"sim:"'):
        add(f"model {bad}", f"model = {bad}\n" + SWEEP, ("model",))
    add("scale unknown", SWEEP.replace("agents = 100", "agentz = 100"), ("scale.agentz", "agents"))
    add("scale agents 1", SWEEP.replace("agents = 100", "agents = 1"), ("agents",))
    add("scale agents str", SWEEP.replace("agents = 100", 'agents = "100"'), ("agents",))
    add("scale = 3", SWEEP.replace("[scale]\nagents = 100\n", "").replace("months = 2", "months = 2\nscale = 3"), ("scale",))
    add("base missing", SWEEP.replace(f'base = "{TINY}"', 'base = "nowhere.toml"'), ("base", "nowhere.toml"))
    add("base bare unknown", SWEEP.replace(f'base = "{TINY}"', 'base = "nosuch"'), ("base", "nosuch"))
    add("base folder", SWEEP.replace(f'base = "{TINY}"', 'base = "dd"'), ("base",), {"dd/x": ""})
    add("base /dev/zero", SWEEP.replace(f'base = "{TINY}"', 'base = "/dev/zero"'), ("base",))
    add("base bad scenario", SWEEP.replace(f'base = "{TINY}"', 'base = "b.toml"'), ("@b.toml", "fine_level"),
        {"b.toml": f'extends = "{TINY}"\n[levers]\nfine_level = 99\n'})
    add("base = 3", SWEEP.replace(f'base = "{TINY}"', "base = 3"), ("base",))
    add("no base", SWEEP.replace(f'base = "{TINY}"\n', ""), ("base",))
    add("title = 3", "title = 3\n" + SWEEP, ("title",))
    add("not TOML", SWEEP + "[[[\n", ("TOML",))
    for name, text, needles, files, prepare in out:
        yield Case("sweep specs", name, ["sweep", "{d}/spec.toml", "--out", "{d}/out", "--quiet"],
                   {"spec.toml": text, **files},
                   (needles[0][1:], *needles[1:]) if needles[0].startswith("@") else ("spec.toml", *needles),
                   prepare=prepare)


# ============================================================================== sensitivity specs

SA = f"""scenario = "{TINY}"
method = "morris"
factors = ["fine_level", "rescue_capacity"]
samples = 4
replicates = 1
seed = 7
outputs = ["deaths"]
[setup]
months = 2
"""


def sensitivity_cases(rng: random.Random) -> Iterator[Case]:
    out: list[tuple[str, str, tuple]] = []

    def add(name, text, needles):
        out.append((name, text, needles))

    for key, line in (("samples", "samples = 4"), ("replicates", "replicates = 1"), ("seed", "seed = 7")):
        for bad in ('"3"', "true", "2.5", "-1", "1" + "0" * 25):
            add(f"{key} = {bad}", SA.replace(line, f"{key} = {bad}"), (key,))
    for key, bad in (("num_levels", "1"), ("num_levels", '"4"'), ("slices", "1"), ("regions", '"yes"'),
                     ("regions", "1"), ("scale", '"big"'), ("title", "3"), ("exclude", '"x"')):
        add(f"{key} = {bad}", f"{key} = {bad}\n" + SA, (key,))
    add("method wrong", SA.replace('method = "morris"', 'method = "fast"'), ("method",))
    for typo, needles in (("samplez = 4", ("samplez", "samples")), ("factor = []", ("factor", "factors")),
                          ("methd = 1", ("methd", "method")), ("output = []", ("output", "outputs"))):
        add(f"typo {typo}", typo + "\n" + SA, needles)
    add("factor unknown", SA.replace('"rescue_capacity"]', '"rescue_capacty"]'), ("factors", "rescue_capacty"))
    add("factor group typo", SA.replace('["fine_level", "rescue_capacity"]', '["lever"]'), ("factors", "lever"))
    add("factors not list", SA.replace('["fine_level", "rescue_capacity"]', '"levers"'), ("factors",))
    add("factors empty", SA.replace('["fine_level", "rescue_capacity"]', "[]"), ("factors",))
    add("exclude unknown", 'exclude = ["nope"]\n' + SA, ("exclude", "nope"))
    for bad, needles in (("[0.5]", ("bounds.fine_level",)), ("[0.5, 99]", ("bounds.fine_level",)),
                         ("[2, 1]", ("bounds.fine_level",)), ('["a", "b"]', ("bounds.fine_level",)),
                         ("[0.5, nan]", ("bounds.fine_level",)), ("3", ("bounds.fine_level",))):
        add(f"bounds {bad}", SA + f"[bounds]\nfine_level = {bad}\n", needles)
    add("bounds unknown", SA + "[bounds]\nfine_levl = [1, 2]\n", ("bounds.fine_levl",))
    add("bounds not a factor", SA + "[bounds]\noptimism = [0.1, 0.2]\n", ("bounds.optimism",))
    for bad, needles in (('"x"', ("fixed.optimism",)), ("99", ("fixed.optimism",)), ("nan", ("fixed.optimism",))):
        add(f"fixed {bad}", SA + f"[fixed]\noptimism = {bad}\n", needles)
    add("fixed unknown", SA + "[fixed]\noptimsm = 0.3\n", ("fixed.optimsm",))
    for bad, needles in (('["deths"]', ("outputs", "deths")), ('["deaths__east"]', ("outputs", "east")),
                         ("[]", ("outputs",)), ('"deaths"', ("outputs",)), ("[1]", ("outputs",))):
        add(f"outputs {bad}", SA.replace('["deaths"]', bad), needles)
    add("setup unknown", SA.replace("months = 2", "monthz = 2"), ("setup.monthz", "months"))
    add("setup out of range", SA.replace("months = 2", "months = 0"), ("months",))
    add("setup str", SA.replace("months = 2", 'months = "2"'), ("months",))
    add("scenario missing", SA.replace(f'scenario = "{TINY}"', 'scenario = "nope.toml"'), ("scenario", "nope.toml"))
    add("scenario folder", SA.replace(f'scenario = "{TINY}"', 'scenario = "."'), ("scenario",))
    add("scenario = 3", SA.replace(f'scenario = "{TINY}"', "scenario = 3"), ("scenario",))
    add("both scenario and model", 'model = "experiments.sensitivity.testfunctions:ishigami"\n' + SA, ("scenario",))
    add("neither", SA.replace(f'scenario = "{TINY}"\n', ""), ("scenario",))
    for bad in ('"nosuch.mod:f"', '"bad path"', '"os:path"'):
        add(f"model {bad}", SA.replace(f'scenario = "{TINY}"', f"model = {bad}"), ("model",))
    add("sobol not power of 2", SA.replace('"morris"', '"sobol"').replace("samples = 4", "samples = 6"), ("samples",))
    add("pawn too few", SA.replace('"morris"', '"pawn"').replace("samples = 4", "samples = 5"), ("samples",))
    add("morris 10^6", SA.replace("samples = 4", "samples = 1000000"), ("samples", "limit"))
    add("sobol 2^19 x 5", SA.replace('"morris"', '"sobol"').replace("samples = 4", "samples = 524288")
        .replace("replicates = 1", "replicates = 5"), ("samples", "limit"))
    add("not TOML", SA + "= 3\n", ("TOML",))
    for name, text, needles in out:
        yield Case("sensitivity specs", name, ["sensitivity", "{d}/spec.toml", "--out", "{d}/out", "--quiet",
                                               "--workers", "0"], {"spec.toml": text}, ("spec.toml", *needles))


# ============================================================================== calibration specs and targets

CAL = f"""scenario = "{HISTORICAL}"
targets = "{TARGETS}"
methods = ["point"]
seed = 2015
holdout_after = 2021
reference_enterprises = "auto"
output_scenario = "cal.toml"
[setup]
agents = 300
enterprises_per_agent = 4000
[also_run.baseline]
scenario = "{BASELINE}"
setup = {{ months = 12, warmup_months = 2 }}
[parameters.base_incident_rate]
prior = "loguniform"
[parameters.severity_scale]
prior = "uniform"
[point]
replicates = 1
max_evaluations = 5
"""


def calibration_cases(rng: random.Random) -> Iterator[Case]:
    out: list[tuple[str, str, tuple]] = []

    def add(name, text, needles):
        out.append((name, text, needles))

    for bad in ("-5", "0", "nan", "inf", "-inf", '"3"', "true", "1e12", '"all"'):
        add(f"reference_enterprises = {bad}", CAL.replace('"auto"', bad, 1), ("reference_enterprises",))
    for bad in ('"3"', "true", "-1", "1.5", "1" + "0" * 25):
        add(f"seed = {bad}", CAL.replace("seed = 2015", f"seed = {bad}"), ("seed",))
    for bad in ("[]", '["abc"]', '["point", "point"]', '"point"', "[1]"):
        add(f"methods = {bad}", CAL.replace('methods = ["point"]', f"methods = {bad}"), ("methods",))
    for bad in ('"2021"', "1800", "true"):
        add(f"holdout_after = {bad}", CAL.replace("holdout_after = 2021", f"holdout_after = {bad}"), ("holdout_after",))
    add("holdout before every target", CAL.replace("holdout_after = 2021", "holdout_after = 1995"), ("holdout_after",))
    add("allow_recalled yes", 'allow_recalled = "yes"\n' + CAL, ("allow_recalled",))
    add("parameters empty", CAL.split("[parameters.")[0] + "[parameters]\n[point]\nreplicates = 1\n", ("parameters",))
    add("parameter unknown", CAL.replace("[parameters.severity_scale]", "[parameters.severity_scal]"),
        ("parameters.severity_scal", "severity_scale"))
    add("parameter is a lever", CAL.replace("[parameters.severity_scale]", "[parameters.fine_level]"),
        ("parameters.fine_level", "lever"))
    add("prior unknown", CAL.replace('prior = "uniform"', 'prior = "normal"'), ("prior",))
    add("prior low > high", CAL.replace('prior = "uniform"', 'prior = "uniform"\nlow = 2.0\nhigh = 1.0'),
        ("severity_scale",))
    add("prior low outside", CAL.replace('prior = "uniform"', 'prior = "uniform"\nlow = 0.0001'), ("severity_scale",))
    add("prior low str", CAL.replace('prior = "uniform"', 'prior = "uniform"\nlow = "x"'), ("low",))
    add("prior low nan", CAL.replace('prior = "uniform"', 'prior = "uniform"\nlow = nan'), ("low",))
    add("prior unknown key", CAL.replace('prior = "uniform"', 'prior = "uniform"\nmean = 1'), ("mean",))
    add("fixed unknown", CAL + "[fixed]\noptimsm = 0.3\n", ("fixed.optimsm",))
    add("fixed lever", CAL + "[fixed]\nfine_level = 1.0\n", ("fixed.fine_level",))
    add("fixed out of range", CAL + "[fixed]\noptimism = 99\n", ("fixed.optimism",))
    add("fixed str", CAL + '[fixed]\noptimism = "x"\n', ("fixed.optimism",))
    add("fixed also free", CAL + "[fixed]\nseverity_scale = 1.0\n", ("fixed.severity_scale",))
    add("setup unknown", CAL.replace("agents = 300", "agentz = 300"), ("setup.agentz", "agents"))
    add("setup agents 0", CAL.replace("agents = 300", "agents = 0"), ("agents",))
    add("setup months str", CAL.replace("agents = 300", 'agents = 300\nmonths = "x"'), ("months",))
    add("setup = 3", CAL.replace("[setup]\nagents = 300\nenterprises_per_agent = 4000\n", "").replace(
        'output_scenario = "cal.toml"', 'output_scenario = "cal.toml"\nsetup = 3'), ("setup",))
    add("setup months too short", CAL.replace("agents = 300", "agents = 300\nmonths = 12"), ("targets",))
    for key, bad in (("population", "1"), ("population", '"100"'), ("generations", "0"), ("max_simulations", "1000000000"),
                     ("min_epsilon", "-1"), ("min_epsilon", "nan"), ("batch", "0"), ("populaton", "10")):
        add(f"abc.{key} = {bad}", CAL + f"[abc]\n{key} = {bad}\n", (key,))
    for key, bad in (("replicates", "0"), ("max_evaluations", "true"), ("starts", "99"), ("replicats", "2")):
        add(f"point.{key} = {bad}", CAL.replace("replicates = 1\nmax_evaluations = 5", f"{key} = {bad}"), (key,))
    add("scenario missing", CAL.replace(f'scenario = "{HISTORICAL}"', 'scenario = "nope.toml"'), ("scenario", "nope.toml"))
    add("scenario folder", CAL.replace(f'scenario = "{HISTORICAL}"', 'scenario = "."'), ("scenario",))
    add("scenario /dev/zero", CAL.replace(f'scenario = "{HISTORICAL}"', 'scenario = "/dev/zero"'), ("scenario",))
    add("targets missing", CAL.replace(f'targets = "{TARGETS}"', 'targets = "nope.toml"'), ("targets", "nope.toml"))
    add("targets folder", CAL.replace(f'targets = "{TARGETS}"', 'targets = "."'), ("targets",))
    add("output_scenario = 3", CAL.replace('output_scenario = "cal.toml"', "output_scenario = 3"), ("output_scenario",))
    add("output_scenario under /nonexistent", CAL.replace('output_scenario = "cal.toml"',
                                                          'output_scenario = "/nonexistent/dir/x.toml"'), ("output_scenario",))
    add("output_scenario folder", CAL.replace('output_scenario = "cal.toml"', 'output_scenario = "."'), ("output_scenario",))
    add("typo methds", "methds = []\n" + CAL, ("methds", "methods"))
    add("typo paramters", CAL.replace("[parameters.base_incident_rate]", "[paramters.base_incident_rate]"), ("paramters",))
    add("no scenario", CAL.replace(f'scenario = "{HISTORICAL}"\n', ""), ("scenario",))
    for name, text, needles in out:
        yield Case("calibration specs", name, ["calibrate", "{d}/spec.toml", "--out", "{d}/out", "--quiet"],
                   {"spec.toml": text}, ("spec.toml", *needles), cleanup=lambda d: None)


GOOD_TARGET = {"name": "t", "metric": "deaths", "period": "2016", "observation": "count", "value": 300,
               "assumption": "the same accidents are counted"}


def targets_cases(rng: random.Random) -> Iterator[Case]:
    def render(items: list[dict], extra: str = "") -> str:
        lines = [extra]
        for item in items:
            lines.append("[[target]]")
            for k, v in item.items():
                lines.append(f"{k} = {v if isinstance(v, str) and v.startswith(('{', '[', '@')) else _toml_value(v)}"
                             .replace("= @", "= "))
        return "\n".join(lines) + "\n"

    out: list[tuple[str, str, tuple]] = []

    def add(name, changes: dict, needles, items=None, extra=""):
        item = {**GOOD_TARGET, **changes}
        item = {k: v for k, v in item.items() if v is not None}
        out.append((name, render(items if items is not None else [item], extra), needles))

    for bad in ("@nan", "@inf", "x", "@true", -5, "@[1]"):
        add(f"value {bad}", {"value": bad}, ("value",))
    add("share 1.5", {"observation": "share", "value": 1.5, "tolerance": 0.1, "denominator": "accidents"}, ("value",))
    add("metric unknown", {"metric": "deths"}, ("metric", "deths"))
    add("metric sum unknown", {"metric": "deaths+acidents"}, ("metric",))
    add("scope bad", {"scope": "county:X"}, ("scope",))
    add("scope city unknown", {"scope": "city:Nantongg"}, ("scope",))
    add("period bad", {"period": "20x6"}, ("period",))
    add("period reversed", {"period": "2020-2016"}, ("period",))
    add("change for count", {"period": "2015->2020"}, ("only for relative_change",))
    add("change without tolerance", {"observation": "relative_change", "period": "2015->2020", "value": -50,
                                     "scope_break_adjust": 1.0}, ("tolerance",))
    add("missing assumption", {"assumption": None}, ("assumption",))
    add("empty assumption", {"assumption": ""}, ("assumption",))
    add("typo asumption", {"asumption": "x"}, ("asumption",))
    add("dispersion 0", {"dispersion": 0}, ("dispersion",))
    add("scale -1", {"scale": -1}, ("scale",))
    add("scale inf", {"scale": "@inf"}, ("scale",))
    add("family unknown", {"family": "normal"}, ("family",))
    add("value and data", {"data": '@{ file = "jiangsu_facts.csv", scope = "Nantong", period = "2018", metric = "deaths_all" }'},
        ("exactly one",))
    add("data_from alone", {"value": None, "observation": "relative_change", "period": "2015->2020", "tolerance": 5,
                            "data_from": '@{ file = "x.csv" }'}, ("data_from",))
    add("recalled without opt-in", {"confidence": "recalled"}, ("confidence", "recalled"))
    add("weight str", {"weight": "1"}, ("weight",))
    add("duplicate names", {}, ("name",), items=[GOOD_TARGET, GOOD_TARGET])
    add("no targets", {}, ("target",), items=[])
    add("unknown top key", {}, ("targts",), extra="targts = 3")
    add("target = 3", {}, ("target",), items=[], extra="target = 3")
    add("value huge", {"value": "@1e308", "scale": 1e6}, ("value",))
    add("name 3", {"name": 3}, ("name",))
    for name, text, needles in out:
        spec = CAL.replace(f'targets = "{TARGETS}"', 'targets = "targets.toml"')
        yield Case("targets files", name, ["calibrate", "{d}/spec.toml", "--out", "{d}/out", "--quiet"],
                   {"spec.toml": spec, "targets.toml": text}, ("targets.toml", *needles))


# ============================================================================== CLI flags


def _make_readonly(d: Path) -> None:
    ro = d / "ro"
    ro.mkdir()
    if os.geteuid() == 0 and shutil.which("chattr"):
        subprocess.run(["chattr", "+i", str(ro)], check=False, capture_output=True)
    else:
        ro.chmod(0o555)


def _undo_readonly(d: Path) -> None:
    ro = d / "ro"
    if ro.exists():
        if os.geteuid() == 0 and shutil.which("chattr"):
            subprocess.run(["chattr", "-i", str(ro)], check=False, capture_output=True)
        ro.chmod(0o755)


def _readonly_works(base: Path) -> bool:
    probe = base / "probe"
    probe.mkdir()
    _make_readonly(probe)
    ok = not os.access(probe / "ro", os.W_OK)
    _undo_readonly(probe)
    shutil.rmtree(probe, ignore_errors=True)
    return ok


def flag_cases(rng: random.Random, readonly: bool = True) -> Iterator[Case]:
    sweep_spec = {"spec.toml": SWEEP}
    sa_spec = {"spec.toml": SA}
    cal_spec = {"spec.toml": CAL}
    t = str(TINY)
    file_here = {"afile": "x"}
    cases: list[tuple] = []

    def add(name, argv, needles, files=None, prepare=None, cleanup=None):
        cases.append((name, argv, needles, files or {}, prepare, cleanup))

    for flag, bad in (("--seed", "-1"), ("--seed", "abc"), ("--seed", "1.5"), ("--seed", str(2**64)),
                      ("--replicate", "-1"), ("--months", "0"), ("--months", "601"), ("--months", "x")):
        add(f"run {flag} {bad}", ["run", t, flag, bad, "--out", "{d}/out"], (flag,))
    outs = [("''", "", ("--out",), None), ("a file", "{d}/afile", ("--out", "afile"), None),
            ("under a file", "{d}/afile/x", ("--out", "afile"), None),
            *([("/nonexistent/a/b", "/nonexistent/a/b", ("--out", "nonexistent"), None)]
              if not os.path.exists("/nonexistent") else []),
            ("NUL", "{d}/o\x00ut", ("--out",), None), ("long part", "{d}/" + "o" * 300, ("--out",), None)]
    if readonly:
        outs.append(("read-only folder", "{d}/ro/x", ("--out", "ro"), "ro"))
    for cmd, base_argv, files in (("run", ["run", t, "--no-figures"], {}),
                                  ("experiment rct", ["experiment", "rct", t], {}),
                                  ("patterns", ["patterns"], {}),
                                  ("compare", ["compare", t, t, "-R", "1", "--quiet"], {}),
                                  ("sweep", ["sweep", "{d}/spec.toml", "--quiet"], sweep_spec),
                                  ("sensitivity", ["sensitivity", "{d}/spec.toml", "--quiet"], sa_spec),
                                  ("calibrate", ["calibrate", "{d}/spec.toml", "--quiet"], cal_spec)):
        for name, value, needles, ro in outs:
            add(f"{cmd} --out {name}", [*base_argv, "--out", value], needles, {**files, **file_here},
                _make_readonly if ro else None, _undo_readonly if ro else None)
    for name, value, needles in (("''", "", ("--scheduler",)), ("garbage", "dask", ("--scheduler",)),
                                 ("tcp://127.0.0.1:", "tcp://127.0.0.1:", ("--scheduler",)),
                                 ("tls://", "tls://", ("--scheduler",)),
                                 ("port 99999", "tcp://127.0.0.1:99999", ("--scheduler",)),
                                 ("unreachable", "tcp://127.0.0.1:1", ("--scheduler", "127.0.0.1:1")),
                                 ("ucx", "ucx://host:1", ("--scheduler",)),
                                 ("no such host", "tcp://no-such-host.invalid:8786", ("--scheduler",))):
        for cmd, base_argv, files in (("compare", ["compare", t, t, "-R", "1", "--quiet", "--out", "{d}/out"], {}),
                                      ("sweep", ["sweep", "{d}/spec.toml", "--quiet", "--out", "{d}/out"], sweep_spec),
                                      ("calibrate", ["calibrate", "{d}/spec.toml", "--quiet", "--out", "{d}/out"], cal_spec)):
            if cmd == "calibrate" and name in ("''", "ucx", "port 99999"):
                continue
            add(f"{cmd} --scheduler {name}", [*base_argv, "--scheduler", value], needles, files)
    add("sensitivity --scheduler unreachable", ["sensitivity", "{d}/spec.toml", "--out", "{d}/out", "--scheduler",
                                                "tcp://127.0.0.1:1"], ("--scheduler",), sa_spec)
    compare = ["compare", t, t, "--out", "{d}/out", "--quiet"]
    for flag, bad in (("-R", "0"), ("-R", "-1"), ("-R", "x"), ("--seed", "-1"), ("--agents", "5"), ("--months", "0"),
                      ("--workers", "-1"), ("--workers", "5000"), ("--workers", "x"), ("--chunk-size", "0")):
        add(f"compare {flag} {bad}", [*compare, flag, bad], (flag if flag != "-R" else "--replicates",))
    add("compare one scenario", ["compare", t, "--out", "{d}/out"], ("SCENARIO",))
    add("compare unknown name", ["compare", t, "nosuchscenario", "--out", "{d}/out"], ("nosuchscenario",))
    add("compare --model bad", [*compare, "--model", "nosuch:f"], ("--model",))
    sa = ["sensitivity", "{d}/spec.toml", "--out", "{d}/out", "--quiet"]
    for flag, bad in (("--method", "x"), ("--samples", "1"), ("--samples", "10000000"), ("--replicates", "0"),
                      ("--outputs", ""), ("--outputs", ",,"), ("--seed", "-1"), ("--workers", "-1")):
        add(f"sensitivity {flag} {bad!r}", [*sa, flag, bad], (flag,), sa_spec)
    add("sensitivity --outputs nosuch", [*sa, "--outputs", "nosuch"], ("outputs", "nosuch"), sa_spec)
    add("sensitivity --samples 900000 (size)", [*sa, "--samples", "900000"], ("samples", "limit"), sa_spec)
    cal = ["calibrate", "{d}/spec.toml", "--out", "{d}/out", "--quiet"]
    add("calibrate --method x", [*cal, "--method", "x"], ("--method",), cal_spec)
    add("calibrate --method not in spec", [*cal, "--method", "abc-smc"], ("--method",), cal_spec)
    nonexistent = [] if os.path.exists("/nonexistent") else [
        ("/nonexistent/dir/x.toml", "/nonexistent/dir/x.toml", ("--scenario-out", "nonexistent"), False)]
    for name, value, needles, ro in (("''", "", ("--scenario-out",), False), *nonexistent,
                                     ("a folder", "{d}", ("--scenario-out", "folder"), False),
                                     ("under a file", "{d}/afile/x.toml", ("--scenario-out", "afile"), False),
                                     ("read-only folder", "{d}/ro/x.toml", ("--scenario-out", "ro"), True)):
        if ro and not readonly:
            continue
        add(f"calibrate --scenario-out {name}", [*cal, "--scenario-out", value], needles, {**cal_spec, **file_here},
            _make_readonly if ro else None, _undo_readonly if ro else None)
    for name, argv, needles, files in (("results --failures -1", ["results", "{d}", "--failures", "-1"], ("--failures",), {}),
                                       ("results --failures x", ["results", "{d}", "--failures", "x"], ("--failures",), {}),
                                       ("results missing", ["results", "{d}/nope"], ("nope",), {}),
                                       ("results a file", ["results", "{d}/afile"], ("afile",), file_here),
                                       ("results not a store", ["results", "{d}"], ("not an experiment folder",), {}),
                                       ("results ''", ["results", ""], ("results",), {}),
                                       ("levers --kind x", ["levers", "--kind", "x"], ("--kind",), {}),
                                       ("levers --format x", ["levers", "--format", "x"], ("--format",), {}),
                                       ("dashboard --port 0", ["dashboard", "--port", "0"], ("--port",), {}),
                                       ("dashboard --port 70000", ["dashboard", "--port", "70000"], ("--port",), {}),
                                       ("dashboard --port x", ["dashboard", "--port", "x"], ("--port",), {}),
                                       ("dashboard --host ''", ["dashboard", "--host", ""], ("--host",), {}),
                                       ("dashboard --host 'a b'", ["dashboard", "--host", "a b"], ("--host",), {}),
                                       ("dashboard --lang xx", ["dashboard", "--lang", "xx"], ("--lang",), {}),
                                       ("unknown command", ["nope"], ("nope",), {}),
                                       ("unknown flag", ["run", "--nope"], ("--nope",), {}),
                                       ("validate nothing", ["validate"], ("FILE",), {}),
                                       ("sweep spec ''", ["sweep", ""], ("spec",), {}),
                                       ("sweep spec folder", ["sweep", "{d}", "--out", "{d}/out"], ("folder",), {}),
                                       ("sweep spec /dev/zero", ["sweep", "/dev/zero", "--out", "{d}/out"], ("/dev/zero",), {}),
                                       ("sensitivity spec missing", ["sensitivity", "{d}/no.toml", "--out", "{d}/out"],
                                        ("no.toml",), {}),
                                       ("calibrate spec long", ["calibrate", "{d}/" + "c" * 300 + ".toml"], ("spec",), {}),
                                       ("run scenario ''", ["run", ""], ("scenario",), {}),
                                       ("run scenario NUL", ["run", "a\x00b"], ("scenario",), {}),
                                       ("run scenario long", ["run", "s" * 5000], ("scenario",), {})):
        add(name, argv, needles, files)
    for name, argv, needles, files, prepare, cleanup in cases:
        yield Case("CLI flags", name, argv, files, needles, prepare=prepare, cleanup=cleanup)


def all_cases(seed: int = 14, readonly: bool = True) -> list[Case]:
    rng = random.Random(seed)
    out: list[Case] = []
    for gen in (scenario_cases, sweep_cases, sensitivity_cases, calibration_cases, targets_cases):
        out += list(gen(rng))
    out += list(flag_cases(rng, readonly=readonly))
    return out


# ============================================================================== harness


class Reached(Exception):  # noqa: N818 - a signal, not an error
    """The command got past its checks to the expensive work (a stub raised this)."""


class CaseTimeout(BaseException):  # BaseException: no `except Exception` in the code swallows it
    """A case ran longer than its time limit (a hang: e.g. reading a FIFO)."""


CASE_SECONDS = 30.0


def _on_alarm(signum, frame):
    raise CaseTimeout()


def _snapshot(d: Path) -> set[str]:
    seen = set()
    for root, dirs, files in os.walk(d):
        for name in dirs + files:
            seen.add(os.path.relpath(os.path.join(root, name), d))
    return seen


@contextlib.contextmanager
def stubs():
    """Replace the work of every command with ``Reached`` (checks before work stay real)."""
    import calibration.pipeline
    import experiments.runner
    import safegov.commands.run
    import safegov.dashboard.server

    def reached(*args, **kwargs):
        raise Reached()

    def serve(host="127.0.0.1", port=8765, lang="zh"):
        safegov.dashboard.server.check_port(host, port)
        raise Reached()

    saved = [(safegov.commands.run, "run_scenario"), (experiments.runner, "make_executor"),
             (calibration.pipeline, "calibrate"), (safegov.dashboard.server, "serve")]
    for module_name, attr in (("experiments.rct", "run"), ("calibration.patterns", "run_battery")):
        with contextlib.suppress(ImportError):  # commands that not every version has
            import importlib

            saved.append((importlib.import_module(module_name), attr))
    old = [(m, a, getattr(m, a)) for m, a in saved if hasattr(m, a)]
    for m, a, _ in old:
        setattr(m, a, reached)
    safegov.dashboard.server.serve = serve
    try:
        yield
    finally:
        for m, a, v in old:
            setattr(m, a, v)


def run_case(case: Case, base: Path) -> Outcome:
    from safegov.cli import main

    d = Path(tempfile.mkdtemp(prefix="case-", dir=base))
    for rel, content in case.files.items():
        path = d / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    if case.prepare:
        case.prepare(d)
    before = _snapshot(d)
    nonexistent_before = os.path.exists("/nonexistent")
    argv = [a.replace("{d}", str(d)) for a in case.argv]
    err, out = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(d)
    code: int | None = None
    escaped = ""
    import signal

    old_handler = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, CASE_SECONDS)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            try:
                code = main(argv)
            except SystemExit as exc:
                code = int(exc.code) if isinstance(exc.code, int) else 2
            except Reached:
                code = -1
            except CaseTimeout:
                escaped = f"hang: no answer within {CASE_SECONDS:g} s"
            except BaseException as exc:  # a traceback the user would have seen
                escaped = f"{type(exc).__name__}: {str(exc)[:200]}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
        os.chdir(cwd)
        wrote_outside = not nonexistent_before and os.path.exists("/nonexistent")
        if case.cleanup:
            case.cleanup(d)
    after = _snapshot(d)
    shutil.rmtree(d, ignore_errors=True)
    text = err.getvalue()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if escaped.startswith("hang"):
        return Outcome(case, "hang", escaped)
    if escaped or "Traceback" in text:
        return Outcome(case, "traceback", escaped or text.strip().splitlines()[-1])
    if case.expect == "ok":
        return Outcome(case, "ok" if code == 0 else f"exit-{code}", text.strip()[:300])
    if code == -1 or code == 0:
        return Outcome(case, "accepted", f"exit {code}; {text.strip()[:200]}")
    if code != 2:
        return Outcome(case, f"exit-{code}", text.strip()[:300])
    if len(lines) != 1:
        return Outcome(case, "multi-line", text.strip()[:400])
    missing = [n for n in case.needles if n not in lines[0]]
    if missing:
        return Outcome(case, "missing-words", f"{missing} not in: {lines[0][:300]}")
    if after != before or wrote_outside:
        new = sorted(after - before)[:5] or (["/nonexistent"] if wrote_outside else sorted(before - after)[:5])
        return Outcome(case, "wrote", f"{new}: {lines[0][:200]}")
    return Outcome(case, "clean", lines[0])


def run_all(cases: list[Case]) -> list[Outcome]:
    import warnings

    base = Path(tempfile.mkdtemp(prefix="safegov-fuzz-"))
    try:
        with stubs(), warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return [run_case(c, base) for c in cases]
    finally:
        for root, dirs, _ in os.walk(base):
            for name in dirs:
                p = Path(root) / name
                if p.name == "ro":
                    _undo_readonly(p.parent)
        shutil.rmtree(base, ignore_errors=True)


def table(outcomes: list[Outcome]) -> str:
    lines = ["| category | tried | clean | not clean (by kind) |", "|---|---:|---:|---|"]
    for cat in CATEGORIES:
        mine = [o for o in outcomes if o.case.category == cat]
        if not mine:
            continue
        bad: dict[str, int] = {}
        for o in mine:
            if not o.clean:
                bad[o.verdict] = bad.get(o.verdict, 0) + 1
        lines.append(f"| {cat} | {len(mine)} | {sum(o.clean for o in mine)} | "
                     + (", ".join(f"{n} {k}" for k, n in sorted(bad.items())) or "-") + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse
    import time

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=3, help="failing cases shown per category")
    parser.add_argument("--memory-gb", type=float, default=None,
                        help="address-space limit for this process (measuring code that may fill memory)")
    args = parser.parse_args(argv)
    if args.memory_gb:
        import resource

        limit = int(args.memory_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    started = time.perf_counter()
    base = Path(tempfile.mkdtemp(prefix="safegov-fuzz-probe-"))
    readonly = _readonly_works(base)
    shutil.rmtree(base, ignore_errors=True)
    outcomes = run_all(all_cases(readonly=readonly))
    print(table(outcomes))
    print(f"\n{len(outcomes)} cases in {time.perf_counter() - started:.1f} s")
    for cat in CATEGORIES:
        bad = [o for o in outcomes if o.case.category == cat and not o.clean]
        for o in bad[: args.show]:
            print(f"  [{cat}] {o.case.name}: {o.verdict}: {o.detail}")
    return 0 if all(o.clean for o in outcomes) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
