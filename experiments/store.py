"""Crash-safe, resumable, queryable results store of a batch of runs.

Layout of an experiment folder::

    DIR/
      manifest.json        design, root seed(s), seeding rule, package versions, git commit,
                           scenario texts, one entry per batch started on this folder
      plan.parquet         every planned run: run_id, design_point, label, replicate, seed,
                           scenario, model, overrides (JSON), setup (JSON)
      runs/<chunk>.parquet one row per run of a chunk: run_id, design_point, label, replicate,
                           seed, state (done | failed), error (traceback), elapsed_s, outcomes...
      series/<chunk>.parquet annual tidy rows of the chunk's runs: run_id, year, region, city,
                           metric, value
      results.duckdb       DuckDB views over the Parquet files (outcomes, series, runs, plan)

Every file is written under a temporary name (``.name.tmp-PID``) and renamed into place. A
chunk's series file is renamed first and its runs file last, so a chunk counts only once its
runs file exists; readers never look at temporary files and ignore series files without a
runs file. A batch killed at any point therefore leaves only complete chunks, and rerunning it
skips exactly the runs recorded as done.
"""

from __future__ import annotations

import json
import os
import uuid
import warnings
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute
import pyarrow.parquet as pq

from experiments.spec import RunSpec

META_COLUMNS = ("run_id", "design_point", "label", "replicate", "seed")
STATE_COLUMNS = ("state", "error", "elapsed_s", "code_version")
SERIES_COLUMNS = ("run_id", "year", "region", "city", "metric", "value")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


#: fsync chunk files before renaming them (survives power loss, not only a killed process);
#: costs about 4 ms per file. Manifest and plan are always synced. SAFEGOV_FSYNC=1 turns it on.
FSYNC_CHUNKS = os.environ.get("SAFEGOV_FSYNC", "") == "1"


def _atomic(path: Path, write, sync: bool = True) -> None:
    """Write to a temporary name in the same folder, then rename into place (atomic)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        if sync:
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_json(path: Path, data: dict) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
    _atomic(path, lambda p: p.write_text(text, encoding="utf-8"))


def _read_tables(files: list[Path], columns: list[str] | None = None) -> pa.Table | None:
    tables = []
    for f in files:
        try:
            t = pq.read_table(f, columns=columns) if columns is None else _read_some(f, columns)
        except FileNotFoundError:  # merged away by a compaction meanwhile
            continue
        except (pa.ArrowInvalid, OSError) as exc:  # e.g. truncated by a power loss: its runs are redone
            warnings.warn(f"skipping unreadable store file {f}: {exc}", RuntimeWarning, stacklevel=2)
            continue
        tables.append(t.append_column("_chunk", pa.array([f.stem] * t.num_rows, pa.string())))
    if not tables:
        return None
    return pa.concat_tables(tables, promote_options="permissive")


def _read_some(path: Path, columns: list[str]) -> pa.Table:
    names = pq.read_schema(path).names
    return pq.read_table(path, columns=[c for c in columns if c in names], use_threads=False, pre_buffer=False)


class Store:
    """An experiment folder (see the module docstring). Reading never needs the batch to be done."""

    def __init__(self, store_dir: str | Path):
        self.dir = Path(store_dir)
        self.runs_dir = self.dir / "runs"
        self.series_dir = self.dir / "series"
        self.manifest_path = self.dir / "manifest.json"
        self.plan_path = self.dir / "plan.parquet"

    # ------------------------------------------------------------------ files
    def exists(self) -> bool:
        return self.manifest_path.exists() or self.plan_path.exists()

    def run_files(self) -> list[Path]:
        if not self.runs_dir.exists():
            return []
        return sorted(p for p in self.runs_dir.glob("*.parquet") if not p.name.startswith("."))

    def series_files(self) -> list[Path]:
        """Series files of committed chunks only."""
        committed = {p.stem for p in self.run_files()}
        if not self.series_dir.exists():
            return []
        return sorted(p for p in self.series_dir.glob("*.parquet")
                      if not p.name.startswith(".") and p.stem in committed)

    def clean(self) -> None:
        """Remove temporary files and series files of chunks that never committed."""
        committed = {p.stem for p in self.run_files()}
        for folder in (self.dir, self.runs_dir, self.series_dir):
            if folder.exists():
                for p in folder.glob(".*.tmp-*"):
                    p.unlink(missing_ok=True)
        if self.series_dir.exists():
            for p in self.series_dir.glob("*.parquet"):
                if p.stem not in committed:
                    p.unlink(missing_ok=True)

    # ------------------------------------------------------------------ manifest and plan
    def manifest(self) -> dict:
        if not self.manifest_path.exists():
            return {}
        return json.loads(self.manifest_path.read_text(encoding="utf-8"))

    def write_manifest(self, data: dict) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        write_json(self.manifest_path, data)

    def plan(self) -> pd.DataFrame:
        """Every planned run (union over the batches started on this folder)."""
        if not self.plan_path.exists():
            return pd.DataFrame(columns=["run_id", "design_point", "label", "replicate", "seed", "scenario",
                                         "model", "overrides", "setup"])
        return pd.read_parquet(self.plan_path)

    def specs(self) -> list[RunSpec]:
        """The planned runs as RunSpecs (to rerun or extend a batch)."""
        out = []
        for row in self.plan().itertuples(index=False):
            out.append(RunSpec.make(row.scenario, dict(json.loads(row.overrides)), dict(json.loads(row.setup)),
                                    seed=int(row.seed), replicate=int(row.replicate), model=row.model,
                                    design_point=int(row.design_point), label=row.label))
        return out

    def add_to_plan(self, specs: list[RunSpec]) -> None:
        old = self.plan()
        known = set(old["run_id"])
        rows = [{
            "run_id": s.run_id, "design_point": int(s.design_point), "label": s.label,
            "replicate": int(s.replicate), "seed": int(s.seed), "scenario": s.scenario, "model": s.model,
            "overrides": json.dumps(s.key["overrides"]), "setup": json.dumps(s.key["setup"], ensure_ascii=False),
        } for s in specs if s.run_id not in known]
        if not rows:
            return
        new = pd.DataFrame(rows)
        plan = new if old.empty else pd.concat([old, new], ignore_index=True)
        self.dir.mkdir(parents=True, exist_ok=True)
        _atomic(self.plan_path, lambda p: plan.to_parquet(p, index=False))

    # ------------------------------------------------------------------ writing
    def write_chunk(self, rows: list[dict], series: pa.Table | None) -> str:
        """Commit one chunk: series first, then the runs file (the commit point)."""
        ids = "".join(r["run_id"] for r in rows)
        import hashlib

        name = f"{hashlib.sha256(ids.encode()).hexdigest()[:12]}-{uuid.uuid4().hex[:8]}"
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        if series is not None and series.num_rows:
            self.series_dir.mkdir(parents=True, exist_ok=True)
            _atomic(self.series_dir / f"{name}.parquet", lambda p: pq.write_table(series, p), FSYNC_CHUNKS)
        table = pa.Table.from_pylist(rows)
        _atomic(self.runs_dir / f"{name}.parquet", lambda p: pq.write_table(table, p), FSYNC_CHUNKS)
        return name

    def compact(self, min_files: int = 16) -> int:
        """Merge the small chunk files into one pair of files; returns the number merged.

        Crash-safe with the same rules as chunks: the merged series file is renamed first, the
        merged runs file second (from then on both copies are valid and readers keep one per
        run), and the small runs files are deleted before their series files.
        """
        small = [p for p in self.run_files() if not p.stem.startswith("compact-")]
        if len(small) < min_files:
            return 0
        runs = _read_tables(small)
        if runs is None:
            return 0
        df = runs.to_pandas()
        done = df[df["state"] == "done"].sort_values(["run_id", "_chunk"]).drop_duplicates("run_id", keep="first")
        failed = df[(df["state"] != "done") & ~df["run_id"].isin(set(done["run_id"]))]
        keep = pd.concat([done, failed]).sort_values(["design_point", "replicate", "run_id"], kind="stable")
        chosen = set(zip(done["run_id"], done["_chunk"], strict=True))
        tables = []
        for f in small:
            path = self.series_dir / f"{f.stem}.parquet"
            if path.exists():
                try:
                    t = pq.read_table(path)
                except (pa.ArrowInvalid, OSError):
                    return 0  # leave a damaged store as it is
                ids = set(pa.compute.unique(t.column("run_id")).to_pylist())
                wanted = [i for i in ids if (i, f.stem) in chosen]
                if wanted:
                    tables.append(t.filter(pa.compute.is_in(t.column("run_id"), pa.array(wanted, pa.string()))))
        name = f"compact-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        if tables:
            series = pa.concat_tables(tables, promote_options="permissive")
            _atomic(self.series_dir / f"{name}.parquet", lambda p: pq.write_table(series, p))
        merged = pa.Table.from_pandas(keep.drop(columns="_chunk"), preserve_index=False)
        _atomic(self.runs_dir / f"{name}.parquet", lambda p: pq.write_table(merged, p))
        for f in small:
            f.unlink(missing_ok=True)
        for f in small:
            (self.series_dir / f"{f.stem}.parquet").unlink(missing_ok=True)
        return len(small)

    # ------------------------------------------------------------------ reading
    def runs(self) -> pd.DataFrame:
        """Every recorded run attempt (done and failed), with its chunk name."""
        table = _read_tables(self.run_files())
        if table is None:
            return pd.DataFrame(columns=[*META_COLUMNS, *STATE_COLUMNS, "_chunk"])
        return table.to_pandas()

    def _done_rows(self) -> pd.DataFrame:
        runs = self.runs()
        done = runs[runs["state"] == "done"]
        return done.sort_values(["run_id", "_chunk"]).drop_duplicates("run_id", keep="first")

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
        """Annual tidy rows of completed runs: run_id, year, region, city, metric, value.

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
            except (pa.ArrowInvalid, OSError) as exc:
                warnings.warn(f"skipping unreadable store file {f}: {exc}", RuntimeWarning, stacklevel=2)
                continue
            tables.append(t.append_column("_chunk", pa.array([f.stem] * t.num_rows, pa.string())))
        if not tables or not len(done):
            return pd.DataFrame(columns=list(SERIES_COLUMNS))
        df = pa.concat_tables(tables, promote_options="permissive").to_pandas()
        chosen = dict(zip(done["run_id"], done["_chunk"], strict=True))
        keep = df["_chunk"].to_numpy() == df["run_id"].map(chosen).to_numpy()
        df = df[keep].drop(columns="_chunk")
        return df.sort_values(["run_id", "year", "region", "city", "metric"]).reset_index(drop=True)

    def status(self) -> pd.DataFrame:
        """run_id, design_point, label, replicate, state (done | failed | missing), error."""
        plan = self.plan()[["run_id", "design_point", "label", "replicate"]]
        runs = self.runs()
        state = pd.Series("missing", index=plan["run_id"].to_numpy(), dtype=object)
        error = pd.Series("", index=plan["run_id"].to_numpy(), dtype=object)
        if len(runs):
            failed = runs[runs["state"] == "failed"].sort_values("_chunk")
            for rid, err in zip(failed["run_id"], failed["error"], strict=True):
                if rid in state.index:
                    state[rid], error[rid] = "failed", err
            for rid in runs.loc[runs["state"] == "done", "run_id"]:
                if rid in state.index:
                    state[rid], error[rid] = "done", ""
        out = plan.copy()
        out["state"] = state.to_numpy()
        out["error"] = error.to_numpy()
        return out.reset_index(drop=True)

    # ------------------------------------------------------------------ DuckDB
    def duckdb(self, database: str | None = None):
        """A DuckDB connection with views ``outcomes``, ``runs``, ``series`` and ``plan``."""
        import duckdb

        con = duckdb.connect(database or ":memory:")
        self._create_views(con)
        return con

    def _create_views(self, con) -> None:
        root = self.dir.resolve()
        runs_glob = str(root / "runs" / "*.parquet")
        series_glob = str(root / "series" / "*.parquet")
        if self.run_files():
            con.execute(f"CREATE OR REPLACE VIEW runs AS SELECT * FROM read_parquet('{runs_glob}', "
                        "union_by_name=true, filename=true)")
            present = {row[0] for row in con.execute("DESCRIBE SELECT * FROM runs").fetchall()}
            drop = ", ".join(c for c in (*STATE_COLUMNS, "filename") if c in present)
            con.execute(f"CREATE OR REPLACE VIEW outcomes AS SELECT * EXCLUDE ({drop}) "
                        "FROM runs WHERE state = 'done' QUALIFY row_number() OVER (PARTITION BY run_id "
                        "ORDER BY filename) = 1")
        if self.series_files():
            con.execute(f"CREATE OR REPLACE VIEW series AS SELECT s.* EXCLUDE (filename) FROM "
                        f"read_parquet('{series_glob}', filename=true) s SEMI JOIN (SELECT run_id, filename FROM "
                        "runs WHERE state = 'done' QUALIFY row_number() OVER (PARTITION BY run_id ORDER BY "
                        "filename) = 1) r ON s.run_id = r.run_id AND "
                        "parse_filename(s.filename, true) = parse_filename(r.filename, true)")
        if self.plan_path.exists():
            con.execute(f"CREATE OR REPLACE VIEW plan AS SELECT * FROM read_parquet('{root / 'plan.parquet'}')")

    def write_duckdb(self) -> Path | None:
        """(Re)create ``results.duckdb`` holding the views (best effort: skipped if locked)."""
        path = self.dir / "results.duckdb"
        tmp = self.dir / f".results.duckdb.tmp-{os.getpid()}"
        try:
            import duckdb

            tmp.unlink(missing_ok=True)
            con = duckdb.connect(str(tmp))
            self._create_views(con)
            con.close()
            os.replace(tmp, path)
            return path
        except Exception:  # a convenience file must never fail a batch
            tmp.unlink(missing_ok=True)
            return None
