"""The Dask engine: partitions of the input analysed on a Dask cluster, by the local engine's function.

The workers read the input themselves (so a real cluster needs the files at the
same path on every worker, or on shared storage), a shuffle puts every
subscriber's rows in one partition, and each partition goes through
:meth:`tariffcli.batch.analyser.Analyser.analyse`. dask and distributed are
imported only by the functions here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tariffcli.batch.analyser import Analyser
from tariffcli.batch.files import InputSpec
from tariffcli.batch.summary import Summary
from tariffcli.inputs.csvtext import MAX_PROBLEMS
from tariffcli.model.errors import DataError, Problem, UsageError

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

__all__ = ["local_cluster", "run_dask"]


def local_cluster(workers: int | None = None) -> Any:
    """A Dask cluster of worker processes on loopback, with no dashboard.

    Its HTTP server (health and metrics routes, which distributed always starts)
    listens on a free loopback port, so the cluster starts whether or not port
    8787 is taken (by a Jupyter or Dask dashboard) and is reachable from this
    machine only.
    """
    from distributed import LocalCluster

    return LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                        host="127.0.0.1", dashboard_address="127.0.0.1:0", scheduler_kwargs={"dashboard": False})


def _partition(frame: Any, analyser: Analyser) -> pa.Table:
    """What a Dask worker runs on one partition: the same function as the local engine."""
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=False)
    return analyser.analyse(table)


def _read(spec: InputSpec, blocksize: str) -> Any:
    """The input as a Dask dataframe in the canonical columns (read by the workers)."""
    import dask.dataframe as dd

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
             progress: Callable[[int, int], None] | None = None, blocksize: str = "64MiB") -> Summary:
    """Run the analysis on a Dask cluster: the scheduler at ``scheduler``, or :func:`local_cluster`.

    Output tables come back to this process in partition order and go to
    ``write``. ``progress(done, partitions)`` is called as each partition
    arrives. Every partition's problems are reported at once (up to
    :data:`MAX_PROBLEMS`); nothing is written after the first.
    """
    try:
        import dask
        import dask.dataframe  # noqa: F401 - used by _read; a missing extra is reported here
        from distributed import Client
    except ImportError:
        raise UsageError("--engine dask needs dask.distributed: pip install 'tariffcli[dask]'", field="engine") from None

    import logging

    logging.getLogger("distributed.shuffle").setLevel(logging.ERROR)  # start/stop notices of every shuffle
    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except OSError as exc:
            raise UsageError(f"--scheduler {scheduler}: cannot connect: {exc}", field="scheduler") from None
    else:
        cluster = local_cluster(workers)
        client = Client(cluster)
    try:
        frame = _read(spec, blocksize)
        # every subscriber's rows in one partition; at least two partitions per worker thread
        threads = sum(client.nthreads().values()) or 1
        parts = frame.shuffle(on="subscriber", npartitions=max(frame.npartitions, 2 * threads)).to_delayed()
        shared = client.scatter(analyser, broadcast=True)
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
            shown = problems[:MAX_PROBLEMS]
            if len(problems) > MAX_PROBLEMS:
                shown.append(Problem(f"... and {len(problems) - MAX_PROBLEMS} more problem(s)", code="more"))
            raise DataError(shown)
        return summary
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
