"""Run a batch of RunSpecs on one of three executors behind the concurrent.futures interface.

- in-process (``workers=0`` or ``scheduler="inprocess"``): for debugging;
- a local process pool (default; fork context, ``workers`` = cores);
- Dask distributed: ``scheduler="tcp://HOST:PORT"`` (an existing cluster) or ``"local"``
  (a ``LocalCluster`` of single-threaded worker processes); ``Client.get_executor()``.

Workers receive specs (and the parsed scenarios), import the model themselves and return plain
rows and an Arrow table; the parent process alone writes the store (see experiments.store),
so workers on other machines need no shared file system. Runs are grouped into chunks whose
size adapts to the measured run time (about 0.25 s of work per chunk) unless ``chunk_size`` is
given. A run that raises is recorded as failed with its traceback; the batch goes on.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import socket
import sys
import threading
import time
import traceback
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from experiments.spec import RunSpec
from experiments.store import Store, now
from sim import inputs
from sim.errors import InputError

TARGET_CHUNK_SECONDS = 0.25
MAX_CHUNK = 500
MANIFEST_POINTS = 2000  # design points listed in manifest.json (all of them are in plan.parquet)
COMPACT_EVERY = 512  # chunk files between two compactions of the store
MAX_BARREN_RESTARTS = 5  # pool restarts in a row without a finished run before the batch gives up
SCHEDULER_TIMEOUT_S = 3.0  # a scheduler address must accept a connection within this time
WATCHDOG_S = 0.5  # how often a pool worker checks that the process that started it is alive
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")
SEEDING = ("replicate r of every design point uses numpy SeedSequence(seed, spawn_key=(r,)), "
           "identical to SeedSequence(seed).spawn(R)[r] (common random numbers)")


@dataclass
class BatchReport:
    """What a batch did. ``done``/``failed``: run ids run in this batch; ``skipped``: already done."""

    store_dir: Path
    done: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    planned: int = 0
    elapsed_s: float = 0.0
    executor: str = ""
    versions: set[str] = field(default_factory=set)  # model code versions of the planned runs done

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        return (f"{len(self.done)} runs done, {len(self.failed)} failed, {len(self.skipped)} already done "
                f"of {self.planned} planned in {self.elapsed_s:.1f} s ({self.executor}); store: {self.store_dir}")

    def failure_lines(self, limit: int = 20) -> list[str]:
        lines = []
        for rid in self.failed[:limit]:
            last = (self.errors.get(rid, "").strip().splitlines() or ["?"])[-1]
            lines.append(f"  {rid}: {last}")
        if len(self.failed) > limit:
            lines.append(f"  ... and {len(self.failed) - limit} more (safegov results {self.store_dir})")
        return lines


# ============================================================================ worker side

_WORKER_READY = False
_CODE_VERSION: str | None = None


def code_version() -> str:
    """Hash of the model's source (sim/**/*.py and sim/data) as this process loaded it.

    Recorded with every run, so a store resumed after the model changed (or served by Dask
    workers with other code) is detected rather than silently mixed.
    """
    global _CODE_VERSION
    if _CODE_VERSION is None:
        import hashlib

        import sim

        root = Path(sim.__file__).resolve().parent
        h = hashlib.sha256()
        for path in sorted([*root.rglob("*.py"), *(root / "data").glob("*")]):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(root)).encode())
                h.update(path.read_bytes())
        _CODE_VERSION = h.hexdigest()[:12]
    return _CODE_VERSION


def _limit_threads() -> None:
    global _WORKER_READY
    if _WORKER_READY:
        return
    for var in THREAD_VARS:
        os.environ[var] = "1"
    with contextlib.suppress(Exception):
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    _WORKER_READY = True


def _die_with_parent(parent: int) -> None:
    """Pool worker set-up: end this process as soon as ``parent`` (the batch) is gone.

    Linux delivers SIGKILL to the worker when its parent dies (``PR_SET_PDEATHSIG``); a watchdog
    thread checking the parent every WATCHDOG_S covers other systems and the moment before the
    signal was armed. Without this, a killed batch left its workers (about 180 MB each) blocked
    on a pipe for minutes.
    """
    import signal

    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(WATCHDOG_S)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="safegov-parent-watchdog", daemon=True).start()


def _pool_worker_init(parent: int) -> None:
    _die_with_parent(parent)
    _limit_threads()


#: For other process pools: ``ProcessPoolExecutor(..., initializer=die_with_parent, initargs=(os.getpid(),))``
#: makes their workers end with the process that started them, as the runner's do.
die_with_parent = _die_with_parent


def resolve_callable(path: str):
    """'package.module:function' (or ':Class', a SafetyModel subclass) -> the object (InputError
    naming 'model' if it cannot be used)."""
    return inputs.resolve_callable(path, "model")


def model_class(path: str):
    """The SafetyModel subclass named by ``"package.module:Class"``, or None for "sim" and callables."""
    if path == "sim":
        return None
    from sim.model import SafetyModel

    obj = resolve_callable(path)
    return obj if isinstance(obj, type) and issubclass(obj, SafetyModel) else None


def _run_sim(spec: RunSpec, scenario, want_series: bool, cls=None):
    from experiments.outcomes import scalar_outcomes
    from sim.run import collect, run_scenario
    from sim.scenario import load_scenario

    sc = scenario if scenario is not None else load_scenario(spec.scenario)
    if spec.overrides or spec.setup:
        sc = sc.with_overrides(spec.params, **spec.setup_dict)
    if cls is None:
        result = run_scenario(sc, seed=int(spec.seed), replicate=int(spec.replicate))
    else:  # an extended model (a SafetyModel subclass): the same tidy outputs
        result = collect(cls(sc, seed=int(spec.seed), replicate=int(spec.replicate)).run(), int(spec.seed),
                         int(spec.replicate))
    outcomes = scalar_outcomes(result)
    series = None
    if want_series:
        a = result.annual
        series = pa.table({
            "run_id": pa.array([spec.run_id] * len(a), pa.string()),
            "label": pa.array([spec.label] * len(a), pa.string()),
            "year": pa.array(a["year"].to_numpy(), pa.int32()),
            "region": pa.array(a["region"].astype(str).to_numpy(), pa.string()),
            "city": pa.array(a["city"].astype(str).to_numpy(), pa.string()),
            "metric": pa.array(a["metric"].astype(str).to_numpy(), pa.string()),
            "value": pa.array(a["value"].to_numpy(dtype=float), pa.float64()),
        })
    return outcomes, series


def run_one(spec: RunSpec, scenario=None, want_series: bool = True) -> tuple[dict[str, float], pa.Table | None]:
    """Outcomes (and annual series for the sim model) of one spec, in this process."""
    if spec.model == "sim":
        return _run_sim(spec, scenario, want_series)
    cls = model_class(spec.model)
    if cls is not None:
        return _run_sim(spec, scenario, want_series, cls)
    fn = resolve_callable(spec.model)
    out = fn(spec.params, int(spec.seed), int(spec.replicate))
    return {str(k): float(v) for k, v in dict(out).items()}, None


def run_chunk(specs: list[RunSpec], scenarios: dict | None = None, want_series: bool = True) -> dict:
    """Worker entry point: run a chunk, catching each run's exception."""
    _limit_threads()
    version = code_version()
    rows, series = [], []
    for spec in specs:
        started = time.perf_counter()
        row = {"run_id": spec.run_id, "design_point": int(spec.design_point), "label": spec.label,
               "replicate": int(spec.replicate), "seed": int(spec.seed), "code_version": version}
        try:
            outcomes, s = run_one(spec, (scenarios or {}).get(spec.scenario), want_series)
            row.update(state="done", error="", elapsed_s=time.perf_counter() - started)
            row.update(outcomes)
            if s is not None:
                series.append(s)
        except Exception:  # recorded and reported, never raised
            row.update(state="failed", error=traceback.format_exc(), elapsed_s=time.perf_counter() - started)
        rows.append(row)
    return {"rows": rows, "series": pa.concat_tables(series) if series else None}


# ============================================================================ executors


class InProcessExecutor(Executor):
    """Runs each task when it is submitted (debugging; exceptions surface in the future)."""

    def submit(self, fn, /, *args, **kwargs):
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


class ForkPool(Executor):
    """A fork ``ProcessPoolExecutor`` that is replaced when a worker process dies.

    Every worker is forked at start and dies with this process (``_die_with_parent``).
    ``restart()`` after a ``BrokenProcessPool`` (a worker killed, e.g. out of memory) starts a
    fresh pool.
    """

    def __init__(self, n: int):
        self.n = n
        self.restarts = 0
        self._ex = self._start()

    def _start(self):
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        ex = ProcessPoolExecutor(max_workers=self.n, mp_context=mp.get_context("fork"), initializer=_pool_worker_init,
                                 initargs=(os.getpid(),))
        ex.submit(os.getpid).result()  # forks every worker now (fork pools start all at once)
        return ex

    def submit(self, fn, /, *args, **kwargs):
        return self._ex.submit(fn, *args, **kwargs)

    def restart(self) -> None:
        self.kill()
        self.restarts += 1
        self._ex = self._start()

    def kill(self) -> None:
        procs = list((getattr(self._ex, "_processes", None) or {}).values())
        self._ex.shutdown(wait=False, cancel_futures=True)
        for proc in procs:
            with contextlib.suppress(Exception):
                proc.terminate()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._ex.shutdown(wait=wait, cancel_futures=cancel_futures)


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


_ADDRESS = re.compile(r"(?P<scheme>tcp|tls)://(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)"
                      r":(?P<port>[0-9]{1,5})/?")
_REACHED: set[str] = set()
LOCAL_SCHEDULERS = ("pool", "inprocess", "serial", "local")


def parse_scheduler(text: str | None, flag: str = "--scheduler") -> tuple[str, int] | None:
    """Check the syntax of a scheduler choice; (host, port) for a Dask address, else None.

    Accepted: None / "pool" (process pool), "inprocess", "local" (Dask LocalCluster),
    ``tcp://HOST:PORT`` or ``tls://HOST:PORT`` (an existing Dask cluster), ``inproc://...``.
    """
    if text is None or text in LOCAL_SCHEDULERS:
        return None
    if not isinstance(text, str):
        raise InputError(flag, None, f"expected 'local' or an address like tcp://HOST:8786, got {text!r}")
    if text.startswith("inproc://"):
        return None
    if text.startswith("ucx://"):
        raise InputError(flag, None, f"ucx:// addresses need ucx-py, which safegov does not install; got {text!r}")
    m = _ADDRESS.fullmatch(text)
    if m is None:
        raise InputError(flag, None, f"expected 'local', 'inprocess' or an address like tcp://HOST:8786 "
                         f"(tcp:// or tls://, a host and a port), got {text[:100]!r}")
    port = int(m["port"])
    if not 1 <= port <= 65535:
        raise InputError(flag, None, f"expected a port between 1 and 65535 in {text!r}, got {port}")
    return m["host"].strip("[]"), port


def check_scheduler(text: str | None, flag: str = "--scheduler", timeout: float = SCHEDULER_TIMEOUT_S) -> None:
    """Syntax, then reachability within ``timeout`` seconds: one InputError before any work."""
    target = parse_scheduler(text, flag)
    if target is None or text in _REACHED:
        return
    host, port = target
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except socket.gaierror as exc:
        raise InputError(flag, None, f"cannot resolve the scheduler host {host!r} ({exc.strerror})") from None
    except TimeoutError:
        raise InputError(flag, None, f"no answer from the Dask scheduler at {host}:{port} within {timeout:g} s") from None
    except OSError as exc:
        raise InputError(flag, None, f"cannot reach the Dask scheduler at {host}:{port} "
                         f"({exc.strerror or exc})") from None
    _REACHED.add(text)


@contextlib.contextmanager
def make_executor(workers: int | None = None, scheduler: str | None = None):
    """Yield (executor, number of worker slots, description)."""
    if scheduler in ("inprocess", "serial") or workers == 0:
        yield InProcessExecutor(), 1, "in-process"
        return
    if scheduler is None or scheduler == "pool":
        n = workers or default_workers()
        saved = {v: os.environ.get(v) for v in THREAD_VARS}
        for v in THREAD_VARS:
            os.environ[v] = "1"  # inherited by the forked workers
        try:
            pool = ForkPool(n)
            try:
                yield pool, n, f"process pool, {n} workers"
            except BaseException:
                pool.kill()  # interrupted: do not wait for the chunks in flight (they are not stored)
                raise
            else:
                pool.shutdown(wait=True)
        finally:
            for v, old in saved.items():
                if old is None:
                    os.environ.pop(v, None)
                else:
                    os.environ[v] = old
        return
    import logging

    from distributed import Client, LocalCluster

    if scheduler == "local":
        n = workers or default_workers()
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                               silence_logs=logging.ERROR, env={v: "1" for v in THREAD_VARS})
        client = Client(cluster)
        desc = f"Dask LocalCluster, {n} workers"
    else:
        check_scheduler(scheduler)
        cluster = None
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError("--scheduler", None, f"cannot connect to the Dask scheduler {scheduler} "
                             f"({type(exc).__name__}: {str(exc)[:150]})") from None
        n = max(1, sum(client.nthreads().values()))
        desc = f"Dask cluster {scheduler}, {n} worker threads"
    try:
        yield client.get_executor(), n, desc
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# ============================================================================ batch


def _resolved_columns(sc, overrides: tuple) -> dict:
    """One plan column per resolved parameter (its value at month 1), setup field and the schedule."""
    cols: dict = dict(sc.values())
    for key, value in sc.setup.model_dump().items():
        cols[f"setup_{key}"] = ",".join(value) if isinstance(value, list) else value
    cols["schedule"] = json.dumps([{"month": e.month, "levers": e.levers} for e in sc.schedule])
    return cols


def _check_specs(specs: list[RunSpec]) -> tuple[dict, dict]:
    """Validate every spec before anything is written.

    Returns (parsed scenarios by path, run_id -> resolved plan columns).
    """
    from sim.scenario import load_scenario

    scenarios: dict = {}
    by_key: dict = {}
    resolved: dict = {}
    classes: dict[str, bool] = {}
    for spec in specs:
        if spec.model != "sim":
            if spec.model not in classes:
                classes[spec.model] = model_class(spec.model) is not None  # resolves (InputError if it cannot)
            if not classes[spec.model]:
                resolved[spec.run_id] = dict(spec.params)
                continue
        if spec.scenario not in scenarios:
            if not spec.scenario:
                raise InputError("spec", "scenario", "the sim model needs a scenario file")
            scenarios[spec.scenario] = load_scenario(spec.scenario)
        key = (spec.scenario, spec.overrides, spec.setup)
        if key not in by_key:
            sc = scenarios[spec.scenario].with_overrides(spec.params, source=spec.label or spec.scenario,
                                                         **spec.setup_dict)
            by_key[key] = _resolved_columns(sc, spec.overrides)
        resolved[spec.run_id] = by_key[key]
    return scenarios, resolved


def _manifest(store: Store, specs: list[RunSpec], scenarios: dict, extra: dict | None, executor: str,
              to_run: int) -> dict:
    from sim.provenance import git_commit, package_versions

    old = store.manifest()
    versions = package_versions()
    for name in ("dask", "distributed", "duckdb", "tqdm"):
        with contextlib.suppress(Exception):
            from importlib import metadata

            versions[name] = metadata.version(name)
    old_points = old.get("design_points", [])
    points = {int(p["design_point"]): p for p in old_points} if isinstance(old_points, list) else {}
    for s in specs:
        points.setdefault(int(s.design_point), {
            "design_point": int(s.design_point), "label": s.label, "scenario": s.scenario, "model": s.model,
            "overrides": dict(s.overrides), "setup": s.setup_dict})
    texts = dict(old.get("scenario_texts", {}))
    for path, sc in scenarios.items():
        texts[path] = sc.text()
    data = {
        **old,
        "created": old.get("created", now()),
        "updated": now(),
        "root_seeds": sorted({*old.get("root_seeds", []), *(int(s.seed) for s in specs)}),
        "seeding": SEEDING,
        "replicates": max([*(int(s.replicate) + 1 for s in specs), old.get("replicates", 0)]),
        "models": sorted({*old.get("models", []), *(s.model for s in specs)}),
        "design_points": ([points[k] for k in sorted(points)] if len(points) <= MANIFEST_POINTS else
                          f"{len(points)} design points: see plan.parquet"),
        "scenario_texts": texts,
        "versions": versions,
        "git": git_commit(),
        "code_version": code_version(),
    }
    if extra:
        data.update(extra)
    batches = list(old.get("batches", []))
    batches.append({"started": now(), "command": sys.argv, "planned": len(specs), "to_run": to_run,
                    "executor": executor})
    data["batches"] = batches
    return data


def run_batch(specs, store_dir, *, workers: int | None = None, scheduler: str | None = None, quiet: bool = False,
              chunk_size: int | None = None, manifest_extra: dict | None = None, series: bool = True,
              desc: str = "runs") -> BatchReport:
    """Run every spec not already done in ``store_dir``; write results as they arrive.

    Everything is checked before anything is written: the specs (scenarios, overrides, callables),
    the batch size, the scheduler address (syntax and reachability), the output folder, and that
    no other batch is writing the folder (a lock, released when this process ends). A damaged
    store is healed first (``Store.heal``).

    Args:
        specs: RunSpecs (duplicates by run id are dropped).
        store_dir: experiment folder (created; an existing one is resumed and extended).
        workers: worker processes (default: cores; 0 = in-process).
        scheduler: None (process pool), "inprocess", "local" (Dask LocalCluster) or "tcp://HOST:PORT".
        quiet: no progress bar.
        chunk_size: runs per task (default: adapts to about 0.25 s of work per chunk).
        manifest_extra: merged into manifest.json (e.g. {"kind": "compare", "design": ...}).
        series: store the annual series of sim runs.
    """
    started = time.perf_counter()
    unique: dict[str, RunSpec] = {}
    for s in specs:
        unique.setdefault(s.run_id, s)
    specs = list(unique.values())
    inputs.check_runs(len(specs), "batch", None, "this batch")
    scenarios, resolved = _check_specs(specs)  # raises InputError before anything is written
    check_scheduler(scheduler)
    inputs.check_output_dir(store_dir, "--out", parents=True)  # commands check their --out strictly

    store = Store(store_dir)
    store.lock()
    try:
        for note in store.heal():
            sys.stderr.write(f"warning: {note}\n")
        done_before = store.done_ids()  # single-threaded reads: the pool is forked after this
        todo = [s for s in specs if s.run_id not in done_before]
        report = BatchReport(Path(store_dir), planned=len(specs),
                             skipped=[s.run_id for s in specs if s.run_id in done_before])
        store.add_to_plan(specs, resolved)
        if not todo:  # nothing to run: no executor to start
            report.executor = "nothing to run"
            store.write_manifest(_manifest(store, specs, scenarios, manifest_extra, report.executor, 0))
        else:
            with make_executor(workers, scheduler) as (executor, n_workers, description):
                report.executor = description
                store.write_manifest(_manifest(store, specs, scenarios, manifest_extra, description, len(todo)))
                _drive(executor, n_workers, todo, scenarios, store, report, chunk_size, series, quiet, desc,
                       len(specs))
        store.compact()
        store.write_duckdb()
        store.write_schema(str((manifest_extra or {}).get("kind", "")))
    finally:
        store.unlock()
    report.versions = _versions_of(store, {s.run_id for s in specs})
    if len(report.versions) > 1:
        sys.stderr.write(f"warning: the runs in {store_dir} come from {len(report.versions)} versions of the model "
                         f"code ({', '.join(sorted(report.versions))}); the model changed while this store was "
                         "being filled: use a new --out folder for a clean batch\n")
    report.elapsed_s = time.perf_counter() - started
    return report


def _versions_of(store: Store, run_ids: set[str]) -> set[str]:
    runs = store.runs()
    if "code_version" not in runs.columns or not len(runs):
        return set()
    done = runs[(runs["state"] == "done") & runs["run_id"].isin(run_ids)]
    return set(done["code_version"].dropna().astype(str))


def _failed_row(s: RunSpec, err: str) -> dict:
    return {"run_id": s.run_id, "design_point": int(s.design_point), "label": s.label,
            "replicate": int(s.replicate), "seed": int(s.seed), "code_version": None, "state": "failed",
            "error": err, "elapsed_s": 0.0}


def _drive(executor, n_workers, todo, scenarios, store, report, chunk_size, want_series, quiet, desc, total):
    """Keep the executor busy until every run of ``todo`` is recorded.

    A dead worker never aborts the batch: when the pool breaks (a worker killed by the OS,
    out of memory, ``os._exit``), whether the break shows in a future's result or in the next
    ``submit``, the pool is restarted; the runs of the chunks that were in flight are retried
    one at a time, and a run whose worker dies twice is recorded as failed.
    """
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread (forking a threaded process can deadlock)
    from concurrent.futures.process import BrokenProcessPool

    pending = deque(todo)
    retry: deque = deque()  # runs of a chunk whose worker died: rerun one at a time
    attempts: dict[str, int] = {}
    broken = False
    barren_restarts = 0  # restarts since the last finished run
    in_flight: dict = {}
    durations: deque = deque(maxlen=256)
    size = chunk_size or 1
    max_in_flight = 2 * n_workers
    written = 0

    def next_size() -> int:
        if chunk_size:
            return chunk_size
        if not durations:
            return 1
        per_run = sorted(durations)[len(durations) // 2]  # median of the last 256 runs
        fair = max(1, math.ceil(len(pending) / (2 * n_workers)))  # keep every worker busy to the end
        return max(1, min(MAX_CHUNK, fair, math.ceil(TARGET_CHUNK_SECONDS / max(per_run, 1e-6))))

    def _needed(chunk):
        return {s.scenario: scenarios[s.scenario] for s in chunk if s.scenario in scenarios}

    def send(chunk) -> bool:
        """Submit one chunk; False (and the pool marked broken) if the pool died meanwhile."""
        nonlocal broken
        try:
            future = executor.submit(run_chunk, chunk, _needed(chunk), want_series)
        except BrokenProcessPool:  # a worker died between the last result and this submit
            broken = True
            return False
        in_flight[future] = chunk
        return True

    def submit() -> None:
        nonlocal size
        if broken:
            return
        if retry or any(len(c) == 1 and c[0].run_id in attempts for c in in_flight.values()):
            # isolate the run that may kill its worker: one task at a time until the retries are done
            if retry and not in_flight:
                spec = retry.popleft()
                if not send([spec]):
                    retry.appendleft(spec)
            return
        while pending and len(in_flight) < max_in_flight:
            size = next_size()
            chunk = [pending.popleft() for _ in range(min(size, len(pending)))]
            if not send(chunk):
                pending.extendleft(reversed(chunk))
                return

    def record(rows, series) -> None:
        nonlocal written, barren_restarts
        store.write_chunk(rows, series)
        written += 1
        if written % COMPACT_EVERY == 0:  # keep the number of files small in long batches
            store.compact()
        for row in rows:
            if row["state"] == "done":
                report.done.append(row["run_id"])
                durations.append(float(row["elapsed_s"]))
                barren_restarts = 0
            else:
                report.failed.append(row["run_id"])
                report.errors[row["run_id"]] = row["error"]
        bar.update(len(rows))
        if report.failed:
            bar.set_postfix(failed=len(report.failed), refresh=False)

    bar = tqdm(total=total, initial=len(report.skipped), unit="run", desc=desc, disable=quiet,
               file=sys.stderr, dynamic_ncols=True, smoothing=0.1)
    try:
        submit()
        while in_flight or ((pending or retry) and broken):
            if in_flight:
                finished, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
            else:
                finished = []
            for future in finished:
                chunk = in_flight.pop(future)
                try:
                    result = future.result()
                    rows, series = result["rows"], result["series"]
                except BrokenProcessPool:  # a worker process died (killed, out of memory, os._exit)
                    broken = True
                    err = ("a worker process died while running this run (killed, out of memory or "
                           "exited); it was retried once on its own\n" + traceback.format_exc())
                    rows = []
                    for s in chunk:
                        attempts[s.run_id] = attempts.get(s.run_id, 0) + 1
                        if attempts[s.run_id] < 2:
                            retry.append(s)
                        else:
                            rows.append(_failed_row(s, err))
                    series = None
                    if not rows:
                        continue
                except Exception:  # the task itself failed (pickling, lost Dask worker, ...)
                    err = traceback.format_exc()
                    rows = [_failed_row(s, err) for s in chunk]
                    series = None
                record(rows, series)
            if broken and not in_flight:
                restart = getattr(executor, "restart", None)
                if restart is None or barren_restarts >= MAX_BARREN_RESTARTS:
                    err = (f"the worker pool died {barren_restarts + 1} times in a row without finishing a run "
                           "(out of memory? see the system log); rerun to retry")
                    left = [*retry, *pending]
                    retry.clear()
                    pending.clear()
                    if left:
                        record([_failed_row(s, err) for s in left], None)
                    break
                restart()
                barren_restarts += 1
                broken = False
            submit()
    except BaseException:
        for future in in_flight:
            future.cancel()
        raise
    finally:
        bar.close()
