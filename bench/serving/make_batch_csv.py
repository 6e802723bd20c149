"""Write the serving benchmark's batch-scoring input: ``--rows`` rows of the housing features.

The 20,640 California housing rows (the model's eight feature columns, ``total_bedrooms``
imputed with its median, as in make_models.py) are repeated until there are ``--rows``, and
every repeat after the first is perturbed: each value times ``1 + N(0, 0.01)`` (seeded, so
the file is the same every time). Values are written with four decimals, so every column
parses as a float column. Prints ``{"rows", "bytes", "seconds"}`` as one JSON line.

    .venv/bin/python bench/serving/make_batch_csv.py --data examples/california-housing/data/california-housing.csv \
        --rows 1000000 --out /tmp/cache/batch-1000000.csv
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
from make_models import load_features

CHUNK_REPEATS = 8


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, type=Path)
    parser.add_argument("--rows", required=True, type=int)
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args()

    started = time.perf_counter()
    base, _ = load_features(args.data)
    values = base.to_numpy()
    rng = np.random.default_rng(0)
    partial = args.out.with_suffix(".partial")
    written = 0
    with partial.open("w", newline="") as out:
        out.write(",".join(base.columns) + "\n")
        repeat = 0
        while written < args.rows:
            # A few repeats at a time keeps memory small for any --rows.
            blocks = []
            for _ in range(CHUNK_REPEATS):
                take = min(len(values), args.rows - written - sum(len(b) for b in blocks))
                if take <= 0:
                    break
                block = values[:take]
                if repeat > 0:
                    block = block * (1 + rng.normal(0, 0.01, size=block.shape))
                blocks.append(block)
                repeat += 1
            chunk = np.vstack(blocks)
            pd.DataFrame(chunk).to_csv(out, header=False, index=False, float_format="%.4f")
            written += len(chunk)
    partial.rename(args.out)
    print(json.dumps({"rows": written, "bytes": args.out.stat().st_size, "seconds": round(time.perf_counter() - started, 2)}))


if __name__ == "__main__":
    main()
