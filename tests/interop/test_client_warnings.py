"""A typical workflow leaves no client warning or log line about an unsupported endpoint."""

from __future__ import annotations

import logging
import re

import mlflow
import mlflow.data
import mlflow.pyfunc
import mlflow.sklearn
import mlflow.utils.server_info as server_info
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from conftest import DATA_DIR, ClientDiagnostics, unique_name


def _typical_workflow(tmp_path) -> None:
    df = pd.read_csv(DATA_DIR / "heart-disease.csv")
    X, y = df.drop(columns=["target"]).astype("float64"), df["target"]
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(X, y)

    exp = mlflow.set_experiment(unique_name("workflow"))
    (tmp_path / "report.txt").write_text("report\n")
    with mlflow.start_run(run_name="train") as run:
        mlflow.log_params({"C": 1.0, "max_iter": 500})
        mlflow.log_param("scaler", "standard")
        for step in range(5):
            mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
        mlflow.log_metrics({"accuracy": float((model.predict(X) == y).mean())})
        mlflow.set_tags({"team": "interop"})
        mlflow.set_tag("phase", "train")
        mlflow.log_artifact(str(tmp_path / "report.txt"))
        mlflow.log_dict({"a": 1}, "cfg.json")
        mlflow.log_input(mlflow.data.from_pandas(df, name="heart", targets="target"), context="training")
        with mlflow.start_run(run_name="child", nested=True):
            mlflow.log_metric("child_metric", 1.0)
        info = mlflow.sklearn.log_model(model, name="model", input_example=X.head(3))
    client = mlflow.MlflowClient()
    loaded = mlflow.pyfunc.load_model(info.model_uri)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    loaded_by_run = mlflow.pyfunc.load_model(f"runs:/{run.info.run_id}/model")
    np.testing.assert_array_equal(loaded_by_run.predict(X), model.predict(X))
    assert len(mlflow.search_runs([exp.experiment_id], filter_string="metrics.accuracy > 0.5")) == 1
    assert len(mlflow.search_runs([exp.experiment_id], output_format="list", order_by=["metrics.loss"])) == 2
    assert len(mlflow.search_logged_models(experiment_ids=[exp.experiment_id], output_format="list")) == 1
    assert [e.name for e in mlflow.search_experiments(filter_string=f"name = '{exp.name}'")] == [exp.name]
    assert len(client.get_metric_history(run.info.run_id, "loss")) == 5
    assert {f.path for f in client.list_artifacts(run.info.run_id)} == {"report.txt", "cfg.json"}
    mlflow.artifacts.download_artifacts(run_id=run.info.run_id, dst_path=str(tmp_path / "dl"))


# Warnings the workflow raises that are about the client's own environment or the data, never
# about the server. Each is (category name, module path fragment, message regex) and says why.
IGNORED_WARNINGS = [
    # pandas 3.x deprecations triggered by mlflow's own code (dataset digests, input-example
    # handling); they are about the installed pandas/mlflow pair, not the tracking server.
    ("Pandas4Warning", "mlflow/data/digest_utils.py", r"all arguments of all will be keyword-only"),
    ("Pandas4Warning", "mlflow/models/utils.py", r"Operation with range is deprecated"),
    # Schema inference hint about integer columns in the heart-disease data (log_input and the
    # model signature); about the data, not the server.
    ("UserWarning", "mlflow/types/utils.py", r"Inferred schema contains integer column"),
]

# The only non-2xx answers a typical workflow should get, both "resource missing", not
# "endpoint missing": set_experiment looks the new name up first, and runs:/<run>/model tries
# the run's artifacts before the logged model (see BENIGN_LOGS in conftest.py).
EXPECTED_ERRORS = [
    ("GET", r"/api/2\.0/mlflow/experiments/get-by-name\?", 404, "RESOURCE_DOES_NOT_EXIST"),
    ("GET", r"/api/2\.0/mlflow-artifacts/artifacts/\d+/[0-9a-f]{32}/artifacts/model$", 404, "RESOURCE_DOES_NOT_EXIST"),
]


def _ignored(w) -> bool:
    return any(
        w.category.__name__ == category and fragment in w.filename.replace("\\", "/") and re.search(pattern, str(w.message))
        for category, fragment, pattern in IGNORED_WARNINGS
    )


def test_typical_workflow_warns_about_nothing(client_diagnostics: ClientDiagnostics, tmp_path) -> None:
    # The client caches a successful server-info probe for 60 s per host; forget earlier tests'
    # answers so this workflow makes its own probe.
    with server_info._SERVER_INFO_CACHE_LOCK:
        server_info._SERVER_INFO_CACHE.clear()
    _typical_workflow(tmp_path)
    diag = client_diagnostics

    assert diag.problems() == []

    unexpected_warnings = [f"{w.category.__name__} at {w.filename}:{w.lineno}: {w.message}" for w in diag.warnings if not _ignored(w)]
    assert unexpected_warnings == []

    loud = [r for r in diag.logs.records if r.name.startswith("mlflow") and r.levelno >= logging.WARNING]
    assert [f"{r.name}: {r.getMessage()}" for r in loud] == []

    errors = [c for c in diag.calls if int(c["status"]) >= 400]
    unexpected = [
        c
        for c in errors
        if not any(
            c["method"] == method and re.search(url, str(c["url"])) and c["status"] == status and c["error_code"] == code
            for method, url, status, code in EXPECTED_ERRORS
        )
    ]
    assert unexpected == []
    assert len(diag.calls) > 50  # the recorder really saw the workflow's traffic

    # The client's capability probe is answered (no multipart), not 404.
    probes = [c for c in diag.calls if "/mlflow/server-info" in str(c["url"])]
    assert probes and all(c["status"] == 200 for c in probes)
