"""Crash-safe, resumable, self-describing results store of a batch of runs.

Layout of an experiment folder::

    DIR/
      manifest.json        design, root seed(s), seeding rule, package versions, git commit,
                           scenario texts, one entry per batch started on this folder
      plan.parquet         every planned run: run_id, design_point, label, replicate, seed,
                           scenario, model, overrides (JSON object), setup (JSON object),
                           schedule (JSON), and one column per resolved parameter
      runs/<chunk>.parquet one row per run of a chunk: run_id, design_point, label, replicate,
                           seed, state (done | failed), error (traceback), elapsed_s, outcomes...
      series/<chunk>.parquet annual tidy rows of the chunk's runs: run_id, label, year, region,
                           city, metric, value
      results.duckdb       DuckDB views over the Parquet files (outcomes, runs, attempts, series,
                           plan), with paths relative to DIR: a copied folder still opens
      schema.md            every column with its unit and how it aggregates (sim/outcomes.py)
      quarantine/          damaged files moved aside, with log.txt saying when and why
      .lock                held by the batch writing the folder (a second writer is refused)

Every file is written under a temporary name (``sim.outputs.atomic_write``) and renamed into
place. A chunk's series file is renamed first and its runs file last, so a chunk counts only
once its runs file exists; readers never look at temporary files and ignore series files
without a runs file. A batch killed at any point therefore leaves only complete chunks, and
rerunning it skips exactly the runs recorded as done.

Healing (``Store.heal``, run by every batch under its lock, and by ``safegov results``): a
damaged manifest or plan is moved to ``quarantine/`` (the batch rebuilds both from its spec; the
finished runs are kept); a runs or series chunk that cannot be read is moved there with its
partner file, so its runs count as missing and are redone; small chunk files left behind by an
interrupted compaction (their runs are in a ``compact-*`` file already) are deleted. Readers keep
one row per run: the first done attempt in file-name order, else the last failed one.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import uuid
import warnings
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute
import pyarrow.parquet as pq

from experiments.spec import RunSpec
from sim.errors import StoreError
from sim.outputs import TMP_MARK, atomic_json, atomic_text, atomic_write

META_COLUMNS = ("run_id", "design_point", "label", "replicate", "seed")
STATE_COLUMNS = ("state", "error", "elapsed_s", "code_version")
SERIES_COLUMNS = ("run_id", "label", "year", "region", "city", "metric", "value")
PLAN_COLUMNS = ("run_id", "design_point", "label", "replicate", "seed", "scenario", "model", "overrides", "setup",
                "schedule")
COMPACT_PREFIX = "compact-"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


#: fsync chunk files before renaming them (survives power loss, not only a killed process);
#: costs about 4 ms per file. Manifest and plan are always synced. SAFEGOV_FSYNC=1 turns it on.
FSYNC_CHUNKS = os.environ.get("SAFEGOV_FSYNC", "") == "1"


def write_json(path: Path, data: dict) -> None:
    atomic_json(path, data, sync=True)


def _atomic(path: Path, write, sync: bool = True) -> None:
    """The old name of ``sim.outputs.atomic_write`` (code written against it keeps working)."""
    atomic_write(path, write, sync=sync)


def _warn(message: str) -> None:
    warnings.warn(message, RuntimeWarning, stacklevel=3)


def _read_tables(files: list[Path], columns: list[str] | None = None) -> pa.Table | None:
    tables = []
    for f in files:
        try:
            t = pq.read_table(f) if columns is None else _read_some(f, columns)
        except FileNotFoundError:  # merged away by a compaction meanwhile
            continue
        except (pa.ArrowException, OSError) as exc:  # e.g. truncated by a power loss: healed by the next batch
            _warn(f"skipping unreadable store file {f} ({type(exc).__name__}); the next batch on this folder "
                  "moves it to quarantine/ and redoes its runs")
            continue
        tables.append(t.append_column("_chunk", pa.array([f.stem] * t.num_rows, pa.string())))
    if not tables:
        return None
    return pa.concat_tables(tables, promote_options="permissive")


def _read_some(path: Path, columns: list[str]) -> pa.Table:
    names = pq.read_schema(path).names
    return pq.read_table(path, columns=[c for c in columns if c in names], use_threads=False, pre_buffer=False)


def _one_per_run(df: pd.DataFrame) -> pd.DataFrame:
    """One attempt per run: the first done one in chunk order, else the last failed one."""
    if not len(df):
        return df
    done = df[df["state"] == "done"].sort_values(["run_id", "_chunk"], kind="stable").drop_duplicates(
        "run_id", keep="first")
    failed = df[(df["state"] != "done") & ~df["run_id"].isin(set(done["run_id"]))]
    failed = failed.sort_values(["run_id", "_chunk"], kind="stable").drop_duplicates("run_id", keep="last")
    return pd.concat([done, failed]) if len(failed) else done


class Store:
    """An experiment folder (see the module docstring). Reading never needs the batch to be done."""

    def __init__(self, store_dir: str | Path):
        self.dir = Path(store_dir)
        self.runs_dir = self.dir / "runs"
        self.series_dir = self.dir / "series"
        self.quarantine_dir = self.dir / "quarantine"
        self.manifest_path = self.dir / "manifest.json"
        self.plan_path = self.dir / "plan.parquet"
        self.lock_path = self.dir / ".lock"
        self._lock_fd: int | None = None

    # ------------------------------------------------------------------ files
    def exists(self) -> bool:
        return self.manifest_path.exists() or self.plan_path.exists() or bool(self.run_files())

    def run_files(self) -> list[Path]:
        if not self.runs_dir.is_dir():
            return []
        return sorted(p for p in self.runs_dir.glob("*.parquet") if not p.name.startswith("."))

    def series_files(self) -> list[Path]:
        """Series files of committed chunks only."""
        committed = {p.stem for p in self.run_files()}
        if not self.series_dir.is_dir():
            return []
        return sorted(p for p in self.series_dir.glob("*.parquet")
                      if not p.name.startswith(".") and p.stem in committed)

    def clean(self) -> None:
        """Remove temporary files and series files of chunks that never committed."""
        committed = {p.stem for p in self.run_files()}
        for folder in (self.dir, self.runs_dir, self.series_dir):
            if folder.is_dir():
                for p in folder.glob(f".*{TMP_MARK}*"):
                    p.unlink(missing_ok=True)
        if self.series_dir.is_dir():
            for p in self.series_dir.glob("*.parquet"):
                if p.stem not in committed:
                    p.unlink(missing_ok=True)

    # ------------------------------------------------------------------ lock
    def lock(self) -> None:
        """Become the one writer of this folder, or raise StoreError (one line) naming the other.

        A POSIX record lock on ``.lock``: held by this process only (forked workers do not
        inherit it) and released by the kernel when the process ends, even by SIGKILL.
        """
        import fcntl

        if self._lock_fd is not None:
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            try:
                holder = os.pread(fd, 500, 0).decode("utf-8", "replace").strip() or "another process"
            finally:
                os.close(fd)
            raise StoreError(str(self.dir), None, f"another batch is writing this folder ({holder}); wait for it "
                             "to finish, or use another --out") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} since {now()}: {' '.join(sys.argv)[:300]}\n".encode(), 0)
        self._lock_fd = fd

    def try_lock(self) -> bool:
        """``lock()`` if the folder is free and writable; False otherwise (never raises)."""
        try:
            self.lock()
            return True
        except (StoreError, OSError):
            return False

    def unlock(self) -> None:
        if self._lock_fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._lock_fd, 0)
        os.close(self._lock_fd)  # closing releases the record lock
        self._lock_fd = None

    @contextlib.contextmanager
    def locked(self):
        self.lock()
        try:
            yield self
        finally:
            self.unlock()

    # ------------------------------------------------------------------ healing
    def quarantine(self, path: Path, reason: str) -> Path:
        """Move a damaged file to quarantine/ (never deleted: a person may want to look at it)."""
        self.quarantine_dir.mkdir(parents=True, exist_ok=True)
        rel = path.relative_to(self.dir)
        target = self.quarantine_dir / f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{'-'.join(rel.parts)}"
        if target.exists():
            target = target.with_name(f"{target.name}-{uuid.uuid4().hex[:6]}")
        shutil.move(str(path), str(target))
        with open(self.quarantine_dir / "log.txt", "a", encoding="utf-8") as log:
            log.write(f"{now()}  {rel} -> {target.name}: {reason}\n")
        return target

    def heal(self) -> list[str]:
        """Detect and repair damage (see the module docstring); returns one line per repair.

        Call it holding the lock. What cannot be repaired here is rebuilt by the next batch:
        the manifest and the plan from its spec, quarantined runs by running them again.
        """
        notes: list[str] = []
        if not self.dir.is_dir():
            return notes
        self.clean()
        if self.manifest_path.exists():
            try:
                data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
                if not isinstance(data, dict):
                    raise ValueError("not a JSON object")
            except (ValueError, OSError) as exc:
                self.quarantine(self.manifest_path, f"unreadable ({type(exc).__name__}: {str(exc)[:120]})")
                notes.append(f"{self.manifest_path} was damaged: moved to quarantine/; the next batch writes a new one")
        if self.plan_path.exists():
            try:
                plan = pq.read_table(self.plan_path)
                missing = {"run_id", "scenario", "model", "overrides", "setup"} - set(plan.column_names)
                if missing:
                    raise ValueError(f"columns missing: {', '.join(sorted(missing))}")
            except (pa.ArrowException, OSError, ValueError) as exc:
                self.quarantine(self.plan_path, f"unreadable ({type(exc).__name__}: {str(exc)[:120]})")
                notes.append(f"{self.plan_path} was damaged: moved to quarantine/; rerun the command that made this "
                             "store to rebuild it from its spec (finished runs are kept)")
        for f in self.run_files():
            series = self.series_dir / f"{f.stem}.parquet"
            reason = _unreadable(f, ["run_id", "state"])
            if reason is None and series.exists():
                reason = _unreadable(series, ["run_id"])
                reason = reason and f"its series file is {reason}"
            if reason is not None:
                self.quarantine(f, reason)
                if series.exists():
                    self.quarantine(series, reason)
                notes.append(f"chunk {f.name} was damaged ({reason}): moved to quarantine/; its runs are redone "
                             "by the next batch")
        removed = self._drop_compacted_leftovers()
        if removed:
            notes.append(f"removed {removed} chunk files left by an interrupted compaction (their runs are in a "
                         f"{COMPACT_PREFIX}* file)")
        return notes

    def _drop_compacted_leftovers(self) -> int:
        """Small chunk files whose every run is done in a compact file (an interrupted compaction)."""
        compact = [p for p in self.run_files() if p.stem.startswith(COMPACT_PREFIX)]
        small = [p for p in self.run_files() if not p.stem.startswith(COMPACT_PREFIX)]
        if not compact or not small:
            return 0
        table = _read_tables(compact, ["run_id", "state"])
        if table is None:
            return 0
        df = table.to_pandas()
        in_compact = set(df.loc[df["state"] == "done", "run_id"])
        removed = 0
        for f in small:
            t = _read_tables([f], ["run_id", "state"])
            if t is None:
                continue
            ids = set(t.column("run_id").to_pylist())
            if ids and ids <= in_compact:
                f.unlink(missing_ok=True)  # runs file first: the chunk stops counting
                (self.series_dir / f"{f.stem}.parquet").unlink(missing_ok=True)
                removed += 1
        return removed

    # ------------------------------------------------------------------ manifest and plan
    def manifest(self) -> dict:
        """The manifest, or {} when there is none; a damaged one is warned about (one line)."""
        if not self.manifest_path.exists():
            return {}
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
            if isinstance(data, dict):
                return data
            raise ValueError("not a JSON object")
        except (ValueError, OSError) as exc:
            _warn(f"{self.manifest_path} is damaged ({type(exc).__name__}); rerun the command that made this "
                  "store to rebuild it")
            return {}

    def write_manifest(self, data: dict) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        write_json(self.manifest_path, data)

    def plan(self) -> pd.DataFrame:
        """Every planned run (union over the batches started on this folder).

        A plan that cannot be read raises StoreError (one line naming the file and what to do).
        """
        if not self.plan_path.exists():
            return pd.DataFrame(columns=list(PLAN_COLUMNS))
        try:
            return pd.read_parquet(self.plan_path)
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise StoreError(str(self.plan_path), None, f"damaged ({type(exc).__name__}); rerun the command that made "
                             "this store: it moves the file to quarantine/ and rebuilds the plan (finished runs are "
                             "kept)") from None

    def specs(self) -> list[RunSpec]:
        """The planned runs as RunSpecs (to rerun or extend a batch)."""
        out = []
        for row in self.plan().itertuples(index=False):
            out.append(RunSpec.make(row.scenario, dict(json.loads(row.overrides)), dict(json.loads(row.setup)),
                                    seed=int(row.seed), replicate=int(row.replicate), model=row.model,
                                    design_point=int(row.design_point), label=row.label))
        return out

    def add_to_plan(self, specs: list[RunSpec], resolved: dict | None = None) -> None:
        """Add the specs not planned yet. ``resolved``: run_id -> {column: value} (the resolved
        parameters and setup of each run, one column each; see ``experiments.runner``)."""
        old = self.plan()
        known = set(old["run_id"])
        resolved = resolved or {}
        rows = []
        for s in specs:
            if s.run_id in known:
                continue
            row = {"run_id": s.run_id, "design_point": int(s.design_point), "label": s.label,
                   "replicate": int(s.replicate), "seed": int(s.seed), "scenario": s.scenario, "model": s.model,
                   "overrides": json.dumps(dict(s.key["overrides"]), ensure_ascii=False),
                   "setup": json.dumps(dict(s.key["setup"]), ensure_ascii=False), "schedule": "[]"}
            row.update(resolved.get(s.run_id, {}))
            rows.append(row)
            known.add(s.run_id)
        if not rows:
            return
        new = pd.DataFrame(rows)
        plan = new if old.empty else pd.concat([old, new], ignore_index=True)
        self.dir.mkdir(parents=True, exist_ok=True)
        atomic_write(self.plan_path, lambda p: plan.to_parquet(p, index=False), sync=True)

    # ------------------------------------------------------------------ writing
    def write_chunk(self, rows: list[dict], series: pa.Table | None) -> str:
        """Commit one chunk: series first, then the runs file (the commit point)."""
        ids = "".join(r["run_id"] for r in rows)
        import hashlib

        name = f"{hashlib.sha256(ids.encode()).hexdigest()[:12]}-{uuid.uuid4().hex[:8]}"
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        if series is not None and series.num_rows:
            self.series_dir.mkdir(parents=True, exist_ok=True)
            atomic_write(self.series_dir / f"{name}.parquet", lambda p: pq.write_table(series, p), sync=FSYNC_CHUNKS)
        table = pa.Table.from_pylist(rows)
        atomic_write(self.runs_dir / f"{name}.parquet", lambda p: pq.write_table(table, p), sync=FSYNC_CHUNKS)
        return name

    def compact(self, min_files: int = 16) -> int:
        """Merge the small chunk files into one pair of files; returns the number merged.

        Idempotent and crash-safe: runs already done in an earlier compact file are not merged
        again (so an interrupted compaction, rerun, never duplicates a run); the merged series
        file is renamed first, the merged runs file second (from then on both copies are valid
        and readers keep one per run), and the small runs files are deleted before their series
        files.
        """
        small = [p for p in self.run_files() if not p.stem.startswith(COMPACT_PREFIX)]
        if len(small) < min_files:
            return 0
        runs = _read_tables(small)
        if runs is None:
            return 0
        earlier = _read_tables([p for p in self.run_files() if p.stem.startswith(COMPACT_PREFIX)],
                               ["run_id", "state"])
        already = set()
        if earlier is not None:
            e = earlier.to_pandas()
            already = set(e.loc[e["state"] == "done", "run_id"])
        df = runs.to_pandas()
        df = df[~df["run_id"].isin(already)]
        keep = _one_per_run(df).sort_values(["design_point", "replicate", "run_id"], kind="stable")
        chosen = set(zip(keep["run_id"], keep["_chunk"], strict=True))
        tables = []
        for f in small:
            path = self.series_dir / f"{f.stem}.parquet"
            if path.exists():
                try:
                    t = pq.read_table(path)
                except (pa.ArrowException, OSError):
                    return 0  # leave a damaged store as it is: heal() quarantines the chunk
                ids = set(pa.compute.unique(t.column("run_id")).to_pylist())
                wanted = [i for i in ids if (i, f.stem) in chosen]
                if wanted:
                    tables.append(t.filter(pa.compute.is_in(t.column("run_id"), pa.array(wanted, pa.string()))))
        name = f"{COMPACT_PREFIX}{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        if len(keep):
            if tables:
                series = pa.concat_tables(tables, promote_options="permissive")
                atomic_write(self.series_dir / f"{name}.parquet", lambda p: pq.write_table(series, p), sync=True)
            merged = pa.Table.from_pandas(keep.drop(columns="_chunk"), preserve_index=False)
            atomic_write(self.runs_dir / f"{name}.parquet", lambda p: pq.write_table(merged, p), sync=True)
        for f in small:
            f.unlink(missing_ok=True)
        for f in small:
            (self.series_dir / f"{f.stem}.parquet").unlink(missing_ok=True)
        return len(small)

    # ------------------------------------------------------------------ reading
    def attempts(self) -> pd.DataFrame:
        """Every recorded run attempt (done and failed, duplicates included), with its chunk name."""
        table = _read_tables(self.run_files())
        if table is None:
            return pd.DataFrame(columns=[*META_COLUMNS, *STATE_COLUMNS, "_chunk"])
        return table.to_pandas()

    def runs(self) -> pd.DataFrame:
        """One row per run: its first done attempt, else its last failed one (with its chunk name)."""
        df = self.attempts()
        return _one_per_run(df).sort_values(["design_point", "replicate", "run_id"], kind="stable").reset_index(
            drop=True) if len(df) else df

    def _done_rows(self) -> pd.DataFrame:
        runs = self.runs()
        return runs[runs["state"] == "done"]

    def done_ids(self) -> set[str]:
        table = _read_tables(self.run_files(), ["run_id", "state"])
        if table is None:
            return set()
        df = table.to_pandas()
        return set(df.loc[df["state"] == "done", "run_id"])

    def outcomes(self, run_ids=None) -> pd.DataFrame:
        """One row per completed run: run_id, design_point, label, replicate, seed, outcomes."""
        done = self._done_rows()
        if run_ids is not None:
            done = done[done["run_id"].isin(set(run_ids))]
        drop = [c for c in (*STATE_COLUMNS, "_chunk") if c in done.columns]
        out = done.drop(columns=drop).dropna(axis=1, how="all") if len(done) else done.drop(columns=drop)
        out = out.sort_values(["design_point", "replicate", "run_id"]).reset_index(drop=True)
        for c in ("design_point", "replicate", "seed"):
            if c in out:
                out[c] = out[c].astype("int64")
        return out

    def series(self, metrics: list[str] | None = None, run_ids=None) -> pd.DataFrame:
        """Annual tidy rows of completed runs: run_id, label, year, region, city, metric, value.

        ``metrics`` / ``run_ids`` restrict what is read (only the chunks holding ``run_ids``).
        """
        done = self._done_rows()
        if run_ids is not None:
            done = done[done["run_id"].isin(set(run_ids))]
        files = self.series_files()
        if run_ids is not None:
            needed = set(done["_chunk"])
            files = [f for f in files if f.stem in needed]
        filters = [("metric", "in", list(metrics))] if metrics is not None else None
        tables = []
        for f in files:
            try:
                t = pq.read_table(f, filters=filters)
            except FileNotFoundError:
                continue
            except (pa.ArrowException, OSError) as exc:
                _warn(f"skipping unreadable store file {f} ({type(exc).__name__}); the next batch on this folder "
                      "moves it to quarantine/ and redoes its runs")
                continue
            tables.append(t.append_column("_chunk", pa.array([f.stem] * t.num_rows, pa.string())))
        if not tables or not len(done):
            return pd.DataFrame(columns=list(SERIES_COLUMNS))
        df = pa.concat_tables(tables, promote_options="permissive").to_pandas()
        chosen = dict(zip(done["run_id"], done["_chunk"], strict=True))
        keep = df["_chunk"].to_numpy() == df["run_id"].map(chosen).to_numpy()
        df = df[keep].drop(columns="_chunk")
        if "label" not in df.columns:  # stores written before series carried the label
            df.insert(1, "label", df["run_id"].map(dict(zip(done["run_id"], done["label"], strict=True))))
        df = df[[*SERIES_COLUMNS, *(c for c in df.columns if c not in SERIES_COLUMNS)]]
        return df.sort_values(["run_id", "year", "region", "city", "metric"]).reset_index(drop=True)

    def status(self) -> pd.DataFrame:
        """run_id, design_point, label, replicate, state (done | failed | missing), error.

        Without a plan (a damaged one was quarantined), the recorded runs are listed.
        """
        plan = self.plan()[["run_id", "design_point", "label", "replicate"]]
        runs = self.runs()
        if plan.empty and len(runs):
            plan = runs[["run_id", "design_point", "label", "replicate"]]
        state = pd.Series("missing", index=plan["run_id"].to_numpy(), dtype=object)
        error = pd.Series("", index=plan["run_id"].to_numpy(), dtype=object)
        if len(runs):
            for rid, st, err in zip(runs["run_id"], runs["state"], runs["error"], strict=True):
                if rid in state.index:
                    state[rid], error[rid] = st, ("" if st == "done" else err)
        out = plan.copy()
        out["state"] = state.to_numpy()
        out["error"] = error.to_numpy()
        return out.reset_index(drop=True)

    # ------------------------------------------------------------------ DuckDB
    def duckdb(self, database: str | None = None):
        """A DuckDB connection with views ``outcomes``, ``runs``, ``attempts``, ``series`` and ``plan``."""
        import duckdb

        con = duckdb.connect(database or ":memory:")
        self._create_views(con)
        return con

    def _create_views(self, con) -> None:
        """Views with paths relative to the store folder (``file_search_path``): the database
        file keeps working when the folder is copied or moved."""
        con.execute(f"SET file_search_path = '{_sql_text(str(self.dir.resolve()))}'")
        if self.run_files():
            con.execute("CREATE OR REPLACE VIEW attempts AS SELECT * FROM read_parquet('runs/*.parquet', "
                        "union_by_name=true, filename=true)")
            present = {row[0] for row in con.execute("DESCRIBE SELECT * FROM attempts").fetchall()}
            order = ("ORDER BY CASE WHEN state = 'done' THEN 0 ELSE 1 END, "
                     "CASE WHEN state = 'done' THEN filename END ASC, filename DESC")
            con.execute("CREATE OR REPLACE VIEW runs AS SELECT * EXCLUDE (filename) FROM attempts "
                        f"QUALIFY row_number() OVER (PARTITION BY run_id {order}) = 1")
            drop = ", ".join(c for c in (*STATE_COLUMNS, "filename") if c in present)
            con.execute(f"CREATE OR REPLACE VIEW outcomes AS SELECT * EXCLUDE ({drop}) "
                        "FROM attempts WHERE state = 'done' QUALIFY row_number() OVER (PARTITION BY run_id "
                        "ORDER BY filename) = 1")
            if self.series_files():
                con.execute("CREATE OR REPLACE VIEW series AS SELECT s.* EXCLUDE (filename) FROM "
                            "read_parquet('series/*.parquet', union_by_name=true, filename=true) s SEMI JOIN "
                            "(SELECT run_id, filename FROM attempts WHERE state = 'done' QUALIFY row_number() OVER "
                            "(PARTITION BY run_id ORDER BY filename) = 1) r ON s.run_id = r.run_id AND "
                            "parse_filename(s.filename, true) = parse_filename(r.filename, true)")
        if self.plan_path.exists():
            con.execute("CREATE OR REPLACE VIEW plan AS SELECT * FROM read_parquet('plan.parquet')")

    def write_duckdb(self) -> Path | None:
        """(Re)create ``results.duckdb`` holding the views (best effort: never fails a batch)."""
        path = self.dir / "results.duckdb"

        def make(tmp: Path) -> None:
            import duckdb

            con = duckdb.connect(str(tmp))
            try:
                self._create_views(con)
                con.execute("RESET file_search_path")
                con.execute("CHECKPOINT")
            finally:
                con.close()
                Path(f"{tmp}.wal").unlink(missing_ok=True)

        try:
            return atomic_write(path, make)
        except Exception as exc:  # a convenience file must never fail a batch
            _warn(f"could not write {path} ({type(exc).__name__}: {str(exc)[:120]})")
            return None

    def write_schema(self, kind: str = "") -> Path:
        """``schema.md``: what every file and column holds, units and aggregation (sim/outcomes.py)."""
        from experiments.schema import store_schema

        runs_columns: list[str] = []
        for f in self.run_files()[:50]:
            with contextlib.suppress(pa.ArrowException, OSError):
                runs_columns += [c for c in pq.read_schema(f).names if c not in runs_columns]
        plan_columns = []
        if self.plan_path.exists():
            with contextlib.suppress(pa.ArrowException, OSError):
                plan_columns = pq.read_schema(self.plan_path).names
        metrics: list[str] = []
        for f in self.series_files()[:5]:
            with contextlib.suppress(pa.ArrowException, OSError):
                metrics += [m for m in pq.read_table(f, columns=["metric"]).column(0).unique().to_pylist()
                            if m not in metrics]
        return atomic_text(self.dir / "schema.md", store_schema(runs_columns, plan_columns, metrics, kind))


def connect(store_dir: str | Path, read_only: bool = True):
    """Open ``DIR/results.duckdb`` from any working directory (its views are relative to DIR)."""
    import duckdb

    store_dir = Path(store_dir)
    con = duckdb.connect(str(store_dir / "results.duckdb"), read_only=read_only)
    con.execute(f"SET file_search_path = '{_sql_text(str(store_dir.resolve()))}'")
    return con


def _sql_text(text: str) -> str:
    return text.replace("'", "''")


def _unreadable(path: Path, columns: list[str]) -> str | None:
    """None if the Parquet file reads and has the named columns, else what is wrong."""
    try:
        table = _read_some(path, columns)
    except FileNotFoundError:
        return None
    except (pa.ArrowException, OSError) as exc:
        return f"unreadable ({type(exc).__name__})"
    lacking = [c for c in columns if c not in table.column_names]
    return f"not a chunk of this store (no column {', '.join(lacking)})" if lacking else None
