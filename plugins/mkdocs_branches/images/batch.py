"""Every photo of a build: duplicates refused, the cache consulted, the rest processed in worker processes.

`process_all` returns, for each source file, the renditions to publish; a bad image becomes a `Problem`,
never an exception. Work runs in a pool of processes, one per core, in small chunks, biggest first.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from ..errors import Problem, Severity
from .cache import DIGESTS, digests, processed, read_manifest
from .pipeline import Outcome, Task, run, too_large_text, unreadable
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
    """Renditions for every job, keyed by `Job.source`; each bad image becomes a Problem (ERROR).

    `progress(done, total)` is called in this process after the cache is checked and as images finish;
    `total` counts distinct sources. `workers` defaults to the number of cores. `manifests`, kept by a
    caller across calls (`mkdocs serve`), remembers cache entries already read.
    """
    problems: list[Problem] = []
    chosen: dict[str, Job] = {}
    owners: dict[str, Job] = {}
    for job in jobs:
        if job.source in chosen:
            continue
        other = owners.get(job.out_base)
        if other is not None:
            problems.append(
                Problem(
                    job.shown,
                    f"这张图片和“{other.shown}”发布后的文件名相同（{job.out_base}）",
                    "两张图片的文件名只差扩展名或转成拼音后相同；请把其中一张改个名字",
                )
            )
            continue
        owners[job.out_base] = chosen[job.source] = job
    total, done = len(chosen), 0
    root = Path(cache_dir).absolute() / f"v{PIPELINE_VERSION}-{settings.key()}"
    results: dict[str, Processed] = {}
    pending: dict[str, list[Job]] = {}
    hashes = digests(list(chosen), workers, Path(cache_dir).absolute() / DIGESTS)
    for job, digest in zip(chosen.values(), hashes, strict=True):
        if isinstance(digest, OSError):
            problems.append(unreadable(job.shown, digest))
            done += 1
            continue
        entry = os.path.join(root, digest[:2], digest)  # strings: this runs for every photo, every build
        manifest = manifests.get(entry) if manifests is not None else None
        if manifest is None:
            manifest = read_manifest(Path(entry))
            if manifest is not None and manifests is not None:
                manifests[entry] = manifest
        if manifest is None:
            pending.setdefault(entry, []).append(job)
            continue
        done += 1
        if manifest["pixels"] > settings.max_pixels:
            size = (manifest["width"], manifest["height"])
            problems.append(Problem(job.shown, *too_large_text(size, settings.max_pixels)))
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
                message, hint = outcome
                problems.append(Problem(job.shown, message, hint, None, Severity.ERROR))
        done += len(group)
        if progress:
            progress(done, total)
    return results, problems


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
    pool = ProcessPoolExecutor(workers, mp_context=_context())
    try:
        futures: dict[Future[list[Outcome]], list[Task]] = {pool.submit(run_chunk, c): c for c in chunks}
        for future in as_completed(futures):
            try:
                outcomes = future.result()
            except BrokenProcessPool:
                crashed.extend(futures[future])
                continue
            yield from zip(futures[future], outcomes, strict=True)
    finally:
        # Normally everything is done here; after Ctrl+C, do not wait for the photos still queued.
        pool.shutdown(wait=True, cancel_futures=True)
    yield from _isolate(crashed, run_chunk)


_CRASHED = ("处理这张图片时图片程序意外退出", "图片可能已损坏；请重新从手机或相机导出后再放进来")


def _isolate(tasks: list[Task], run_chunk: _Runner) -> Iterator[tuple[Task, Outcome]]:
    """After a worker died (a crash inside an image library), retry one image at a time to find the culprit."""
    while tasks:
        with ProcessPoolExecutor(1, mp_context=_context()) as pool:
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
