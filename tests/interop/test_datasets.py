"""log_input with a pandas dataset, read back, and search_runs over datasets.* fields."""

from __future__ import annotations

import json

import mlflow
import mlflow.data
import pandas as pd

from conftest import DATA_DIR, unique_name


def test_log_input_and_search_by_dataset(client: mlflow.MlflowClient, experiment_id: str) -> None:
    csv = DATA_DIR / "heart-disease.csv"
    df = pd.read_csv(csv)
    train_name, eval_name = unique_name("heart-train"), unique_name("heart-eval")
    train = mlflow.data.from_pandas(df.iloc[:200], source=str(csv), name=train_name, targets="target")
    evaluation = mlflow.data.from_pandas(df.iloc[200:], source=str(csv), name=eval_name, targets="target")

    with mlflow.start_run() as trained:
        mlflow.log_input(train, context="training")
        mlflow.log_input(evaluation, context="evaluation", tags={"split": "holdout"})
    with mlflow.start_run() as evaluated:
        mlflow.log_input(evaluation, context="evaluation")
    with mlflow.start_run() as plain:
        pass

    run = client.get_run(trained.info.run_id)
    inputs = {i.dataset.name: i for i in run.inputs.dataset_inputs}
    assert set(inputs) == {train_name, eval_name}
    t = inputs[train_name]
    sent = train._to_mlflow_entity()
    assert t.dataset.digest == train.digest == sent.digest
    assert t.dataset.source_type == sent.source_type == "local"
    assert json.loads(t.dataset.source) == json.loads(sent.source)
    assert json.loads(t.dataset.schema) == json.loads(sent.schema)
    assert json.loads(t.dataset.profile) == json.loads(sent.profile) == {"num_rows": 200, "num_elements": 200 * df.shape[1]}
    assert {tag.key: tag.value for tag in t.tags} == {"mlflow.data.context": "training"}
    e_tags = {tag.key: tag.value for tag in inputs[eval_name].tags}
    assert e_tags == {"mlflow.data.context": "evaluation", "split": "holdout"}

    def ids(filter_string: str) -> set[str]:
        found = mlflow.search_runs([experiment_id], filter_string=filter_string, output_format="list")
        return {r.info.run_id for r in found}

    assert ids("datasets.context = 'training'") == {trained.info.run_id}
    assert ids("datasets.context = 'evaluation'") == {trained.info.run_id, evaluated.info.run_id}
    assert ids(f"datasets.name = '{train_name}'") == {trained.info.run_id}
    assert ids(f"datasets.name = '{eval_name}' AND datasets.context = 'evaluation'") == {
        trained.info.run_id,
        evaluated.info.run_id,
    }
    assert ids(f"datasets.digest = '{train.digest}'") == {trained.info.run_id}
    assert ids("datasets.context IN ('training', 'testing')") == {trained.info.run_id}
    assert ids("datasets.name LIKE 'heart-eval-%'") == {trained.info.run_id, evaluated.info.run_id}
    assert ids("datasets.context = 'nope'") == set()
    assert plain.info.run_id in ids("")

    # pandas output of the same search.
    frame = mlflow.search_runs([experiment_id], filter_string="datasets.context = 'training'")
    assert list(frame["run_id"]) == [trained.info.run_id]
