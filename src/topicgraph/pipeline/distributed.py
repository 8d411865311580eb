"""The extract step on a Dask cluster, ``topicgraph load`` as the single writer (README: "Scaling out").

Each of N tasks of a ``dask.bag`` runs ``extract --shard K/N`` over the same paths (every worker must see
them, e.g. on a shared file system) and writes its own extraction file; the caller then loads the files
into the store, one writer under the writers' rule. Needs ``pip install "topicgraph[scale]"``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import TopicgraphError
from ..knowledge.curation import curated_kb
from ..sources import ReadOptions


def _extract_shard(shard: int, paths: list[str], out_dir: str, shards: int, model: str | None,
                   store_dir: str | None, options: ReadOptions | None) -> str:
    """One task: extract shard ``shard`` of ``shards`` into ``out_dir``; returns the file's path."""
    from .extract import extract_to_file  # imported on the worker, where the task runs

    output = Path(out_dir) / f"extractions-{shard:04d}-of-{shards:04d}.jsonl"
    report = extract_to_file(paths, output, kb=curated_kb(Path(store_dir) if store_dir else None), model=model,
                             shard=(shard, shards), options=options)
    if report.problems:  # only shard 1 reports problems of the sources: raise them with the file's name
        raise TopicgraphError("; ".join(str(p) for p in report.problems[:5]))
    return str(output)


def extract_on_dask(client, paths: Iterable[str | Path], out_dir: str | Path, shards: int | None = None,
                    model: str | None = None, store_dir: str | Path | None = None,
                    options: ReadOptions | None = None) -> list[Path]:
    """Extract ``paths`` on the Dask cluster of ``client`` in ``shards`` tasks (default: one per worker) into
    extraction files in ``out_dir``; returns them in shard order, ready for ``load_extractions``.
    ``store_dir``: the on-disk store whose curation the extraction must use (None: the shipped knowledge base);
    ``options``: how the readers take CSV columns and the like, as for ingest."""
    try:
        import dask.bag as db
    except ImportError:
        raise TopicgraphError('Dask is not installed: pip install "topicgraph[scale]"') from None
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    shards = shards or max(1, len(client.scheduler_info()["workers"]))
    bag = db.from_sequence(range(1, shards + 1), npartitions=shards)
    files = bag.map(_extract_shard, paths=[str(p) for p in paths], out_dir=str(out_dir), shards=shards, model=model,
                    store_dir=str(store_dir) if store_dir else None, options=options).compute(scheduler=client.get)
    return [Path(f) for f in files]
