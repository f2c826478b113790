"""The Dask executor: the same batch on a Dask cluster, against PostgreSQL; SQLite is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from klynge.batch import format_summary, run_batch
from klynge.errors import BatchError

distributed = pytest.importorskip("distributed")


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_batch_on_a_local_dask_cluster(settings, members):
    chosen = [members["fjell"], members["buss"], members["stuga"]]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as lc:
        summary = run_batch(settings, executor="dask", scheduler=lc, members=chosen, progress=False)
        workers = len(lc.workers)
    assert summary.ok, format_summary(summary)
    assert summary.workers == workers and 1 <= summary.kernel_starts <= workers  # one warm kernel per worker
    out = Path(settings.outputs)
    for member in chosen:
        assert summary.result("analysis", member).status == "ok"
        assert (out / "members" / str(member) / "report" / "report.html").read_text().endswith("</html>\n")
    assert (out / "index.html").exists() and (out / "cluster" / "cluster.json").exists()
    again = run_batch(settings, executor="dask", scheduler="tcp://127.0.0.1:9", members=chosen, resume=True,
                      progress=False)  # nothing to do: no cluster is contacted
    assert {r.status for r in again.results} == {"skipped"}


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_dask_refuses_sqlite(settings):
    with pytest.raises(BatchError, match="SQLite file on this machine"):
        run_batch(settings, executor="dask", scheduler="tcp://127.0.0.1:9")
