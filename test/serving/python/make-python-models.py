"""Writes the MLflow models the Python runtime tests serve, into the directory given as argument.

    .venv/bin/python test/serving/python/make-python-models.py <out dir>

- ``sklearn-rf``: a RandomForestRegressor (sklearn flavor) on two double columns; skl2onnx converts it.
- ``sklearn-logreg``: a LogisticRegression classifier on three double columns.
- ``sklearn-log-pipeline``: a Pipeline whose first step is a FunctionTransformer(np.log1p), which
  skl2onnx cannot convert.
- ``pyfunc-doubler``: a custom PythonModel (python_function flavor only) that answers ``x * 2``
  and, for ``x == 666``, kills its own process (``os._exit``) and for ``x == 777`` hangs, to test
  crash recovery and timeouts.
Each directory also gets ``expected.json``: rows and the predictions the model itself gives.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import mlflow.pyfunc
import mlflow.sklearn
import numpy as np
import pandas as pd
from mlflow.models import infer_signature
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer


class Doubler(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        if (model_input["x"] == 666).any():
            os._exit(3)
        if (model_input["x"] == 777).any():
            time.sleep(120)
        return model_input["x"] * 2


def write_expected(target: Path, rows: pd.DataFrame, predictions) -> None:
    expected = {"rows": rows.to_dict(orient="split", index=False), "predictions": np.asarray(predictions).tolist()}
    (target / "expected.json").write_text(json.dumps(expected) + "\n")


def main(out: Path) -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.uniform(0, 10, 200), "b": rng.uniform(0, 5, 200)})
    target = frame["a"] * 3 + np.sin(frame["b"])

    forest = RandomForestRegressor(n_estimators=20, max_depth=5, random_state=0).fit(frame, target)
    rows = frame.head(5)
    # MLflow's default format (skops), with the tree type trusted as MLflow asks.
    mlflow.sklearn.save_model(
        forest,
        str(out / "sklearn-rf"),
        signature=infer_signature(frame, target),
        input_example=rows,
        skops_trusted_types=["sklearn.tree._tree.Tree"],
    )
    write_expected(out / "sklearn-rf", rows, forest.predict(rows))

    labelled = frame.assign(c=rng.uniform(-1, 1, 200))
    labels = (labelled["a"] + labelled["c"] > 5).astype(np.int64)
    classifier = LogisticRegression(max_iter=1000).fit(labelled, labels)
    rows = labelled.head(6)
    mlflow.sklearn.save_model(classifier, str(out / "sklearn-logreg"), signature=infer_signature(labelled, labels), input_example=rows)
    write_expected(out / "sklearn-logreg", rows, classifier.predict(rows))

    pipeline = make_pipeline(FunctionTransformer(np.log1p), LinearRegression()).fit(frame, target)
    rows = frame.head(4)
    mlflow.sklearn.save_model(
        pipeline,
        str(out / "sklearn-log-pipeline"),
        serialization_format="cloudpickle",
        signature=infer_signature(frame, target),
        input_example=rows,
    )
    write_expected(out / "sklearn-log-pipeline", rows, pipeline.predict(rows))

    doubles = pd.DataFrame({"x": [1.0, 2.5, 4.0]})
    mlflow.pyfunc.save_model(
        str(out / "pyfunc-doubler"), python_model=Doubler(), signature=infer_signature(doubles, doubles["x"] * 2), input_example=doubles
    )
    write_expected(out / "pyfunc-doubler", doubles, doubles["x"] * 2)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
