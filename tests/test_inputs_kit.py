"""The one input kit (sim/inputs.py) and the one atomic write (sim/outputs.py)."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import numpy as np
import pytest

from safegov.cli import main
from sim import inputs, load_scenario
from sim.errors import InputError
from sim.outputs import atomic_text, atomic_write

ROOT = Path(__file__).resolve().parent.parent


def test_bare_scenario_names_load_from_any_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_scenario("baseline").name == "baseline"
    assert load_scenario("tiny.toml").name == "tiny"
    (tmp_path / "tiny.toml").write_text('extends = "baseline"\nname = "mine"\n')  # a file here wins
    assert load_scenario("tiny.toml").name == "mine"
    with pytest.raises(InputError, match="file not found"):
        load_scenario("no_such_scenario")


def test_check_param_is_the_one_bounds_check():
    assert inputs.check_param("blacklist_months", np.int64(18), "f", "k") == 18
    assert inputs.check_param("blacklist_months", 18.0, "f", "k") == 18
    assert inputs.check_param("fine_level", np.float32(1.5), "f", "k") == 1.5
    for bad in ("1", True, float("nan"), float("inf"), 99.0, [1]):
        with pytest.raises(InputError, match=r"expected a number between 0\.2 and 4"):
            inputs.check_param("fine_level", bad, "f", "k")
    with pytest.raises(InputError, match="whole number"):
        inputs.check_param("blacklist_months", 12.5, "f", "k")
    with pytest.raises(InputError, match="did you mean 'fine_level'"):
        inputs.check_param("fine_levle", 1.0, "f", "k")


def test_one_formatter_reports_the_typo_before_the_missing_key(tmp_path):
    from experiments.sweep import load_sweep

    spec = tmp_path / "s.toml"
    spec.write_text('base = "tiny"\n[desing]\nkind = "lhs"\n')
    with pytest.raises(InputError) as exc:
        load_sweep(spec)
    assert exc.value.key == "desing" and "did you mean 'design'" in exc.value.problem


def test_safe_file_names_never_choose_a_folder():
    for name in ("../../x", "/etc/passwd", "a/b", "..", ".hidden", "a\x00b", "n" * 400, ""):
        safe = inputs.safe_file_name(name)
        assert "/" not in safe and not safe.startswith(".") and "\x00" not in safe and 0 < len(safe) <= 80
    assert inputs.safe_file_name("网格化治理") == "网格化治理"


def test_a_scenario_named_like_a_path_writes_inside_outputs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    sc = tmp_path / "n.toml"
    sc.write_text(f'extends = "{ROOT / "scenarios" / "tiny.toml"}"\nname = "../../x"\n[setup]\nagents = 60\n')
    assert main(["run", str(sc), "--months", "1", "--no-figures"]) == 0
    assert (tmp_path / "outputs" / "run-x-0" / "summary.json").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n.toml", "outputs"]


def test_compare_default_folder_stays_inside_outputs(tmp_path, monkeypatch):
    from experiments.compare.run import default_out

    out = default_out([], ["../../x", "a/b"], 3)
    assert out.parent == Path("outputs") and "/" not in out.name and ".." not in out.name


def test_output_places_are_checked_before_work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("x")
    assert inputs.check_output_dir(tmp_path / "new") == tmp_path / "new"  # the last folder may be created
    assert inputs.check_output_dir("deep/er/still") == Path("deep/er/still")  # anything inside the cwd
    for bad, words in ((tmp_path / "afile", "is a file"), (tmp_path / "afile" / "x", "is a file"),
                       ("", "empty"), (f"{tmp_path}/x\x00y", "NUL"), (tmp_path / ("o" * 300), "at most 255"),
                       ("/nonexistent_safegov/a/b", "does not exist")):
        with pytest.raises(InputError, match=words):
            inputs.check_output_dir(bad)
    with pytest.raises(InputError, match="outside"):
        inputs.check_output_dir("outputs/../../x", inside="outputs")
    with pytest.raises(InputError, match="folder"):
        inputs.check_output_file(tmp_path, "--scenario-out")
    assert not Path("/nonexistent_safegov").exists() and not (tmp_path / "new").exists()


def test_scheduler_addresses_are_checked_by_syntax_then_reachability():
    from experiments.runner import check_scheduler, parse_scheduler

    for ok in (None, "pool", "local", "inprocess", "tcp://127.0.0.1:8786", "tls://sched.example:8786",
               "tcp://[::1]:8786"):
        parse_scheduler(ok)
    for bad in ("tcp://127.0.0.1:", "tls://", "tcp://host:99999", "dask", "", "tcp://host", "ucx://h:1"):
        with pytest.raises(InputError, match="--scheduler"):
            parse_scheduler(bad)
    with socket.socket() as s:  # a port with nothing listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(InputError, match=f"127.0.0.1:{port}"):
        check_scheduler(f"tcp://127.0.0.1:{port}")
    assert time.monotonic() - started < inputs_timeout() + 1
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        check_scheduler(f"tcp://127.0.0.1:{server.getsockname()[1]}")  # reachable: no error


def inputs_timeout() -> float:
    from experiments.runner import SCHEDULER_TIMEOUT_S

    return SCHEDULER_TIMEOUT_S


def test_read_toml_limits(tmp_path):
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 30 + "]" * 30)
    with pytest.raises(InputError, match="nested"):
        inputs.read_toml(deep)
    big = tmp_path / "big.toml"
    big.write_text("x = 18446744073709551616\n")
    with pytest.raises(InputError, match="x: integer out of range"):
        inputs.read_toml(big)
    fifo = tmp_path / "p.toml"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        inputs.read_toml(fifo)  # refused, not waited on
    with pytest.raises(InputError, match="not a regular file"):
        inputs.read_toml("/dev/zero")


def test_atomic_write_never_leaves_its_temporary_file(tmp_path):
    target = tmp_path / "summary.json"
    atomic_text(target, "old")

    def half_then_fail(p):
        Path(p).write_text("half a fi")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, half_then_fail)
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["summary.json"]

    def interrupted(p):
        Path(p).write_text("x")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, interrupted)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.json"]


def test_there_is_one_atomic_write():
    """No module writes its own temporary-then-rename files any more."""
    offenders = []
    for folder in ("sim", "experiments", "calibration", "safegov"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if path.name != "outputs.py" and (".tmp-" in text or "os.replace(" in text or ".replace(path)" in text):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == [], offenders
