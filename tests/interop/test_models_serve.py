"""`slipway models serve` scored by MLflow's own scoring client, the way MLflow's tests do.

The server is the built CLI (`node dist/cli/main.js models serve`); the client side is
`mlflow.pyfunc.scoring_server.client.ScoringServerClient` and the payloads MLflow derives from
a model's input example (`convert_input_example_to_serving_input`). Predictions are compared
with the sklearn model's (saved by scripts/make-onnx-fixtures.py) and with MLflow's own ONNX
pyfunc on the same model directory.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlparse

import mlflow
import mlflow.onnx
import numpy as np
import onnx
import pandas as pd
import requests
from mlflow.models import infer_signature
from mlflow.models.utils import convert_input_example_to_serving_input
from mlflow.pyfunc.scoring_server.client import ScoringServerClient

from conftest import MAIN_JS, REPO_ROOT, SlipwayServer, unique_name

FIXTURES = REPO_ROOT / "test" / "fixtures" / "models"
SERVING_LINE = re.compile(r"Slipway is serving '[^']+'(?: version \S+)? at (http://\S+)")


@contextmanager
def models_serve(model_uri: str, *extra: str, startup_timeout: float = 30) -> Iterator[ScoringServerClient]:
    """Runs `slipway models serve -m <model_uri> --port 0` until the block ends."""
    process = subprocess.Popen(
        ["node", str(MAIN_JS), "models", "serve", "-m", model_uri, "--port", "0", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + startup_timeout
        url = None
        output = ""
        while url is None:
            line = process.stdout.readline() if process.stdout else ""
            output += line
            if match := SERVING_LINE.search(line):
                url = match.group(1)
            elif line == "" and process.poll() is not None:
                raise AssertionError(f"slipway models serve exited with {process.returncode}:\n{output}")
            elif time.monotonic() > deadline:
                raise AssertionError(f"slipway models serve did not start:\n{output}")
        address = urlparse(url)
        client = ScoringServerClient(address.hostname, address.port)
        client.wait_server_ready(timeout=30, scoring_server_proc=process)
        yield client
    finally:
        process.terminate()
        process.wait(timeout=15)


def expected(name: str) -> tuple[pd.DataFrame, dict]:
    data = json.loads((FIXTURES / name / "expected.json").read_text())
    rows = data["rows"]
    return pd.DataFrame(rows["data"], columns=rows["columns"]), data


def predictions_of(response) -> list:
    return np.asarray(response.get_predictions(predictions_format="ndarray")).reshape(-1).tolist()


def test_scoring_client_scores_every_payload_format(server: SlipwayServer) -> None:
    frame, data = expected("housing-rf")
    with models_serve(str(FIXTURES / "housing-rf")) as scoring:
        scoring.ping()
        assert scoring.get_version() != ""
        # DataFrame → dataframe_split, ndarray → inputs, list of records → inputs.
        for payload in (frame, frame.to_numpy(), frame.to_dict(orient="records")):
            got = predictions_of(scoring.invoke(payload))
            np.testing.assert_allclose(got, data["predictions"], rtol=1e-4)
        # The payload MLflow writes next to a model (serving_input_example.json).
        serving_input = convert_input_example_to_serving_input(frame.head(3))
        response = requests.post(
            f"{scoring.url_prefix}/invocations", data=serving_input, headers={"Content-Type": "application/json"}, timeout=30
        )
        assert response.status_code == 200, response.text
        np.testing.assert_allclose(response.json()["predictions"], data["predictions"][:3], rtol=1e-4)
        # CSV, as `mlflow models predict --content-type csv` sends it.
        response = requests.post(
            f"{scoring.url_prefix}/invocations", data=frame.to_csv(index=False), headers={"Content-Type": "text/csv"}, timeout=30
        )
        assert response.status_code == 200, response.text
        np.testing.assert_allclose(response.json()["predictions"], data["predictions"], rtol=1e-4)
        # Same numbers as MLflow's own ONNX pyfunc on the same directory.
        pyfunc = mlflow.pyfunc.load_model(str(FIXTURES / "housing-rf")).predict(frame)
        np.testing.assert_allclose(predictions_of(scoring.invoke(frame)), np.asarray(pyfunc).reshape(-1), rtol=1e-6)


def test_scoring_client_sees_signature_errors_and_the_classifier_labels(server: SlipwayServer) -> None:
    frame, data = expected("heart-logreg")
    with models_serve(str(FIXTURES / "heart-logreg")) as scoring:
        assert predictions_of(scoring.invoke(frame)) == data["predictions"]
        response = requests.post(
            f"{scoring.url_prefix}/invocations",
            json={"dataframe_split": frame.drop(columns=["chol"]).to_dict(orient="split")},
            timeout=30,
        )
        assert response.status_code == 400
        assert response.json()["error_code"] == "BAD_REQUEST"
        assert "['chol']" in response.json()["message"]
        response = requests.post(f"{scoring.url_prefix}/invocations", json=frame.to_numpy().tolist(), timeout=30)
        assert response.status_code == 400
        assert "scoring protocol has changed in MLflow version 2.0" in response.json()["message"]


def test_log_register_alias_and_serve_from_the_tracking_server(server: SlipwayServer, experiment_id: str) -> None:
    """mlflow.onnx.log_model → registry alias → `slipway models serve -m models:/<name>@champion`."""
    frame, data = expected("housing-rf")
    name = unique_name("served")
    with mlflow.start_run():
        info = mlflow.onnx.log_model(
            onnx.load(str(FIXTURES / "housing-rf" / "model.onnx")),
            name="model",
            signature=infer_signature(frame, np.asarray(data["predictions"])),
            input_example=frame.head(2),
            registered_model_name=name,
        )
    client = mlflow.MlflowClient()
    client.set_registered_model_alias(name, "champion", info.registered_model_version)
    with models_serve(f"models:/{name}@champion", "--tracking-uri", server.url) as scoring:
        np.testing.assert_allclose(predictions_of(scoring.invoke(frame)), data["predictions"], rtol=1e-4)
        metadata = requests.get(f"{scoring.url_prefix}/v2/models/{name}", timeout=30).json()
        assert metadata["versions"] == [str(info.registered_model_version)]


def test_scoring_client_scores_a_sklearn_model_served_by_python_workers(tmp_path) -> None:
    """`slipway models serve --runtime python`: an mlflow.sklearn model run by mlflow.pyfunc in Python workers."""
    import sys

    import mlflow.sklearn
    from sklearn.linear_model import LogisticRegression

    frame, _ = expected("heart-logreg")
    labels = (frame["age"] > frame["age"].median()).astype("int64")
    model = LogisticRegression(max_iter=2000).fit(frame, labels)
    model_dir = tmp_path / "heart-sklearn"
    mlflow.sklearn.save_model(model, str(model_dir), signature=infer_signature(frame, labels), input_example=frame.head(2))
    with models_serve(str(model_dir), "--runtime", "python", "--python", sys.executable, startup_timeout=120) as scoring:
        assert predictions_of(scoring.invoke(frame)) == model.predict(frame).tolist()
        assert predictions_of(scoring.invoke(frame.to_dict(orient="records"))) == model.predict(frame).tolist()
        response = requests.post(
            f"{scoring.url_prefix}/invocations",
            json={"dataframe_split": frame.drop(columns=["chol"]).to_dict(orient="split")},
            timeout=30,
        )
        assert response.status_code == 400
        assert "['chol']" in response.json()["message"]
