"""The project's own label files under benchmarks/training: their shape, and the RSiCS split.

RSiCS requests with even request ids may train the customer-state model; odd ids stay unseen by
training, so the label files must hold even ids only, each once, and ids and labels only (the
texts are third-party data and stay in the shared data folder)."""

import json
from pathlib import Path

TRAINING = Path(__file__).resolve().parents[1] / "benchmarks" / "training"


def test_rsics_label_files_hold_even_ids_once_with_labels_only():
    files = sorted(TRAINING.glob("rsics-upset-labels*.jsonl"))
    assert len(files) >= 2
    seen: set[str] = set()
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            row = json.loads(line)
            place = f"{path.name}:{n}"
            assert set(row) <= {"id", "customer_upset", "notes"}, place
            assert row["customer_upset"] in (0, 1, None), place
            dataset, _, request = row["id"].removeprefix("rsics:").partition("/")
            assert dataset in {"1", "2", "3", "4"} and int(request) % 2 == 0, place
            assert row["id"] not in seen, place
            seen.add(row["id"])
