"""The examples' Python steps under the step contract, done by hand, against a live server.

Until the pipeline engine runs them (test_examples_pipelines.py), this runs each `run:` step of
examples/*/pipeline.yaml as the engine will: in a fresh copy of the example's directory, through
`sh -c`, with the command's `${{ … }}` replaced by param values and upstream artifact paths,
MLFLOW_TRACKING_URI / MLFLOW_EXPERIMENT_ID / MLFLOW_RUN_ID naming a child run of the
execution's parent run, SLIPWAY_OUTPUT a file for `key=value` outputs, and PATH starting with
the venv's bin. It then checks what the pipeline relies on: the declared files and values
exist, $SLIPWAY_OUTPUT is well formed, the `metrics:` regexes find every metric in the log,
and the run holds the params, the same metrics and a logged model that loads and predicts.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import mlflow
import mlflow.pyfunc
import numpy as np
import pandas as pd
import pytest
import requests
import yaml

from conftest import REPO_ROOT, SlipwayServer, unique_name

EXAMPLES = REPO_ROOT / "examples"
PLACEHOLDER = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
OUTPUT_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)=(.*)$")
STEP_TIMEOUT_S = 120
# Files a local standalone run may leave in an example's directory; the engine's snapshot is
# of the code, so they are left out of the step's copy here too.
NOT_CODE = shutil.ignore_patterns("prepared", "mlruns", "mlflow.db", "__pycache__", "*.pyc")


def js_string(value: object) -> str:
    """A param value as `${{ }}` interpolates it (JavaScript's String(): 1.0 → '1')."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class StepResult:
    step_id: str
    run_id: str
    workdir: Path
    stdout: str
    stderr: str
    outputs: dict[str, str]
    metrics: dict[str, float]
    artifacts: dict[str, Path] = field(default_factory=dict)


class Execution:
    """One simulated execution of an example: an experiment, a parent run, a child run per step."""

    def __init__(
        self, server: SlipwayServer, client: mlflow.MlflowClient, example: str, tmp: Path, params: Mapping[str, object]
    ) -> None:
        self.server = server
        self.client = client
        self.example = example
        self.tmp = tmp
        self.pipeline = yaml.safe_load((EXAMPLES / example / "pipeline.yaml").read_text())
        declared = self.pipeline.get("params", {})
        assert set(params) <= set(declared), f"unknown params {set(params) - set(declared)}"
        self.params = {name: params.get(name, spec.get("default")) for name, spec in declared.items()}
        self.execution_id = uuid.uuid4().hex
        self.experiment_id = client.create_experiment(unique_name(f"examples-{example}"))
        self.parent_run_id = client.create_run(self.experiment_id, run_name=f"{example}-{self.execution_id[:8]}").info.run_id
        self.values: dict[str, str] = {
            "pipeline.name": self.pipeline["name"],
            "execution.id": self.execution_id,
            **{f"params.{k}": js_string(v) for k, v in self.params.items()},
        }

    def step(self, step_id: str) -> dict:
        return next(s for s in self.pipeline["steps"] if s["id"] == step_id)

    def command(self, step_id: str) -> str:
        def substitute(match: re.Match[str]) -> str:
            reference = match.group(1)
            assert reference in self.values, f"step {step_id!r}: no value for ${{{{ {reference} }}}} here"
            return self.values[reference]

        return PLACEHOLDER.sub(substitute, self.step(step_id)["run"])

    def run_step(self, step_id: str) -> StepResult:
        spec = self.step(step_id)
        workdir = self.tmp / step_id
        shutil.copytree(EXAMPLES / self.example, workdir, ignore=NOT_CODE)
        run_id = self.client.create_run(
            self.experiment_id, run_name=step_id, tags={"mlflow.parentRunId": self.parent_run_id}
        ).info.run_id
        output_file = self.tmp / f"{step_id}.output"
        output_file.touch()
        env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "MLFLOW_TRACKING_URI": self.server.url,
            "MLFLOW_EXPERIMENT_ID": self.experiment_id,
            "MLFLOW_RUN_ID": run_id,
            "MLFLOW_DISABLE_TELEMETRY": "true",
            "SLIPWAY_EXECUTION_ID": self.execution_id,
            "SLIPWAY_STEP_ID": step_id,
            "SLIPWAY_OUTPUT": str(output_file),
        }
        env.pop("MLFLOW_EXPERIMENT_NAME", None)
        proc = subprocess.run(
            ["/bin/sh", "-c", self.command(step_id)],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=STEP_TIMEOUT_S,
            check=False,
        )
        assert proc.returncode == 0, f"step {step_id!r} exited with {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
        # A clean log: no Python warnings, no tracebacks, nothing about retries.
        assert not re.search(r"warning|traceback|retr(y|ies|ying)", proc.stderr, re.IGNORECASE), proc.stderr

        outputs: dict[str, str] = {}
        for line in output_file.read_text().splitlines():
            match = OUTPUT_LINE.match(line)
            assert match, f"step {step_id!r}: malformed $SLIPWAY_OUTPUT line {line!r}"
            outputs[match.group(1)] = match.group(2)

        metrics: dict[str, float] = {}
        definitions = [(m["name"], re.compile(m["regex"])) for m in spec.get("metrics", [])]
        for line in proc.stdout.splitlines():
            for name, regex in definitions:
                match = regex.search(line)
                if match:
                    metrics[name] = float(match.group(1))  # the last value wins, as in the engine

        result = StepResult(step_id, run_id, workdir, proc.stdout, proc.stderr, outputs, metrics)
        for name, declared in spec.get("outputs", {}).items():
            kind = declared.get("type", "file") if isinstance(declared, dict) else None
            path = declared.get("path") if isinstance(declared, dict) else declared
            if kind == "value":
                assert name in outputs, f"step {step_id!r} did not write its value output {name!r}"
                continue
            local = workdir / path
            assert local.is_dir() if path.endswith("/") else local.is_file(), f"step {step_id!r}: no {path}"
            result.artifacts[name] = local
            # What downstream steps read as ${{ steps.<id>.artifacts.<name> }}: a local path.
            self.values[f"steps.{step_id}.artifacts.{name}"] = str(local.resolve())
        for name, value in outputs.items():
            self.values[f"steps.{step_id}.outputs.{name}"] = value
        assert set(metrics) == {name for name, _ in definitions}, f"metrics found in the log: {metrics}\n{proc.stdout}"
        return result


def check_run_and_model(
    server: SlipwayServer,
    client: mlflow.MlflowClient,
    execution: Execution,
    step: StepResult,
    params: Mapping[str, str],
    extra_metrics: set[str],
) -> str:
    """The step's run holds the params, the printed metrics and one logged model; returns its id."""
    run = client.get_run(step.run_id)
    assert run.info.status == "FINISHED"
    assert run.data.tags["mlflow.parentRunId"] == execution.parent_run_id
    assert params.items() <= run.data.params.items(), run.data.params
    assert set(run.data.metrics) == set(step.metrics) | extra_metrics
    for name, printed in step.metrics.items():
        assert run.data.metrics[name] == pytest.approx(printed, abs=1e-4), name  # printed with 4 decimals

    response = requests.post(
        f"{server.url}/api/2.0/mlflow/logged-models/search",
        json={"experiment_ids": [execution.experiment_id]},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    models = response.json()["models"]
    assert len(models) == 1, models
    info, data = models[0]["info"], models[0]["data"]
    assert info["name"] == "model"
    assert info["source_run_id"] == step.run_id
    assert info["status"] == "LOGGED_MODEL_READY"
    assert {m["key"] for m in data["metrics"]} >= set(step.metrics)
    assert [o.model_id for o in run.outputs.model_outputs] == [info["model_id"]]
    return info["model_id"]


def test_california_housing_steps(server: SlipwayServer, client: mlflow.MlflowClient, tmp_path: Path) -> None:
    execution = Execution(server, client, "california-housing", tmp_path, {"n_estimators": 10, "max_depth": 8})

    prepare = execution.run_step("prepare")
    assert prepare.outputs["rows"] == "20640"
    assert prepare.outputs["imputed_total_bedrooms"] == "207"
    assert int(prepare.outputs["train_rows"]) + int(prepare.outputs["test_rows"]) == 20640
    train_csv = pd.read_csv(prepare.artifacts["train"])
    test_csv = pd.read_csv(prepare.artifacts["test"])
    assert (len(train_csv), len(test_csv)) == (int(prepare.outputs["train_rows"]), int(prepare.outputs["test_rows"]))
    assert list(train_csv.columns) == list(test_csv.columns)
    assert "ocean_proximity" not in train_csv.columns
    assert sum(c.startswith("ocean_proximity_") for c in train_csv.columns) == 5
    assert not train_csv.isna().any().any() and not test_csv.isna().any().any()

    train = execution.run_step("train")
    assert 30_000 < train.metrics["rmse"] < 70_000  # the evaluate step's threshold is rmse < 70000
    assert 0.5 < train.metrics["r2"] < 1
    model_id = check_run_and_model(
        server, client, execution, train, {"n_estimators": "10", "max_depth": "8"}, extra_metrics={"training_seconds"}
    )
    run = client.get_run(train.run_id)
    assert {d.dataset.name for d in run.inputs.dataset_inputs} == {"train", "test"}

    # Loads as the register step will find it (runs:/<run>/model) and predicts.
    model = mlflow.pyfunc.load_model(f"runs:/{train.run_id}/model")
    assert model.metadata.model_id == model_id
    predictions = model.predict(test_csv.drop(columns=["median_house_value"]).astype("float64").head(20))
    assert np.all(np.isfinite(predictions)) and np.all(predictions > 0)


def test_heart_disease_steps(server: SlipwayServer, client: mlflow.MlflowClient, tmp_path: Path) -> None:
    execution = Execution(server, client, "heart-disease", tmp_path, {"C": 0.5})
    train = execution.run_step("train")
    assert train.outputs == {}
    assert train.metrics["roc_auc"] > 0.8  # the evaluate step's threshold
    assert 0.5 < train.metrics["val_acc"] <= 1 and 0.5 < train.metrics["acc"] <= 1
    check_run_and_model(server, client, execution, train, {"C": "0.5"}, extra_metrics={"elapsed"})

    model = mlflow.pyfunc.load_model(f"runs:/{train.run_id}/model")
    rows = pd.read_csv(train.workdir / "data" / "heart-disease.csv").drop(columns=["target"]).astype("float64")
    assert set(np.unique(model.predict(rows.head(20)))) <= {0, 1}


def test_train_standalone_starts_its_own_run(server: SlipwayServer, client: mlflow.MlflowClient, tmp_path: Path) -> None:
    """Outside Slipway (no MLFLOW_RUN_ID), train.py makes a run of its own in --experiment."""
    workdir = tmp_path / "heart-disease"
    shutil.copytree(EXAMPLES / "heart-disease", workdir, ignore=NOT_CODE)
    experiment = unique_name("examples-standalone")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "SLIPWAY_"))}
    env |= {"MLFLOW_TRACKING_URI": server.url, "MLFLOW_DISABLE_TELEMETRY": "true"}
    proc = subprocess.run(
        [sys.executable, "train.py", "--experiment", experiment],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT_S,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    found = client.get_experiment_by_name(experiment)
    assert found is not None
    runs = client.search_runs([found.experiment_id])
    assert len(runs) == 1
    assert runs[0].info.status == "FINISHED"
    assert {"acc", "val_acc", "roc_auc"} <= set(runs[0].data.metrics)
