"""Every photo of a build: duplicates refused, the cache consulted, the rest processed in worker processes.

`process_all` returns, for each source file, the renditions to publish; a bad image becomes a `Problem`,
never an exception: a WARNING when the photo is to blame (the page goes out without it), an ERROR only when
the build is (the cache could not be written). Work runs in a pool of processes, one per core, in small
chunks, biggest first.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from ..errors import Problem, Severity
from .cache import DIGESTS, digests, known_digests, processed, read_manifest
from .pipeline import (
    Failure,
    Outcome,
    Task,
    decoding,
    inspect,
    run,
    share_lock,
    too_large_text,
    unreadable,
)
from .records import PIPELINE_VERSION, ImageSettings, Job, Processed

INLINE_JOBS = 2  # this many images or fewer are processed without starting worker processes


def process_all(
    jobs: list[Job],
    settings: ImageSettings,
    cache_dir: Path,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    manifests: dict[str, dict[str, Any]] | None = None,
) -> tuple[dict[str, Processed], list[Problem]]:
    """Renditions for every job, keyed by `Job.source`; each bad image becomes a Problem named by
    `Job.shown` (a WARNING, or an ERROR when its cache entry could not be written).

    `progress(done, total)` is called in this process after the cache is checked and as images finish;
    `total` counts distinct sources. `workers` defaults to the number of cores. `manifests`, kept by a
    caller across calls (`mkdocs serve`), remembers cache entries already read.
    """
    problems: list[Problem] = []
    chosen = _distinct(jobs)
    total, done = len(chosen), 0
    root = _entries(cache_dir, settings)
    results: dict[str, Processed] = {}
    pending: dict[str, list[Job]] = {}
    hashes = digests(list(chosen), workers, Path(cache_dir).absolute() / DIGESTS)
    for job, digest in zip(chosen.values(), hashes, strict=True):
        if isinstance(digest, OSError):
            problems.append(_warning(unreadable(job.shown, digest)))
            done += 1
            continue
        entry = os.path.join(root, digest[:2], digest)  # strings: this runs for every photo, every build
        manifest = _manifest(entry, manifests)
        if manifest is None:
            pending.setdefault(entry, []).append(job)
            continue
        done += 1
        refused = _too_large(manifest, settings)
        if refused:
            problems.append(_problem(job.shown, refused))
        else:
            results[job.source] = processed(manifest, entry, job.out_base)
    if progress:
        progress(done, total)
    tasks = [Task(group[0].source, group[0].shown, entry, settings) for entry, group in pending.items()]
    for task, outcome in _execute(tasks, workers):
        group = pending[task.entry]
        if isinstance(outcome, dict) and manifests is not None:
            manifests[task.entry] = outcome
        for job in group:
            if isinstance(outcome, dict):
                results[job.source] = processed(outcome, task.entry, job.out_base)
            else:
                problems.append(_problem(job.shown, outcome))
        done += len(group)
        if progress:
            progress(done, total)
    return results, problems


def check_all(
    jobs: list[Job], settings: ImageSettings, cache_dir: Path, workers: int | None = None
) -> list[Problem]:
    """The problems `process_all` would report for these photos, found without processing any: a photo
    the cache knows unchanged needs nothing more; any other is opened and decoded cheaply
    (`pipeline.inspect`). Writes nothing."""
    chosen = _distinct(jobs)
    known = known_digests(list(chosen), Path(cache_dir).absolute() / DIGESTS)
    root = _entries(cache_dir, settings)
    found: dict[str, Failure | None] = {}
    todo: list[Job] = []
    for source, job in chosen.items():
        digest = known.get(source)
        manifest = _manifest(os.path.join(root, digest[:2], digest), None) if digest else None
        if manifest is None:
            todo.append(job)
        else:
            found[source] = _too_large(manifest, settings)
    if todo:
        # Threads: decoders release the GIL, and Pillow's limits are set once for all of them.
        with decoding(), ThreadPoolExecutor(min(len(todo), workers or os.cpu_count() or 1, 8)) as pool:
            outcomes = list(pool.map(lambda job: inspect(job.source, settings), todo))
        found.update(
            (job.source, Failure(*refused) if refused else None)
            for job, refused in zip(todo, outcomes, strict=True)
        )
    return [_problem(chosen[s].shown, refused) for s, refused in found.items() if refused]


def _problem(shown: str, failure: Failure) -> Problem:
    severity = Severity.WARNING if failure.photo else Severity.ERROR
    return Problem(shown, failure.message, failure.hint, None, severity)


def _warning(problem: Problem) -> Problem:
    return Problem(problem.path, problem.message, problem.hint, problem.line, Severity.WARNING)


def _distinct(jobs: list[Job]) -> dict[str, Job]:
    """One job per source and per published name (two photos meeting in one name are reported by the
    loader; the first is kept here)."""
    chosen: dict[str, Job] = {}
    names: set[str] = set()
    for job in jobs:
        if job.source not in chosen and job.out_base not in names:
            names.add(job.out_base)
            chosen[job.source] = job
    return chosen


def _entries(cache_dir: Path, settings: ImageSettings) -> Path:
    return Path(cache_dir).absolute() / f"v{PIPELINE_VERSION}-{settings.key()}"


def _manifest(entry: str, manifests: dict[str, dict[str, Any]] | None) -> dict[str, Any] | None:
    manifest = manifests.get(entry) if manifests is not None else None
    if manifest is None:
        manifest = read_manifest(Path(entry))
        if manifest is not None and manifests is not None:
            manifests[entry] = manifest
    return manifest


def _too_large(manifest: dict[str, Any], settings: ImageSettings) -> Failure | None:
    """A photo processed before (with a larger limit) that the current limit refuses."""
    if manifest["pixels"] <= settings.max_pixels:
        return None
    return Failure(*too_large_text((manifest["width"], manifest["height"]), settings.max_pixels))


_Runner = Callable[[list[Task]], list[Outcome]]


def _execute(
    tasks: list[Task], workers: int | None, run_chunk: _Runner | None = None
) -> Iterator[tuple[Task, Outcome]]:
    """Outcomes in the order tasks finish: inline for a few, else in worker processes, in small chunks."""
    run_chunk = run_chunk or _run_chunk
    workers = max(1, min(workers or os.cpu_count() or 1, len(tasks)))
    if len(tasks) <= INLINE_JOBS or workers == 1:
        for task in tasks:
            yield task, run_chunk([task])[0]
        return
    # Biggest first, so that no large photo is left alone at the end; small chunks keep cores balanced.
    tasks = sorted(tasks, key=_file_size, reverse=True)
    size = max(1, min(4, len(tasks) // (workers * 4)))
    chunks = [tasks[i : i + size] for i in range(0, len(tasks), size)]
    crashed: list[Task] = []
    with _pool(workers) as pool:
        with _interrupt_held():
            futures: dict[Future[list[Outcome]], list[Task]] = {pool.submit(run_chunk, c): c for c in chunks}
        for future in as_completed(futures):
            try:
                outcomes = future.result()
            except BrokenProcessPool:
                crashed.extend(futures[future])
                continue
            yield from zip(futures[future], outcomes, strict=True)
    yield from _isolate(crashed, run_chunk)


@contextmanager
def _pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """Worker processes that end with this block, however it ends: all work done, an error, Ctrl+C, or
    this generator dropped. Each worker also dies with this process if it is killed (`_worker_start`).
    The workers share a lock for large decodes (`pipeline.LARGE_DECODE`): one pool's, so that a worker
    that died holding it blocks no later pool."""
    context = _context()
    pool = ProcessPoolExecutor(
        workers, mp_context=context, initializer=_worker_start, initargs=(os.getpid(), context.Lock())
    )
    finished = False
    try:
        yield pool
        finished = True
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:  # do not wait for photos still queued or being processed
            running = list((pool._processes or {}).values())
            pool.shutdown(wait=False, cancel_futures=True)
            for process in running:
                process.terminate()


@contextmanager
def _interrupt_held() -> Iterator[None]:
    """Ctrl+C held back in this thread while it starts worker processes (`submit` does): a worker inherits
    the mask and ignores the signal once it runs (`_worker_start`), so a Ctrl+C while it is still starting
    up prints no traceback of its own. This process gets the signal when the block ends."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


_PR_SET_PDEATHSIG = 1


def _worker_start(parent: int, large: Any) -> None:
    """In a worker: Ctrl+C is for the parent to handle (no traceback from every worker); the worker dies
    with the parent, even a killed one: asked of Linux, and watched for everywhere. `large`: the pool's
    lock for large decodes."""
    share_lock(large)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl+C held back while it started is dropped
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    if sys.platform.startswith("linux"):
        with suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before we asked
        os._exit(1)
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: int) -> None:
    watched = multiprocessing.parent_process()
    if watched is not None:
        watched.join()  # returns once the parent is gone (its end of a pipe closes)
    else:
        while os.getppid() == parent:
            time.sleep(1)
    os._exit(1)


_CRASHED = Failure("处理这张图片时图片程序意外退出", "图片可能已损坏；请重新从手机或相机导出后再放进来")


def _isolate(tasks: list[Task], run_chunk: _Runner) -> Iterator[tuple[Task, Outcome]]:
    """After a worker died (a crash inside an image library), retry one image at a time to find the culprit."""
    while tasks:
        with _pool(1) as pool:
            with _interrupt_held():
                futures = [pool.submit(run_chunk, [task]) for task in tasks]
            for i, future in enumerate(futures):
                try:
                    outcome = future.result()[0]
                except BrokenProcessPool:
                    yield tasks[i], _CRASHED
                    tasks = tasks[i + 1 :]
                    break
                yield tasks[i], outcome
            else:
                tasks = []


def _context() -> multiprocessing.context.BaseContext:
    # "spawn" everywhere: forking a process that has threads (as `mkdocs serve` has) can deadlock.
    return multiprocessing.get_context("spawn")


def _file_size(task: Task) -> int:
    try:
        return os.path.getsize(task.source)
    except OSError:
        return 0


def _run_chunk(tasks: list[Task]) -> list[Outcome]:
    return [run(task) for task in tasks]
