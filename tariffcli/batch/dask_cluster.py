"""The Dask engine: partitions of the input analysed on a Dask cluster, by the local engine's function.

The workers read the input themselves (so a real cluster needs the files at the
same path on every worker, or on shared storage) and each partition goes through
:meth:`tariffcli.batch.analyser.Analyser.analyse`. A Parquet input grouped by
subscriber is split into runs of row groups that the workers read directly
(:mod:`tariffcli.batch.dask_parts`: no shuffle, no data between workers); any
other input is read as a Dask dataframe and shuffled so that every subscriber's
rows are in one partition. dask and distributed are imported only by the
functions here.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tariffcli.batch.analyser import Analyser
from tariffcli.batch.files import InputSpec
from tariffcli.batch.outdir import OutputDir, PartWriter
from tariffcli.batch.summary import Summary
from tariffcli.inputs.csvtext import MAX_PROBLEMS
from tariffcli.model.errors import DataError, Problem, UsageError

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

__all__ = ["local_cluster", "run_dask"]


def local_cluster(workers: int | None = None) -> Any:
    """A Dask cluster of worker processes (one thread each) on loopback, with no dashboard.

    Its HTTP server (health and metrics routes, which distributed always starts)
    listens on a free loopback port, so the cluster starts whether or not port
    8787 is taken (by a Jupyter or Dask dashboard) and is reachable from this
    machine only.
    """
    import dask
    from distributed import LocalCluster

    # forkserver: the workers are forked from one small server process, not each started afresh (spawn
    # costs about 1 s more here), and not forked from this process with its threads (fork)
    with dask.config.set({"distributed.worker.multiprocessing-method": "forkserver"}):
        return LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                            host="127.0.0.1", dashboard_address="127.0.0.1:0", scheduler_kwargs={"dashboard": False})


def _partition(frame: Any, analyser: Analyser) -> pa.Table:
    """What a Dask worker runs on one partition: the same function as the local engine."""
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=False)
    return analyser.analyse(table)


def _partition_to_dir(frame: Any, analyser: Analyser, writer: PartWriter, index: int) -> tuple[Summary, int, str | None]:
    """A partition analysed and written as a part by the worker: (its summary, rows, temporary part or None)."""
    out = _partition(frame, analyser)
    summary = Summary()
    if not out.num_rows:
        return summary, 0, None
    summary.add(out)
    return summary, out.num_rows, writer.write(out, index)


def _analyse_and_write(part: Any, index: int, analyser: Analyser, writer: PartWriter) -> tuple[Any, str | None]:
    """What a worker runs with ``--out DIR/``: bill a run of row groups and write its rows as a temporary part
    at once (:func:`tariffcli.batch.dask_parts.analyse_part`); the counts and keys, and the part's name."""
    from tariffcli.batch.dask_parts import analyse_part

    head, out = analyse_part(part, analyser)
    return head, (writer.write(out, index) if out.num_rows else None)


def _read(spec: InputSpec, blocksize: str) -> Any:
    """The input as a Dask dataframe in the canonical columns (read by the workers)."""
    try:
        import dask.dataframe as dd
    except ImportError:
        raise UsageError("--engine dask needs dask.dataframe: pip install 'tariffcli[dask]'", field="engine") from None

    files = [str(f.resolve()) for f in spec.files]
    source = spec.columns.source()
    if spec.format == "parquet":
        frame = dd.read_parquet(files, columns=source)
    else:
        frame = dd.read_csv(files, usecols=source, dtype=dict.fromkeys(source, "string"), sep=spec.delimiter,
                            encoding="gb18030" if spec.encoding == "gb18030" else "utf-8-sig",
                            blocksize=blocksize, keep_default_na=False, na_values=[""])
    return frame.rename(columns=spec.columns.renames())


def run_dask(spec: InputSpec, analyser: Analyser, write: Callable[[pa.Table], None], *,
             scheduler: str | None = None, workers: int | None = None,
             progress: Callable[[int, int], None] | None = None, blocksize: str = "64MiB",
             to_dir: OutputDir | None = None) -> Summary:
    """Run the analysis on a Dask cluster: the scheduler at ``scheduler``, or :func:`local_cluster`.

    A Parquet input whose rows come grouped by subscriber is read by the workers
    in runs of row groups, with no shuffle (:mod:`tariffcli.batch.dask_parts`);
    otherwise (CSV, or a subscriber's rows apart) the rows are shuffled by
    subscriber first. Output tables come back to this process in partition
    order and go to ``write``. ``progress(done, partitions)`` is called as each
    partition arrives. Every partition's problems are reported at once (up to
    :data:`MAX_PROBLEMS`); nothing is written after the first.

    With ``to_dir`` (``--out DIR/``) the output rows never come to this process:
    each worker writes its partition's rows as a temporary part in DIR
    (:mod:`tariffcli.batch.outdir`) and sends back only its summary; the caller
    commits or aborts ``to_dir``.
    """
    try:
        import distributed
    except ImportError:
        raise UsageError("--engine dask needs dask.distributed: pip install 'tariffcli[dask]'", field="engine") from None

    cluster = None
    if scheduler:
        try:
            client = distributed.Client(scheduler, timeout="20s", direct_to_workers=True)
        except OSError as exc:
            raise UsageError(f"--scheduler {scheduler}: cannot connect: {exc}", field="scheduler") from None
    else:
        cluster = local_cluster(workers)
        client = distributed.Client(cluster, direct_to_workers=True)
    try:
        threads = sum(client.nthreads().values()) or 1
        if spec.format == "parquet":
            summary = _grouped(client, spec, analyser, write, progress, threads, to_dir)
            if summary is not None:
                return summary
        return _shuffled(client, spec, analyser, write, progress, blocksize, threads, to_dir)
    except BaseException:
        if to_dir is not None:  # no worker starts a part after this (one being written ends; abort removes it)
            with contextlib.suppress(Exception):
                client.cancel([distributed.Future(k, client) for k in list(client.futures)], force=True)
        raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _problems(problems: list[Problem]) -> DataError:
    shown = problems[:MAX_PROBLEMS]
    if len(problems) > MAX_PROBLEMS:
        shown.append(Problem(f"... and {len(problems) - MAX_PROBLEMS} more problem(s)", code="more"))
    return DataError(shown)


def _grouped(client: Any, spec: InputSpec, analyser: Analyser, write: Callable[[pa.Table], None],
             progress: Callable[[int, int], None] | None, threads: int, to_dir: OutputDir | None) -> Summary | None:
    """The no-shuffle path: each worker reads and bills its own row groups; None when the rows are not grouped.

    The workers keep their output rows until every partition's subscriber keys are back and no
    subscriber is in two partitions; then the rows come to this process in order.
    """
    import operator

    from tariffcli.batch.dask_parts import analyse_part, plan_parts, repeated_keys

    parts = plan_parts(spec, 8 * threads)  # small parts (whole row groups) balance the workers
    if not parts:
        return None
    shared = client.scatter(analyser, broadcast=True)
    if to_dir is not None:
        return _grouped_to_dir(client, parts, shared, progress, to_dir)
    done = client.map(analyse_part, parts, analyser=shared, pure=False)
    heads = client.map(operator.itemgetter(0), done, pure=False)
    problems: list[Problem] = []
    results = []
    for k, fut in enumerate(heads):
        try:
            results.append(fut.result())
        except DataError as exc:  # keep going: every partition's problems are reported at once
            problems.extend(p for p in exc.problems if p.code != "more")
        if progress is not None:
            progress(k + 1, len(heads))
    if problems:
        raise _problems(problems)
    if repeated_keys([r.keys for r in results]):
        client.cancel(done)
        return None
    summary = Summary()
    for fut, head in zip(done, results, strict=True):
        table = client.submit(operator.itemgetter(1), fut, pure=False).result()
        fut.release()
        if table.num_rows:
            write(table)
        summary.merge(head.summary)
    return summary


def _grouped_to_dir(client: Any, parts: list[Any], analyser: Any, progress: Callable[[int, int], None] | None,
                    to_dir: OutputDir) -> Summary | None:
    """The no-shuffle path with ``--out DIR/``: each worker bills its row groups and writes its part in the same
    task (no output row leaves the worker); the counts, keys and part names come back. None, with the parts
    removed, when the rows are not grouped."""
    from tariffcli.batch.dask_parts import repeated_keys

    to_dir.reserve(len(parts))
    done = client.map(_analyse_and_write, parts, list(range(len(parts))), analyser=analyser, writer=to_dir.writer,
                      pure=False)
    problems: list[Problem] = []
    results = []
    for k, fut in enumerate(done):
        try:
            head, name = fut.result()
            results.append(head)
            if name is not None:
                to_dir.add(k, name, len(head.keys))
        except DataError as exc:  # keep going: every partition's problems are reported at once
            problems.extend(p for p in exc.problems if p.code != "more")
        except OSError as exc:  # a full disk on a worker, say
            raise to_dir.cannot(exc) from None
        if progress is not None:
            progress(k + 1, len(done))
    if problems:
        raise _problems(problems)
    if repeated_keys([r.keys for r in results]):
        to_dir.discard()  # the shuffle writes them again
        return None
    summary = Summary()
    for head in results:
        summary.merge(head.summary)
    return summary


def _shuffled(client: Any, spec: InputSpec, analyser: Analyser, write: Callable[[pa.Table], None],
              progress: Callable[[int, int], None] | None, blocksize: str, threads: int,
              to_dir: OutputDir | None) -> Summary:
    """The shuffle path: Dask reads the input as a dataframe and moves every subscriber's rows to one partition."""
    import logging

    import dask

    logging.getLogger("distributed.shuffle").setLevel(logging.ERROR)  # start/stop notices of every shuffle
    frame = _read(spec, blocksize)
    # every subscriber's rows in one partition; at least two partitions per worker thread
    parts = frame.shuffle(on="subscriber", npartitions=max(frame.npartitions, 2 * threads)).to_delayed()
    shared = client.scatter(analyser, broadcast=True)
    if to_dir is not None:
        to_dir.reserve(len(parts))
        return _shuffled_to_dir(client, [dask.delayed(_partition_to_dir)(p, shared, to_dir.writer, k)
                                         for k, p in enumerate(parts)], progress, to_dir)
    futures = client.compute([dask.delayed(_partition)(p, shared) for p in parts])
    summary = Summary()
    problems: list[Problem] = []
    for k, fut in enumerate(futures):
        try:
            table = fut.result()
        except DataError as exc:  # keep going: every partition's problems are reported at once
            problems.extend(p for p in exc.problems if p.code != "more")
            table = None
        fut.release()
        if table is not None and table.num_rows and not problems:
            summary.add(table)
            write(table)
        if progress is not None:
            progress(k + 1, len(futures))
    if problems:
        raise _problems(problems)
    return summary


def _shuffled_to_dir(client: Any, tasks: list[Any], progress: Callable[[int, int], None] | None,
                     to_dir: OutputDir) -> Summary:
    """The shuffle path with ``--out DIR/``: each worker writes its partition; summaries come back."""
    futures = client.compute(tasks)
    summary = Summary()
    problems: list[Problem] = []
    for k, fut in enumerate(futures):
        try:
            part, rows, name = fut.result()
            if name is not None:
                to_dir.add(k, name, rows)
            summary.merge(part)
        except DataError as exc:  # keep going: every partition's problems are reported at once
            problems.extend(p for p in exc.problems if p.code != "more")
        except OSError as exc:  # a full disk on a worker, say
            raise to_dir.cannot(exc) from None
        fut.release()
        if progress is not None:
            progress(k + 1, len(futures))
    if problems:
        raise _problems(problems)
    return summary
