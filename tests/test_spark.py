"""PySpark in local mode with two workers: frame.score and the per-patient path on
Spark partitions give every value the single-process run gives (docs/frames.md)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import narwhals as nw
import pandas
import polars
import pytest

from frame_tables import item_table, observations
from sle_scoring import batch, frame

if shutil.which("java") is None and not os.environ.get("CI"):
    # CI (.ci/run) installs a Java runtime, so there this test always runs.
    pytest.skip(
        "PySpark needs a Java runtime: install one (e.g. apt-get install "
        "openjdk-17-jre-headless) or run .ci/run, which does",
        allow_module_level=True,
    )

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import types as sql_types

# PySpark 4.3 warns that pandas 3 is not yet fully supported; the tests below check
# every value it hands back, so the warning is not an error here.
pytestmark = pytest.mark.filterwarnings(
    "ignore:PySpark does not yet fully support pandas:FutureWarning"
)

# The Spark type of each narwhals type frame.schema uses (docs/frames.md).
SPARK_TYPES = {
    nw.Int64(): sql_types.LongType(),
    nw.Boolean(): sql_types.BooleanType(),
    nw.String(): sql_types.StringType(),
}


def spark_schema(columns: dict[str, Any]) -> sql_types.StructType:
    return sql_types.StructType(
        [sql_types.StructField(name, SPARK_TYPES[t], True) for name, t in columns.items()]
    )


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    session = (
        SparkSession.builder.master("local[2]")
        .appName("sle_scoring-tests")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    yield session
    session.stop()


def with_rows(spark: SparkSession, table: dict[str, list[Any]], partitions: int) -> DataFrame:
    """The table in Spark with every column a string, and ``row``: its global row
    number as a CSV file's (the header is row 1)."""
    schema = sql_types.StructType(
        [sql_types.StructField(name, sql_types.StringType(), True) for name in table]
    )
    data = list(zip(*table.values(), strict=True))
    numbered = spark.sparkContext.parallelize(data, partitions).zipWithIndex()
    rows = numbered.map(lambda pair: (*pair[0], pair[1] + 2))
    return spark.createDataFrame(
        rows,
        sql_types.StructType([*schema.fields, sql_types.StructField("row", sql_types.LongType())]),
    )


def score_on_spark(sdf: DataFrame, instruments: tuple[str, ...]) -> DataFrame:
    """The docs/frames.md recipe: frame.score on each Arrow batch of pandas rows.

    Spark resolves a dotted input column (``sledai_2k.rash``) as a field of a struct,
    so the columns go in with ``.`` spelled ``__`` and are named back in each batch.
    """
    names = sdf.columns

    def batches(parts: Iterator[pandas.DataFrame]) -> Iterator[pandas.DataFrame]:
        for part in parts:
            part.columns = names
            yield frame.score(part, instruments, ignore_unknown=True, rows="row")

    input_types = {f.name: f.dataType for f in sdf.schema.fields}
    sdf = sdf.toDF(*(name.replace(".", "__") for name in names))
    out = sql_types.StructType(
        [sql_types.StructField(n, t, True) for n, t in input_types.items()]
        + list(spark_schema(frame.schema(instruments)).fields)
    )
    return sdf.mapInPandas(batches, schema=out)


def test_ten_thousand_rows_as_one_process(spark: SparkSession) -> None:
    table = item_table(10_000)
    expected = frame.score(polars.DataFrame(table), ignore_unknown=True).rows(named=True)
    scored = score_on_spark(with_rows(spark, table, 4), frame.DEFAULT_INSTRUMENTS)
    found = sorted((row.asDict() for row in scored.collect()), key=lambda row: row["row"])
    assert len(found) == len(expected)
    assert any(row["error"] for row in expected)  # error rows are part of the comparison
    for number, (got, want) in enumerate(zip(found, expected, strict=True), start=2):
        assert got.pop("row") == number
        assert got == want
        if want["error"] is not None:
            assert f"row {number} " in want["error"]  # global, as in the source file


def test_a_column_null_in_every_row(spark: SparkSession) -> None:
    # Only unclassified patients: first_fulfilled and as_of are null in every row,
    # and one item column is null in every row too; the schema is still the documented one.
    table = item_table(200)
    table["sledai_2k.rash"] = [None] * 200
    scored = score_on_spark(with_rows(spark, table, 2), ("eular_acr_2019", "sledai_2k"))
    added = spark_schema(frame.schema(("eular_acr_2019", "sledai_2k")))
    assert [f for f in scored.schema.fields if f.name in added.fieldNames()] == added.fields
    nulls = scored.filter(scored["`eular_acr_2019.first_fulfilled`"].isNotNull()).count()
    assert nulls == 0
    expected = frame.score(
        polars.DataFrame(table), ("eular_acr_2019", "sledai_2k"), ignore_unknown=True
    )
    found = scored.orderBy("row").drop("row").collect()
    assert [row.asDict() for row in found] == expected.rows(named=True)


def test_patient_records_as_one_process(spark: SparkSession) -> None:
    long = observations(300)
    settings = batch.Settings()
    expected = frame.score_observations(polars.DataFrame(long), settings).rows(named=True)
    schema = sql_types.StructType(
        [
            sql_types.StructField("patient_id", sql_types.StringType()),
            sql_types.StructField("code", sql_types.StringType()),
            sql_types.StructField("date", sql_types.StringType()),
            sql_types.StructField("value_number", sql_types.DoubleType()),
            sql_types.StructField("value_text", sql_types.StringType()),
            sql_types.StructField("unit", sql_types.StringType()),
        ]
    )
    # A shuffle does not keep the order of a patient's rows, and an error names an
    # observation by its position: "seq" puts them back in the source's order.
    numbered = [(*row, seq) for seq, row in enumerate(zip(*long.values(), strict=True))]
    schema = sql_types.StructType(
        [*schema.fields, sql_types.StructField("seq", sql_types.LongType())]
    )
    sdf = spark.createDataFrame(numbered, schema).repartition(4)

    def one_patient(rows: pandas.DataFrame) -> pandas.DataFrame:
        ordered = rows.sort_values("seq").drop(columns="seq")
        scored: pandas.DataFrame = frame.score_observations(ordered, settings)
        return scored

    out = spark_schema(frame.observations_schema(settings))
    scored = sdf.groupBy("patient_id").applyInPandas(one_patient, schema=out)
    found = sorted((row.asDict() for row in scored.collect()), key=lambda r: r["patient_id"])
    assert found == sorted(expected, key=lambda r: r["patient_id"])
    assert any(row["error"] for row in expected)
