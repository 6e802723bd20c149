"""Train the serving benchmark's model and save it twice: as MLflow sklearn and as MLflow ONNX.

One scikit-learn RandomForestRegressor (``--trees`` trees, ``--max-depth``; ``none`` for
unbounded, sklearn's default) on the California housing data: the eight numeric columns,
``total_bedrooms`` imputed with its median, target ``median_house_value / 100_000``. The
fitted forest is written

- with ``mlflow.sklearn.save_model`` to ``<out>/sklearn`` (served by ``mlflow models serve``),
- converted by skl2onnx and written with ``mlflow.onnx.save_model`` to ``<out>/onnx`` (served
  by Slipway),

both with the same signature (eight double columns → one double) and input example. Also
writes ``<out>/body.json`` (the single-row ``dataframe_split`` request both servers get),
``<out>/expected.json`` (sklearn's prediction for that row) and ``<out>/meta.json`` (what was
built, for the report). Prints meta as one JSON line.

    .venv/bin/python bench/serving/make_models.py --data examples/california-housing/data/california-housing.csv \
        --out /tmp/cache/rf-100-d10 --trees 100 --max-depth 10
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

import mlflow.onnx
import mlflow.sklearn
import numpy as np
import pandas as pd
import skl2onnx
import sklearn
from mlflow.models import infer_signature
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.ensemble import RandomForestRegressor

FEATURES = [
    "longitude",
    "latitude",
    "housing_median_age",
    "total_rooms",
    "total_bedrooms",
    "population",
    "households",
    "median_income",
]
TARGET = "median_house_value"


def load_features(data: Path) -> tuple[pd.DataFrame, pd.Series]:
    frame = pd.read_csv(data)
    features = frame[FEATURES].astype("float64")
    features = features.fillna(features.median())
    return features, frame[TARGET] / 100_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--trees", type=int, default=100)
    parser.add_argument("--max-depth", default="10", help="an integer, or 'none' for unbounded")
    args = parser.parse_args()
    max_depth = None if args.max_depth == "none" else int(args.max_depth)

    features, target = load_features(args.data)
    started = time.perf_counter()
    model = RandomForestRegressor(n_estimators=args.trees, max_depth=max_depth, random_state=0, n_jobs=-1)
    model.fit(features, target)
    fit_seconds = time.perf_counter() - started
    model.set_params(n_jobs=None)  # serve and predict single-threaded, sklearn's default

    # The converter sees one float tensor [N, 8]; Slipway feeds the signature's columns into it in order.
    onnx_model = convert_sklearn(
        model, initial_types=[("float_input", FloatTensorType([None, len(FEATURES)]))], target_opset={"": 17, "ai.onnx.ml": 3}
    )

    example = features.head(2).reset_index(drop=True)
    signature = infer_signature(example, model.predict(example))
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    # MLflow 3 writes sklearn models with skops, which asks to trust the tree class explicitly.
    mlflow.sklearn.save_model(
        model,
        str(args.out / "sklearn"),
        signature=signature,
        input_example=example,
        skops_trusted_types=["sklearn.tree._tree.Tree"],
    )
    mlflow.onnx.save_model(onnx_model, str(args.out / "onnx"), signature=signature, input_example=example)

    row = features.head(1)
    body = {"dataframe_split": {"columns": FEATURES, "data": row.to_numpy().tolist()}}
    (args.out / "body.json").write_text(json.dumps(body))
    (args.out / "expected.json").write_text(json.dumps({"predictions": model.predict(row).tolist()}))

    nodes = int(sum(tree.tree_.node_count for tree in model.estimators_))
    meta = {
        "trees": args.trees,
        "max_depth": max_depth,
        "deepest_tree": int(max(tree.tree_.max_depth for tree in model.estimators_)),
        "nodes": nodes,
        "training_rows": int(len(features)),
        "fit_seconds": round(fit_seconds, 2),
        "onnx_bytes": (args.out / "onnx" / "model.onnx").stat().st_size,
        "sklearn_bytes": sum(f.stat().st_size for f in (args.out / "sklearn").iterdir() if f.name.startswith("model.")),
        "versions": {
            "sklearn": sklearn.__version__,
            "skl2onnx": skl2onnx.__version__,
            "mlflow": mlflow.__version__,
            "numpy": np.__version__,
            "pandas": pd.__version__,
        },
    }
    (args.out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
