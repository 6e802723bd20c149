"""Build the ONNX model fixtures used by the serving tests (test/fixtures/models/).

Each fixture is an MLflow model directory written by ``mlflow.onnx.save_model`` (MLmodel with
the onnx flavor, a column signature and an input example) plus ``expected.json``: the sklearn
model's predictions on a few rows, which the Node tests compare with what the ONNX runtime
returns. Small models on purpose, so the files stay commit-able.

    .venv/bin/python scripts/make-onnx-fixtures.py
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import mlflow.onnx
import pandas as pd
from mlflow.models import infer_signature
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "test" / "fixtures" / "models"
SAMPLE_ROWS = 8


def save(name: str, onnx_model, sample: pd.DataFrame, expected: dict) -> None:
    target = OUT / name
    if target.exists():
        shutil.rmtree(target)
    signature = infer_signature(sample, expected["predictions"])
    mlflow.onnx.save_model(onnx_model, str(target), signature=signature, input_example=sample.head(2))
    expected["rows"] = sample.to_dict(orient="split", index=False)
    (target / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")


def housing() -> None:
    frame = pd.read_csv(ROOT / "examples/california-housing/data/california-housing.csv").dropna()
    features = frame.drop(columns=["median_house_value", "ocean_proximity"])
    target = frame["median_house_value"] / 100_000
    model = RandomForestRegressor(n_estimators=10, max_depth=6, random_state=0).fit(features.to_numpy(), target)
    onnx_model = convert_sklearn(model, initial_types=[("float_input", FloatTensorType([None, features.shape[1]]))])
    sample = features.iloc[:SAMPLE_ROWS].reset_index(drop=True)
    predictions = model.predict(sample.to_numpy()).tolist()
    save("housing-rf", onnx_model, sample, {"predictions": predictions})


def heart() -> None:
    frame = pd.read_csv(ROOT / "examples/heart-disease/data/heart-disease.csv").dropna()
    features = frame.drop(columns=["target"])
    model = LogisticRegression(max_iter=2000).fit(features.to_numpy(dtype="float32"), frame["target"])
    # zipmap left on (the skl2onnx default): the probabilities come out as a sequence of maps,
    # which the server must survive (Triton's ORT backend fails on it).
    onnx_model = convert_sklearn(model, initial_types=[("X", FloatTensorType([None, features.shape[1]]))])
    # The export the serving docs recommend: probabilities as a plain [N, classes] tensor.
    tensor_model = convert_sklearn(
        model, initial_types=[("X", FloatTensorType([None, features.shape[1]]))], options={"zipmap": False}
    )
    # Both classes: the file lists the positive rows first.
    sample = pd.concat([features.head(SAMPLE_ROWS // 2), features.tail(SAMPLE_ROWS // 2)]).reset_index(drop=True)
    labels = model.predict(sample.to_numpy(dtype="float32")).tolist()
    probabilities = model.predict_proba(sample.to_numpy(dtype="float32")).tolist()
    save("heart-logreg", onnx_model, sample, {"predictions": labels, "probabilities": probabilities})
    save("heart-logreg-proba", tensor_model, sample, {"predictions": labels, "probabilities": probabilities})


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    housing()
    heart()
    print(f"wrote fixtures to {OUT}")
