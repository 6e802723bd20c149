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


def housing_faulty() -> None:
    """A linear regressor on the housing columns whose graph fails at run time for some rows.

    It looks up ``housing_median_age`` (cast to an integer) in a 100-entry table of zeros and
    adds the value to the prediction: rows with an age of 100 or more make ONNX Runtime's
    Gather fail ("indices element out of data bounds"), so a test decides which requests a
    candidate answers with a 5xx. For ages under 100 it is a plain linear model, whose
    predictions differ from housing-rf's (a second version of the same signature).
    """
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper
    from sklearn.linear_model import LinearRegression

    frame = pd.read_csv(ROOT / "examples/california-housing/data/california-housing.csv").dropna()
    features = frame.drop(columns=["median_house_value", "ocean_proximity"])
    target = frame["median_house_value"] / 100_000
    model = LinearRegression().fit(features.to_numpy(), target)
    width = features.shape[1]
    age_column = list(features.columns).index("housing_median_age")
    weights = numpy_helper.from_array(model.coef_.astype(np.float32).reshape(width, 1), "weights")
    bias = numpy_helper.from_array(np.array([model.intercept_], dtype=np.float32), "bias")
    column = numpy_helper.from_array(np.array(age_column, dtype=np.int64), "age_column")
    table = numpy_helper.from_array(np.zeros(100, dtype=np.float32), "age_table")
    axes = numpy_helper.from_array(np.array([1], dtype=np.int64), "unsqueeze_axes")
    nodes = [
        helper.make_node("MatMul", ["float_input", "weights"], ["product"]),
        helper.make_node("Add", ["product", "bias"], ["linear"]),
        helper.make_node("Gather", ["float_input", "age_column"], ["age"], axis=1),
        helper.make_node("Cast", ["age"], ["age_index"], to=TensorProto.INT64),
        helper.make_node("Gather", ["age_table", "age_index"], ["trap"], axis=0),
        helper.make_node("Unsqueeze", ["trap", "unsqueeze_axes"], ["trap_column"]),
        helper.make_node("Add", ["linear", "trap_column"], ["variable"]),
    ]
    graph = helper.make_graph(
        nodes,
        "housing_faulty",
        [helper.make_tensor_value_info("float_input", TensorProto.FLOAT, [None, width])],
        [helper.make_tensor_value_info("variable", TensorProto.FLOAT, [None, 1])],
        initializer=[weights, bias, column, table, axes],
    )
    onnx_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)])
    onnx_model.ir_version = 8
    sample = features.iloc[:SAMPLE_ROWS].reset_index(drop=True)
    predictions = model.predict(sample.to_numpy()).tolist()
    save("housing-faulty", onnx_model, sample, {"predictions": predictions, "fails_when": "housing_median_age >= 100"})


BUILDERS = {"housing-rf": lambda: housing(), "heart": lambda: heart(), "housing-faulty": lambda: housing_faulty()}


if __name__ == "__main__":
    import sys

    OUT.mkdir(parents=True, exist_ok=True)
    # `make-onnx-fixtures.py housing-faulty` rebuilds only that one (the others keep their files).
    for name in sys.argv[1:] or list(BUILDERS):
        BUILDERS[name]()
    print(f"wrote fixtures to {OUT}")
