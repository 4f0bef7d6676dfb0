"""Command-line output: piping into head ends quietly; columns align by display width."""

from __future__ import annotations

import subprocess
import sys

from experiments.reporting.terminal import display_width, pad, table


def test_levers_piped_into_head_exits_cleanly():
    """The reader closes the pipe after one line: no BrokenPipeError traceback, exit status 0."""
    proc = subprocess.run(f"'{sys.executable}' -m safegov.cli levers | head -n 1; exit ${{PIPESTATUS[0]}}",
                          shell=True, executable="/bin/bash", capture_output=True, text=True, timeout=120)
    assert proc.stdout.startswith("POLICY LEVERS")
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr, proc.stderr
    assert proc.returncode == 0
    closed = subprocess.Popen([sys.executable, "-m", "safegov.cli", "levers", "--format", "csv"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    closed.stdout.close()  # nobody reads at all
    assert closed.wait(timeout=120) == 0 and closed.stderr.read() == b""


def test_levers_columns_align_after_chinese_names(capsys):
    from safegov.cli import main
    from sim import params

    assert main(["levers", "--kind", "lever"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[2:] if line.strip()}
    starts = set()
    for p in params.LEVERS:
        line = lines[p.name]
        chinese_end = line.index(p.zh) + len(p.zh)
        mechanism_at = line.index(p.mechanism, chinese_end)
        starts.add(display_width(line[:mechanism_at]))  # display columns before the mechanism column
    assert len(starts) == 1, starts


def test_display_width_counts_chinese_as_two_columns():
    assert display_width("abc") == 3 and display_width("死亡") == 4 and display_width("Deaths 死亡") == 11
    assert display_width(pad("死亡", 6)) == 6 and pad("死亡", 6, right=True) == "  死亡"
    text = table(["a", "中文"], [["死亡人数", "1"], ["x", "22"]], right={1})
    widths = {display_width(line) for line in text.splitlines()}
    assert len(widths) == 1, text


def test_run_ends_by_saying_what_to_open_and_run_next(tmp_path, capsys):
    from safegov.cli import main

    out = tmp_path / "run"
    assert main(["run", "tiny", "--months", "12", "--out", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    wrote = next(i for i, line in enumerate(lines) if line.startswith("wrote 9 files"))
    rest = "\n".join(lines[wrote:])
    assert "summary.json" in rest and "deaths_accidents.png" in rest and f"open {out}" in rest
    assert "safegov compare baseline cross_region_enforcement" in rest and "safegov dashboard" in rest
