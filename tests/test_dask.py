"""Dask on a distributed LocalCluster with two worker processes: frame.score and the
per-patient path on Dask partitions give every value one process gives (docs/frames.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dask.dataframe as dd
import pandas
import polars
import pytest
from distributed import Client, LocalCluster

from frame_tables import item_table, observations
from sle_scoring import batch, frame


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    # distributed's constructors carry no annotations.
    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with cluster, Client(cluster) as connected:  # type: ignore[no-untyped-call]
        yield connected


def plain(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with pandas' missing markers read as None, as Polars gives them."""
    return [{k: (None if v is pandas.NA or v is None else v) for k, v in r.items()} for r in rows]


def test_ten_thousand_rows_as_one_process(client: Client) -> None:
    table = item_table(10_000)
    expected = frame.score(polars.DataFrame(table), ignore_unknown=True).rows(named=True)
    source = pandas.DataFrame(table)
    # The recipe of docs/frames.md: global row numbers first (the header is row 1),
    # then frame.score on each partition, the schema taken from an empty frame.
    ddf = dd.from_pandas(source, npartitions=4).assign(row=1)  # type: ignore[no-untyped-call]
    ddf = ddf.assign(row=ddf["row"].cumsum() + 1)
    meta = frame.score(ddf._meta, ignore_unknown=True, rows="row")
    scored = ddf.map_partitions(frame.score, ignore_unknown=True, rows="row", meta=meta)
    found = scored.compute()
    assert len(found) == len(expected)
    assert found["row"].tolist() == list(range(2, 10_002))
    assert any(row["error"] for row in expected)  # error rows are part of the comparison
    rows = plain(found.drop(columns="row").to_dict("records"))
    for number, (got, want) in enumerate(zip(rows, expected, strict=True), start=2):
        assert got == want
        if want["error"] is not None:
            assert f"row {number} " in want["error"]  # global, as in the source file


def test_patient_records_as_one_process(client: Client) -> None:
    long = observations(300)
    settings = batch.Settings()
    expected = frame.score_observations(polars.DataFrame(long), settings).rows(named=True)
    # A shuffle does not keep the order of a patient's rows, and an error names an
    # observation by its position: "seq" puts them back in the source's order.
    source = pandas.DataFrame(long).assign(seq=range(len(long["code"])))
    ddf = dd.from_pandas(source, npartitions=4)  # type: ignore[no-untyped-call]

    def patients(rows: pandas.DataFrame) -> pandas.DataFrame:
        ordered = rows.sort_values("seq").drop(columns="seq")
        scored: pandas.DataFrame = frame.score_observations(ordered, settings)
        return scored

    # A shuffle on patient_id puts each patient's rows in one partition.
    meta = patients(source.iloc[:0])
    found = ddf.shuffle(on="patient_id").map_partitions(patients, meta=meta).compute()
    rows = sorted(plain(found.to_dict("records")), key=lambda r: r["patient_id"])
    assert rows == sorted(expected, key=lambda r: r["patient_id"])
    assert any(row["error"] for row in expected)
