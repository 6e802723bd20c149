"""Build the batch-inference benchmark's model and input (bench/batch-predict-bench.ts runs this).

A 100-tree RandomForestRegressor (max_depth 12 by default, the california-housing example's)
fitted on the california housing features, exported with skl2onnx and saved with
mlflow.onnx (column signature, input example), plus an input CSV of N rows: the dataset's
20,640 rows repeated with a little noise so the trees take different paths.

    .venv/bin/python bench/batch/make-bench-model.py <out dir> <rows> [<max depth>]
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import mlflow.onnx
import numpy as np
import pandas as pd
from mlflow.models import infer_signature
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.ensemble import RandomForestRegressor

ROOT = Path(__file__).resolve().parents[2]


def main(out: Path, rows: int, max_depth: int) -> None:
    frame = pd.read_csv(ROOT / "examples/california-housing/data/california-housing.csv").dropna()
    features = frame.drop(columns=["median_house_value", "ocean_proximity"]).astype("float64")
    target = frame["median_house_value"] / 100_000
    model_dir = out / ("model" if max_depth == 12 else f"model-depth-{max_depth}")
    if not (model_dir / "MLmodel").exists():
        model = RandomForestRegressor(n_estimators=100, max_depth=max_depth, random_state=0, n_jobs=-1)
        model.fit(features.to_numpy(), target)
        onnx_model = convert_sklearn(model, initial_types=[("float_input", FloatTensorType([None, features.shape[1]]))])
        shutil.rmtree(model_dir, ignore_errors=True)
        sample = features.head(2)
        signature = infer_signature(sample, model.predict(sample.to_numpy()))
        mlflow.onnx.save_model(onnx_model, str(model_dir), signature=signature, input_example=sample)
    csv = out / f"input-{rows}.csv"
    if not csv.exists():
        rng = np.random.default_rng(0)
        repeats = -(-rows // len(features))
        big = pd.concat([features] * repeats, ignore_index=True).head(rows)
        noise = rng.normal(1.0, 0.01, size=big.shape)
        big = (big * noise).round(4)
        big.to_csv(csv, index=False)
    print(model_dir)
    print(csv)


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 12)
