"""Dask integration: score a DataFrame of replies or conversations, one partition per task.

    import dask.dataframe as dd
    from replycoach.distributed import score_dask
    from replycoach.records import Columns

    ddf = dd.read_parquet("replies/")                  # columns id, text, customer, agent, ...
    scored = score_dask(ddf, columns=Columns(text="body"))   # columns id, result (a JSON line)

Each row gives exactly the result line `replycoach batch` writes for it (`result` is that line's
JSON), because the rows go through `records.normalise_records`, the normaliser the CLI's reader
uses. Where the index is the row's position in the export (`dd.from_pandas` of a default-indexed frame), record
numbers in RC110 messages and the `#N` ids of rows without an id match the single-process run
too; elsewhere (`dd.read_parquet` numbers each partition's rows from 0) they are index values.

- One `Coach` is built per worker process, per config and rule packs, and reused by every task.
  Use one thread per worker (`threads_per_worker=1`): scoring is pure-Python CPU work. Rule pack
  paths (`rules`, `Config.packs`) must exist on every worker.
- Conversation turns may be lists of objects (e.g. Parquet list<struct>) or JSON strings. Dask's
  `dataframe.convert-string` (on by default) turns an object column of Python lists made with
  `dd.from_pandas` into their repr, which is not JSON: store turns as JSON strings there.
- Linked tweets (`Columns(reply_to=..., inbound=...)`) find a customer tweet only in the same
  partition; for exact results join the customer text into a `customer` column first.
- dask is optional: `pip install 'replycoach[dask]'`. `score_partition` needs only pandas, so it
  also serves Spark's `mapInPandas` (see examples/spark_recipe.py).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .batch import score_item
from .coach import Coach
from .config import Config
from .records import Columns, Shape, normalise_records

if TYPE_CHECKING:
    import dask.dataframe as dd
    import pandas as pd

__all__ = ["score_dask", "score_partition"]

_COACHES: dict[tuple[str, tuple[str, ...]], Coach] = {}
_LOCK = threading.Lock()


def worker_coach(config: Config | None = None, rules: Sequence[str] = ()) -> Coach:
    """This process's Coach for `config` and `rules`, built on first use."""
    config = config or Config()
    key = (config.model_dump_json(), tuple(str(r) for r in rules))
    with _LOCK:
        if key not in _COACHES:
            _COACHES[key] = Coach(config=config, rules=list(key[1]))
        return _COACHES[key]


def _plain(value: Any) -> Any:
    """A cell as plain JSON data: missing values become None, numpy values Python ones, and
    anything else (timestamps, decimals) its str(), as records.py reads Parquet values."""
    import numpy as np
    import pandas as pd

    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in value]
    if value is None or pd.isna(value):
        return None
    if isinstance(value, np.generic) and not isinstance(value, (np.datetime64, np.timedelta64)):
        value = value.item()
    return value if isinstance(value, (str, bool, int, float)) else str(value)


def _empty(index: pd.Index) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({"id": pd.Series([], dtype=str), "result": pd.Series([], dtype=str)}, index=index[:0])


def score_partition(df: pd.DataFrame, *, config: Config | None = None, rules: Sequence[str] = (),
                    columns: Columns | None = None, shape: Shape | None = None) -> pd.DataFrame:
    """Score one partition: a DataFrame with columns `id` and `result` (JSON), on `df`'s index."""
    import pandas as pd

    if df.empty:
        return _empty(df.index)
    cols = columns or Columns()
    records = [{str(k): _plain(v) for k, v in row.items()} for row in df.to_dict(orient="records")]
    integer_index = pd.api.types.is_integer_dtype(df.index.dtype)
    positions = [int(i) for i in df.index] if integer_index else list(range(len(df)))
    coach = worker_coach(config, rules)
    ids, lines = [], []
    # The CLI's own normaliser, so every row becomes the Item it would in `replycoach batch`.
    for item in normalise_records(records, cols=cols, shape=shape):
        index = positions[item.index]
        no_id = records[item.index].get(cols.id) in (None, "")
        item = replace(item, index=index, id=f"#{index}" if no_id else item.id)
        result = score_item(coach, item)
        ids.append(item.id)
        lines.append(json.dumps(result, ensure_ascii=False))
    if len(lines) != len(df):
        raise RuntimeError(f"read {len(lines)} items from a partition of {len(df)} rows")
    return pd.DataFrame({"id": pd.Series(ids, dtype=str, index=df.index),
                         "result": pd.Series(lines, dtype=str, index=df.index)})


def score_dask(ddf: dd.DataFrame, *, config: Config | None = None, rules: Sequence[str] = (),
               columns: Columns | None = None, shape: Shape | None = None) -> dd.DataFrame:
    """Score every row of a Dask DataFrame, lazily: columns `id` and `result`, on `ddf`'s index."""
    try:
        import dask.dataframe  # noqa: F401
    except ImportError:
        raise ImportError("score_dask needs dask: pip install 'replycoach[dask]'") from None
    return ddf.map_partitions(score_partition, config=config, rules=tuple(str(r) for r in rules),
                              columns=columns, shape=shape, meta=_empty(ddf._meta.index))
