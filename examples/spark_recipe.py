"""Scoring replies on Spark with replycoach: `mapInPandas` over `replycoach.distributed.score_partition`.

Each Spark task receives its rows as pandas DataFrames (Arrow batches) and passes each batch to
`score_partition`, which gives one row per input row: `id` and `result`, the JSON line that
`replycoach batch` writes for that record (a report, a conversation, an error object or a
"skipped" note). One Coach is built per Python worker process and reused for every batch.

Run it (needs pyspark, which replycoach does not install; every executor needs replycoach and
pandas + pyarrow, e.g. `pip install replycoach pandas pyarrow` on each node):

    pip install pyspark
    python examples/spark_recipe.py replies.parquet results/            # local[*]
    python examples/spark_recipe.py replies.jsonl results/ --text-col body --agent-col author
    spark-submit --master yarn examples/spark_recipe.py s3://bucket/replies/ s3://bucket/scored/

The input is Parquet, JSON lines or CSV with a header (by suffix), columns named as for
`replycoach batch` (id, text, customer, agent, team, channel, time; or id + turns for
conversations). The output is JSON lines with `id` and `result`; read a result with
`json.loads(row.result)`.

Notes:
- Keep Python workers busy with one task per core (the default); scoring is CPU-bound.
  `spark.sql.execution.arrow.maxRecordsPerBatch` (10,000 by default) bounds each batch's memory.
- Record numbers in RC110 messages and the `#N` ids of rows without an id count from 0 in each
  batch: give every row an id.
- Linked tweets (reply ids) are resolved within one batch only: join the customer text into a
  `customer` column first (a self-join on the reply id).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import TYPE_CHECKING

from replycoach.records import Columns

if TYPE_CHECKING:
    import pandas as pd

SCHEMA = "id string, result string"


def score_batches(batches: Iterator[pd.DataFrame], columns: Columns) -> Iterator[pd.DataFrame]:
    """The `mapInPandas` function: one scored frame (id, result) per pandas batch."""
    from replycoach.distributed import score_partition

    for batch in batches:
        yield score_partition(batch.reset_index(drop=True), columns=columns)[["id", "result"]]


def main() -> None:
    parser = argparse.ArgumentParser(description="Score replies with replycoach on Spark.")
    parser.add_argument("input", help="Parquet, JSON lines (.jsonl/.json) or CSV (.csv) path")
    parser.add_argument("output", help="folder for the JSON-lines results")
    for name in ("id", "text", "customer", "agent", "team", "channel", "time", "turns"):
        parser.add_argument(f"--{name}-col", default=name, metavar="NAME", help=f"the {name} column")
    args = parser.parse_args()

    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("replycoach").getOrCreate()
    path: str = args.input
    if path.endswith((".jsonl", ".json", ".ndjson")):
        df = spark.read.json(path)
    elif path.endswith(".csv"):
        df = spark.read.option("header", True).option("multiLine", True).option("escape", '"').csv(path)
    else:
        df = spark.read.parquet(path)

    if args.turns_col in df.columns and dict(df.dtypes)[args.turns_col] != "string":
        # conversations: hand the turns over as JSON text, which replycoach parses, rather than
        # relying on Arrow's conversion of array<struct> columns
        from pyspark.sql import functions as F

        df = df.withColumn(args.turns_col, F.to_json(F.col(args.turns_col)))
    columns = Columns(id=args.id_col, text=args.text_col, customer=args.customer_col, agent=args.agent_col,
                      team=args.team_col, channel=args.channel_col, time=args.time_col, turns=args.turns_col)
    scored = df.mapInPandas(lambda batches: score_batches(batches, columns), schema=SCHEMA)
    scored.write.mode("overwrite").json(args.output)
    spark.stop()


if __name__ == "__main__":
    main()
