"""mlflow.sklearn.log_model through LoggedModels, loading it back, logged-model search."""

from __future__ import annotations

import posixpath

import mlflow
import mlflow.pyfunc
import mlflow.sklearn
import numpy as np
import pandas as pd
import pytest
from mlflow.exceptions import MlflowException
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from conftest import DATA_DIR

# mlflow 3.17 serialises sklearn models with skops by default (model.skops, not model.pkl).
MODEL_FILES = {"MLmodel", "model.skops", "conda.yaml", "python_env.yaml", "requirements.txt", "input_example.json"}


@pytest.fixture(scope="module")
def heart() -> tuple[pd.DataFrame, pd.Series]:
    df = pd.read_csv(DATA_DIR / "heart-disease.csv")
    return df.drop(columns=["target"]).astype("float64"), df["target"]


def _train_and_log(model, X: pd.DataFrame, y: pd.Series, params: dict[str, object]):
    model.fit(X, y)
    accuracy = float((model.predict(X) == y).mean())
    with mlflow.start_run() as run:
        mlflow.log_params(params)
        mlflow.log_metric("accuracy", accuracy)  # step 0: copied onto the logged model
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            input_example=X.head(5),
            # Tree models hold a type skops will not load unless told it is trusted.
            skops_trusted_types=["sklearn.tree._tree.Tree"],
        )
    return run, info, accuracy


def test_sklearn_log_model_and_load(
    client: mlflow.MlflowClient, experiment_id: str, heart: tuple[pd.DataFrame, pd.Series]
) -> None:
    X, y = heart
    model = RandomForestClassifier(n_estimators=25, max_depth=6, random_state=0)
    run, info, accuracy = _train_and_log(model, X, y, {"n_estimators": 25, "max_depth": 6})
    run_id = run.info.run_id
    expected = model.predict(X)

    assert info.model_id.startswith("m-")
    assert info.model_uri == f"models:/{info.model_id}"
    assert info.run_id == run_id

    logged = client.get_logged_model(info.model_id)
    assert logged.model_id == info.model_id
    assert logged.name == "model"
    assert logged.experiment_id == experiment_id
    assert logged.source_run_id == run_id
    assert str(logged.status) == "READY"
    assert logged.artifact_location == f"mlflow-artifacts:/{experiment_id}/models/{info.model_id}/artifacts"
    assert logged.params == {"n_estimators": "25", "max_depth": "6"}
    assert {m.key: m.value for m in logged.metrics} == {"accuracy": accuracy}
    assert all(m.model_id == info.model_id for m in logged.metrics)

    outputs = client.get_run(run_id).outputs
    assert [o.model_id for o in outputs.model_outputs] == [info.model_id]

    # list_artifacts(artifact_uri=...) lists the URI's parent and prefixes paths with its basename.
    files = {posixpath.basename(a.path) for a in mlflow.artifacts.list_artifacts(artifact_uri=logged.artifact_location)}
    assert MODEL_FILES <= files, files
    assert client.list_artifacts(run_id) == []  # 3.x: the model lives under the logged model

    by_model_id = mlflow.pyfunc.load_model(f"models:/{info.model_id}")
    np.testing.assert_array_equal(by_model_id.predict(X), expected)
    assert by_model_id.metadata.model_id == info.model_id
    assert by_model_id.metadata.get_input_schema() is not None

    by_run = mlflow.pyfunc.load_model(f"runs:/{run_id}/model")
    np.testing.assert_array_equal(by_run.predict(X), expected)

    native = mlflow.sklearn.load_model(info.model_uri)
    np.testing.assert_array_equal(native.predict_proba(X), model.predict_proba(X))

    example = mlflow.models.Model.load(info.model_uri).load_input_example(
        mlflow.artifacts.download_artifacts(info.model_uri)
    )
    pd.testing.assert_frame_equal(example.reset_index(drop=True), X.head(5).reset_index(drop=True))


def test_search_logged_models(
    client: mlflow.MlflowClient, experiment_id: str, heart: tuple[pd.DataFrame, pd.Series]
) -> None:
    X, y = heart
    small = make_pipeline(StandardScaler(), LogisticRegression(C=0.01, max_iter=500))
    run_a, info_a, acc_a = _train_and_log(small, X, y, {"kind": "logreg", "C": 0.01})
    big = RandomForestClassifier(n_estimators=10, max_depth=8, random_state=1)
    run_b, info_b, acc_b = _train_and_log(big, X, y, {"kind": "forest", "C": "n/a"})
    assert acc_a != acc_b
    lo, hi = sorted([(acc_a, info_a.model_id), (acc_b, info_b.model_id)])

    found = mlflow.search_logged_models(experiment_ids=[experiment_id], output_format="list")
    # Default order: newest first.
    assert [m.model_id for m in found] == [info_b.model_id, info_a.model_id]

    def ids(filter_string: str | None = None, order_by=None) -> list[str]:
        models = mlflow.search_logged_models(
            experiment_ids=[experiment_id], filter_string=filter_string, order_by=order_by, output_format="list"
        )
        return [m.model_id for m in models]

    assert ids("name = 'model'") == [info_b.model_id, info_a.model_id]
    assert ids("params.kind = 'logreg'") == [info_a.model_id]
    assert ids(f"source_run_id = '{run_b.info.run_id}'") == [info_b.model_id]
    assert ids(f"metrics.accuracy > {lo[0]}") == [hi[1]]
    assert ids(f"metrics.accuracy >= {lo[0]} AND params.kind IN ('forest', 'logreg')") == [
        info_b.model_id,
        info_a.model_id,
    ]
    assert ids("params.kind = 'nothing'") == []
    assert ids(order_by=[{"field_name": "metrics.accuracy", "ascending": True}]) == [lo[1], hi[1]]
    assert ids(order_by=[{"field_name": "metrics.accuracy", "ascending": False}]) == [hi[1], lo[1]]
    assert ids(order_by=[{"field_name": "creation_timestamp", "ascending": True}]) == [
        info_a.model_id,
        info_b.model_id,
    ]

    frame = mlflow.search_logged_models(experiment_ids=[experiment_id], filter_string="params.kind = 'forest'")
    assert list(frame["model_id"]) == [info_b.model_id]
    assert list(frame["source_run_id"]) == [run_b.info.run_id]

    # Paging with MlflowClient.
    page1 = client.search_logged_models(experiment_ids=[experiment_id], max_results=1)
    assert [m.model_id for m in page1] == [info_b.model_id] and page1.token
    page2 = client.search_logged_models(experiment_ids=[experiment_id], max_results=1, page_token=page1.token)
    assert [m.model_id for m in page2] == [info_a.model_id]

    # Tags, and delete: a deleted model is gone from get and search.
    client.set_logged_model_tags(info_a.model_id, {"quality": "low"})
    assert client.get_logged_model(info_a.model_id).tags["quality"] == "low"
    assert ids("tags.quality = 'low'") == [info_a.model_id]
    client.delete_logged_model_tag(info_a.model_id, "quality")
    assert "quality" not in client.get_logged_model(info_a.model_id).tags
    client.delete_logged_model(info_a.model_id)
    with pytest.raises(MlflowException) as err:
        client.get_logged_model(info_a.model_id)
    assert err.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert ids() == [info_b.model_id]
