"""The examples end to end: `slipway run examples/…/pipeline.* --wait` against a live server.

Each example runs through the CLI (dist/cli/main.js) and the server's pipeline engine: the
steps run in snapshots of the example's directory with the venv's `python` (conftest puts
it first on the server's PATH), log into MLflow runs, and the built-in steps gate, register
and promote. Checked: the execution succeeded, every step did what it says, the registered
version exists (with alias `champion` for California housing), and its lineage links the
execution. A second California run with the same params cannot beat the champion by
`min_improvement`, so its gate stops it before register and promote.
"""

from __future__ import annotations

import json
import subprocess
import urllib.parse
from typing import Any

import mlflow
import pytest
import requests

from conftest import MAIN_JS, REPO_ROOT, SlipwayServer, unique_name

RUN_TIMEOUT_S = 300
SLIPWAY_API = "/api/slipway/v1"


def slipway_run(server: SlipwayServer, file: str, params: dict[str, object]) -> dict[str, Any]:
    """`slipway run <file> -p … --wait --json`; returns the finished execution."""
    cmd = ["node", str(MAIN_JS), "run", file, "--wait", "--json", "--poll-interval", "250", "--tracking-uri", server.url]
    for name, value in params.items():
        cmd += ["-p", f"{name}={value}"]
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False)
    assert proc.stdout.strip(), f"`slipway run` printed nothing (exit {proc.returncode}):\n{proc.stderr}"
    result = json.loads(proc.stdout)
    execution = result["execution"]
    logs = "" if proc.returncode == 0 else step_logs(server, execution)
    assert proc.returncode == 0, f"exit {proc.returncode}: {json.dumps(execution, indent=2)}\n{proc.stderr}\n{logs}"
    assert execution["status"] == "succeeded", json.dumps(execution, indent=2)
    return execution


def step_logs(server: SlipwayServer, execution: dict[str, Any]) -> str:
    """Every step's log, for a failure message."""
    out = []
    for step in execution.get("steps", []):
        response = requests.get(
            f"{server.url}{SLIPWAY_API}/executions/{execution['execution_id']}/logs",
            params={"step": step["step_id"], "max_bytes": 20000},
            timeout=10,
        )
        text = response.json().get("text", response.text) if response.ok else response.text
        out.append(f"--- {step['step_id']} ({step['status']}) ---\n{text}")
    return "\n".join(out)


def steps_by_id(execution: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["step_id"]: s for s in execution["steps"]}


def lineage(server: SlipwayServer, name: str, version: str) -> dict[str, Any]:
    quoted = urllib.parse.quote(name, safe="")
    response = requests.get(f"{server.url}{SLIPWAY_API}/registered-models/{quoted}/versions/{version}/lineage", timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["lineage"]


def assert_lineage_links_execution(server: SlipwayServer, name: str, version: str, execution: dict[str, Any], run_id: str) -> None:
    graph = lineage(server, name, version)
    node_ids = {n["id"] for n in graph["nodes"]}
    execution_node = f"pipeline_execution:{execution['execution_id']}"
    assert execution_node in node_ids, graph
    assert any(e["from"] == execution_node and e["to"] == graph["root"] for e in graph["edges"]), graph
    assert f"run:{run_id}" in node_ids, graph  # the training step's run


def test_california_housing_end_to_end(server: SlipwayServer, client: mlflow.MlflowClient) -> None:
    model_name = unique_name("california-housing")
    params = {"n_estimators": 10, "max_depth": 8, "model_name": model_name}
    execution = slipway_run(server, "examples/california-housing/pipeline.yaml", params)

    steps = steps_by_id(execution)
    assert list(steps) == ["prepare", "train", "evaluate", "register", "promote"]
    assert all(s["status"] == "succeeded" for s in steps.values()), steps
    prepare, train = steps["prepare"], steps["train"]
    assert prepare["outputs"]["rows"] == "20640"
    assert prepare["outputs"]["imputed_total_bedrooms"] == "207"
    assert set(prepare["artifacts"]) == {"train", "test"}
    assert all(uri.startswith("mlflow-artifacts:/") for uri in prepare["artifacts"].values())
    assert set(train["metrics"]) == {"rmse", "mae", "r2"} and train["metrics"]["rmse"] < 70_000
    run = client.get_run(train["run_id"])
    assert run.data.tags["mlflow.parentRunId"] == execution["run_id"]
    assert run.data.params["n_estimators"] == "10"
    assert run.data.metrics["rmse"] == pytest.approx(train["metrics"]["rmse"], abs=1e-4)
    assert steps["evaluate"]["outputs"]["passed"] == "true"

    version = steps["register"]["outputs"]["version"]
    assert version == "1"
    champion = client.get_model_version_by_alias(model_name, "champion")
    assert champion.version == version
    assert champion.run_id == train["run_id"]
    assert champion.tags["slipway.execution_id"] == execution["execution_id"]
    assert "trained on 16512 districts" in champion.description
    assert_lineage_links_execution(server, model_name, version, execution, train["run_id"])
    datasets = {n["label"] for n in lineage(server, model_name, version)["nodes"] if n["kind"] == "dataset"}
    assert datasets == {"train", "test"}  # the inputs train.py logs

    # The same params again: no 1 % improvement over the champion, so the gate stops it.
    again = slipway_run(server, "examples/california-housing/pipeline.yaml", params)
    steps = steps_by_id(again)
    assert steps["train"]["metrics"]["rmse"] == train["metrics"]["rmse"]  # deterministic
    assert steps["evaluate"]["failure_class"] == "gate", steps["evaluate"]
    assert steps["register"]["status"] == "gated" and steps["promote"]["status"] == "gated"
    assert client.get_model_version_by_alias(model_name, "champion").version == version
    assert [v.version for v in client.search_model_versions(f"name = '{model_name}'")] == [version]


def test_heart_disease_end_to_end(server: SlipwayServer, client: mlflow.MlflowClient) -> None:
    model_name = unique_name("heart-disease")
    # The TypeScript twin: the same pipeline (and hash) as pipeline.yaml.
    execution = slipway_run(server, "examples/heart-disease/pipeline.ts", {"C": 0.5, "model_name": model_name})

    steps = steps_by_id(execution)
    assert list(steps) == ["train", "evaluate", "register"]
    assert all(s["status"] == "succeeded" for s in steps.values()), steps
    train = steps["train"]
    assert set(train["metrics"]) == {"acc", "val_acc", "roc_auc"} and train["metrics"]["roc_auc"] > 0.8
    assert steps["evaluate"]["outputs"]["passed"] == "true"

    version = steps["register"]["outputs"]["version"]
    registered = client.get_model_version(model_name, version)
    assert registered.run_id == train["run_id"]
    assert registered.source.startswith("models:/m-")
    assert registered.tags["slipway.pipeline"] == "heart-disease"
    assert_lineage_links_execution(server, model_name, version, execution, train["run_id"])
    assert client.get_run(train["run_id"]).data.params["C"] == "0.5"


def test_heart_disease_through_the_http_api(server: SlipwayServer, client: mlflow.MlflowClient) -> None:
    """The same example with no CLI: upsert the YAML, start, poll and read logs over HTTP."""
    import time

    model_name = unique_name("heart-disease-api")
    example = REPO_ROOT / "examples" / "heart-disease"
    source = (example / "pipeline.yaml").read_text()
    api = f"{server.url}{SLIPWAY_API}"
    headers = {"X-Slipway-Actor": "ci-bot"}

    upserted = requests.post(
        f"{api}/pipelines",
        json={"source": source, "source_format": "yaml", "file_name": "pipeline.yaml", "code_dir": str(example)},
        headers=headers,
        timeout=30,
    )
    assert upserted.status_code == 200, upserted.text
    pipeline = upserted.json()["pipeline"]
    assert pipeline["name"] == "heart-disease"

    # A mistyped param is refused and starts nothing.
    before = requests.get(f"{api}/executions", params={"pipeline": "heart-disease"}, timeout=10).json().get("executions", [])
    bad = requests.post(f"{api}/pipelines/heart-disease/executions", json={"params": {"C": "strong"}}, headers=headers, timeout=10)
    assert bad.status_code == 400, bad.text
    assert bad.json()["error_code"] == "INVALID_PARAMETER_VALUE" and "'C'" in bad.json()["message"]
    after = requests.get(f"{api}/executions", params={"pipeline": "heart-disease"}, timeout=10).json().get("executions", [])
    assert len(after) == len(before)

    started = requests.post(
        f"{api}/pipelines/heart-disease/executions",
        json={"params": {"C": 0.5, "model_name": model_name}},
        headers=headers,
        timeout=30,
    )
    assert started.status_code == 200, started.text
    execution_id = started.json()["execution"]["execution_id"]
    assert started.json()["execution"]["actor"] == "ci-bot"

    deadline = time.monotonic() + RUN_TIMEOUT_S
    execution: dict[str, Any] = {}
    while time.monotonic() < deadline:
        execution = requests.get(f"{api}/executions/{execution_id}", timeout=10).json()["execution"]
        if execution["status"] in ("succeeded", "failed", "cancelled"):
            break
        time.sleep(0.25)
    assert execution["status"] == "succeeded", f"{json.dumps(execution, indent=2)}\n{step_logs(server, execution)}"

    steps = steps_by_id(execution)
    assert [s["status"] for s in steps.values()] == ["succeeded"] * 3
    log = requests.get(f"{api}/executions/{execution_id}/logs", params={"step": "train"}, timeout=10).json()
    assert log["complete"] is True and "roc_auc: " in log["text"]
    version = steps["register"]["outputs"]["version"]
    assert client.get_model_version(model_name, version).run_id == steps["train"]["run_id"]
    assert_lineage_links_execution(server, model_name, version, execution, steps["train"]["run_id"])


def test_california_housing_tuned(server: SlipwayServer, client: mlflow.MlflowClient) -> None:
    """examples/california-housing/tune.yaml: a seeded TPE search; the best trial is registered and promoted."""
    model_name = unique_name("california-housing-tuned")
    execution = slipway_run(
        server, "examples/california-housing/tune.yaml", {"trials": 6, "parallel": 2, "model_name": model_name}
    )

    rows = execution["steps"]
    steps = {s["step_id"]: s for s in rows if not s.get("instance")}
    assert list(steps) == ["prepare", "tune", "evaluate", "register", "promote"]
    assert all(s["status"] == "succeeded" for s in steps.values()), steps
    tune = steps["tune"]
    trials = [s for s in rows if s["step_id"] == "tune" and s.get("instance")]
    assert 1 <= len(trials) <= 6
    assert tune["outputs"]["trials"] == str(len(trials))
    assert tune["outputs"]["seed"] == "42"

    # The step's run is the best trial's run, a child of the search run, itself a child of the execution's run.
    best = next(t for t in trials if t["instance"] == f"trial-{tune['outputs']['best-trial']}")
    assert tune["run_id"] == tune["outputs"]["best-run-id"] == best["run_id"]
    succeeded = [t for t in trials if t["status"] == "succeeded"]
    assert tune["metrics"]["rmse"] == min(t["metrics"]["rmse"] for t in succeeded)
    best_run = client.get_run(best["run_id"])
    search_run_id = tune["outputs"]["search-run-id"]
    assert best_run.data.tags["mlflow.parentRunId"] == search_run_id
    assert client.get_run(search_run_id).data.tags["mlflow.parentRunId"] == execution["run_id"]
    best_params = json.loads(tune["outputs"]["best-params"])
    for name in ("n_estimators", "max_depth", "min_samples_leaf"):
        assert best_run.data.params[name] == str(best_params[name])

    # The trial table, one line per trial plus the header.
    listed = sorted(f.path for f in client.list_artifacts(search_run_id, "tuning"))
    assert listed == ["tuning/trials.csv", "tuning/trials.md"]
    local = client.download_artifacts(search_run_id, "tuning/trials.csv")
    with open(local, encoding="utf-8") as handle:
        assert len(handle.read().strip().splitlines()) == len(trials) + 1

    champion = client.get_model_version_by_alias(model_name, "champion")
    assert champion.version == steps["register"]["outputs"]["version"]
    assert champion.run_id == best["run_id"]
