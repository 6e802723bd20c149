"""Runs: start_run (nested), logging and read-back, lifecycle, MlflowClient equivalents."""

from __future__ import annotations

import math
import sys
import time

import mlflow
import pytest
from mlflow.entities import Metric, Param, RunStatus, RunTag, ViewType
from mlflow.exceptions import MlflowException

from conftest import unique_name


def test_start_run_and_nested_runs(client: mlflow.MlflowClient, experiment_id: str) -> None:
    with mlflow.start_run(run_name="parent") as parent:
        assert parent.info.status == "RUNNING"
        assert parent.info.run_name == "parent"
        assert parent.info.experiment_id == experiment_id
        assert parent.info.artifact_uri == f"mlflow-artifacts:/{experiment_id}/{parent.info.run_id}/artifacts"
        with mlflow.start_run(run_name="child", nested=True) as child:
            assert mlflow.active_run().info.run_id == child.info.run_id
            with mlflow.start_run(run_name="grandchild", nested=True) as grandchild:
                pass
        assert mlflow.active_run().info.run_id == parent.info.run_id
    assert mlflow.active_run() is None

    p = client.get_run(parent.info.run_id)
    c = client.get_run(child.info.run_id)
    g = client.get_run(grandchild.info.run_id)
    assert p.info.status == c.info.status == g.info.status == "FINISHED"
    assert p.info.end_time is not None and p.info.end_time >= p.info.start_time
    assert "mlflow.parentRunId" not in p.data.tags
    assert c.data.tags["mlflow.parentRunId"] == parent.info.run_id
    assert g.data.tags["mlflow.parentRunId"] == child.info.run_id
    assert c.data.tags["mlflow.runName"] == "child"
    assert c.info.run_name == "child"
    # Context tags the fluent API sends.
    assert "mlflow.user" in p.data.tags and "mlflow.source.name" in p.data.tags

    assert mlflow.get_parent_run(child.info.run_id).info.run_id == parent.info.run_id
    assert mlflow.get_parent_run(parent.info.run_id) is None

    children = mlflow.search_runs(
        filter_string=f"tags.mlflow.parentRunId = '{parent.info.run_id}'", output_format="list"
    )
    assert [r.info.run_id for r in children] == [child.info.run_id]


def test_failed_run_status(client: mlflow.MlflowClient, experiment_id: str) -> None:
    with pytest.raises(RuntimeError):
        with mlflow.start_run() as run:
            raise RuntimeError("boom")
    failed = client.get_run(run.info.run_id)
    assert failed.info.status == "FAILED"
    assert failed.info.end_time is not None
    # No run name given: the server generates one and keeps the tag in sync.
    assert failed.info.run_name
    assert failed.data.tags["mlflow.runName"] == failed.info.run_name


def test_log_params_metrics_batch_tags_and_read_back(client: mlflow.MlflowClient, experiment_id: str) -> None:
    with mlflow.start_run() as run:
        mlflow.log_param("lr", 0.01)
        mlflow.log_params({"depth": 5, "optimizer": "adam", "note": "x" * 500})
        mlflow.log_metric("loss", 0.5, step=1)
        mlflow.log_metrics({"loss": 0.25, "acc": 0.9}, step=2)
        mlflow.log_metric("neg", -3.5)
        mlflow.log_metric("nan", float("nan"))
        mlflow.log_metric("inf", float("inf"))
        mlflow.set_tag("single", "t")
        mlflow.set_tags({"team": "blue", "version": 3, "with.dots/and-dash s": "ok"})
        run_id = run.info.run_id
        client.log_batch(
            run_id,
            metrics=[Metric("batch_m", 1.5, 1_700_000_000_000, 7)],
            params=[Param("batch_p", "v")],
            tags=[RunTag("batch_t", "tv")],
        )
        # Re-logging the same param value is fine.
        mlflow.log_param("lr", 0.01)

    data = client.get_run(run_id).data
    assert data.params == {
        "lr": "0.01",
        "depth": "5",
        "optimizer": "adam",
        "note": "x" * 500,
        "batch_p": "v",
    }
    # Only the latest value (highest step) per key comes back with the run.
    assert data.metrics["loss"] == 0.25
    assert data.metrics["acc"] == 0.9
    assert data.metrics["neg"] == -3.5
    assert data.metrics["batch_m"] == 1.5
    assert math.isnan(data.metrics["nan"])
    # MLflow's SQL store clamps infinities to the largest double; keeping inf is as good.
    assert data.metrics["inf"] in (math.inf, sys.float_info.max)
    assert data.tags["single"] == "t"
    assert data.tags["team"] == "blue"
    assert data.tags["version"] == "3"
    assert data.tags["with.dots/and-dash s"] == "ok"
    assert data.tags["batch_t"] == "tv"

    history = client.get_metric_history(run_id, "batch_m")
    assert [(m.value, m.step, m.timestamp) for m in history] == [(1.5, 7, 1_700_000_000_000)]


def test_metric_history_with_steps(client: mlflow.MlflowClient, experiment_id: str) -> None:
    with mlflow.start_run() as run:
        for step in range(20):
            mlflow.log_metric("curve", 1.0 / (step + 1), step=step, timestamp=1_000 + step)
        mlflow.log_metrics({"other": 1.0})
    history = client.get_metric_history(run.info.run_id, "curve")
    assert [(m.step, m.value, m.timestamp) for m in history] == [
        (step, 1.0 / (step + 1), 1_000 + step) for step in range(20)
    ]
    assert all(m.key == "curve" for m in history)
    assert client.get_metric_history(run.info.run_id, "never-logged") == []
    assert client.get_run(run.info.run_id).data.metrics["curve"] == pytest.approx(1.0 / 20)


def test_metric_history_over_one_page(client: mlflow.MlflowClient, experiment_id: str, client_diagnostics) -> None:
    """More than 25,000 points: the client pages get-history with max_results=25000."""
    n = 25_000 + 1_234
    run_id = client.create_run(experiment_id).info.run_id
    ts = 1_700_000_000_000
    metrics = [Metric("big", float(i) * 0.5, ts + i, i) for i in range(n)]
    client.log_batch(run_id, metrics=metrics)  # the client splits this into 1000-metric calls

    history = client.get_metric_history(run_id, "big")
    assert len(history) == n
    assert [(m.step, m.value, m.timestamp) for m in history] == [(i, float(i) * 0.5, ts + i) for i in range(n)]

    history_calls = [c for c in client_diagnostics.calls if "/metrics/get-history" in str(c["url"])]
    assert len(history_calls) == 2, history_calls
    assert all("max_results=25000" in str(c["url"]) for c in history_calls)
    assert "page_token=" in str(history_calls[1]["url"])
    assert client.get_run(run_id).data.metrics["big"] == float(n - 1) * 0.5


def test_client_equivalents(client: mlflow.MlflowClient) -> None:
    exp_id = client.create_experiment(unique_name("client-runs"))
    start = int(time.time() * 1000) - 5_000
    run = client.create_run(exp_id, start_time=start, tags={"origin": "client"}, run_name="by-client")
    run_id = run.info.run_id
    assert run.info.status == "RUNNING"
    assert run.info.start_time == start
    assert run.info.run_name == "by-client"
    assert run.data.tags["origin"] == "client"
    assert run.data.tags["mlflow.runName"] == "by-client"

    client.log_metric(run_id, "m", 1.0, step=0)
    client.log_metric(run_id, "m", 2.0, step=1, timestamp=start + 10)
    client.log_param(run_id, "p", "v")
    client.set_tag(run_id, "t", "1")
    client.set_tag(run_id, "gone", "soon")
    client.delete_tag(run_id, "gone")

    fetched = client.get_run(run_id)
    assert fetched.data.metrics == {"m": 2.0}
    assert fetched.data.params == {"p": "v"}
    assert fetched.data.tags["t"] == "1"
    assert "gone" not in fetched.data.tags
    with pytest.raises(MlflowException) as info:
        client.delete_tag(run_id, "gone")
    assert info.value.error_code == "RESOURCE_DOES_NOT_EXIST"

    client.update_run(run_id, name="renamed")
    renamed = client.get_run(run_id)
    assert renamed.info.run_name == "renamed"
    assert renamed.data.tags["mlflow.runName"] == "renamed"
    assert renamed.info.status == "RUNNING"

    # Setting the runName tag renames the run too.
    client.set_tag(run_id, "mlflow.runName", "by-tag")
    assert client.get_run(run_id).info.run_name == "by-tag"

    client.update_run(run_id, status="KILLED")
    assert client.get_run(run_id).info.status == "KILLED"

    end = start + 4_000
    client.set_terminated(run_id, status="FINISHED", end_time=end)
    done = client.get_run(run_id)
    assert done.info.status == "FINISHED"
    assert done.info.end_time == end
    assert RunStatus.is_terminated(RunStatus.from_string(done.info.status))

    client.set_terminated(client.create_run(exp_id).info.run_id)
    runs = client.search_runs([exp_id], order_by=["attributes.start_time ASC"])
    assert len(runs) == 2 and all(r.info.status == "FINISHED" for r in runs)


def test_delete_and_restore_run(client: mlflow.MlflowClient, experiment_id: str) -> None:
    with mlflow.start_run() as keep:
        mlflow.log_metric("m", 1)
    with mlflow.start_run() as doomed:
        mlflow.log_metric("m", 2)
    doomed_id = doomed.info.run_id

    def active_ids() -> set[str]:
        return set(mlflow.search_runs([experiment_id])["run_id"])

    assert active_ids() == {keep.info.run_id, doomed_id}

    mlflow.delete_run(doomed_id)
    assert client.get_run(doomed_id).info.lifecycle_stage == "deleted"
    assert active_ids() == {keep.info.run_id}
    deleted = client.search_runs([experiment_id], run_view_type=ViewType.DELETED_ONLY)
    assert [r.info.run_id for r in deleted] == [doomed_id]
    everything = client.search_runs([experiment_id], run_view_type=ViewType.ALL)
    assert {r.info.run_id for r in everything} == {keep.info.run_id, doomed_id}
    # A deleted run takes no writes.
    with pytest.raises(MlflowException) as info:
        client.log_param(doomed_id, "late", "x")
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"

    client.restore_run(doomed_id)
    assert client.get_run(doomed_id).info.lifecycle_stage == "active"
    assert active_ids() == {keep.info.run_id, doomed_id}

    client.delete_run(doomed_id)
    assert active_ids() == {keep.info.run_id}


def test_long_values_are_truncated_like_mlflow(client: mlflow.MlflowClient, experiment_id: str) -> None:
    """MLflow's server truncates long param and run-tag values (MLFLOW_TRUNCATE_LONG_VALUES)."""
    long_param, long_tag = "p" * 7000, "t" * 9000
    with mlflow.start_run() as run:
        mlflow.log_param("long_param", long_param)
        mlflow.log_param("long_param", long_param)  # the same (truncated) value again is fine
        mlflow.log_params({"batched_long": long_param})
        mlflow.set_tag("long_tag", long_tag)
    data = client.get_run(run.info.run_id).data
    assert data.params["long_param"] == long_param[:6000]
    assert data.params["batched_long"] == long_param[:6000]
    assert data.tags["long_tag"] == long_tag[:8000]

    # Experiment tags are not truncated: up to 20,000 characters, an error beyond.
    client.set_experiment_tag(experiment_id, "big", "v" * 20_000)
    assert client.get_experiment(experiment_id).tags["big"] == "v" * 20_000
    with pytest.raises(MlflowException) as info:
        client.set_experiment_tag(experiment_id, "bigger", "v" * 20_001)
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"


def test_nan_and_missing_metrics_sort_last(client: mlflow.MlflowClient, experiment_id: str) -> None:
    """As in MLflow: real values, then NaN, then runs without the metric, in both directions."""
    values = {"low": -1.0, "high": 2.0, "nan": float("nan"), "missing": None, "mid": 0.5}
    ids = {}
    for offset, (name, value) in enumerate(values.items()):
        run_id = client.create_run(experiment_id, start_time=1_000 + offset, run_name=name).info.run_id
        if value is not None:
            client.log_metric(run_id, "score", value)
        ids[run_id] = name

    def order(direction: str) -> list[str]:
        runs = client.search_runs([experiment_id], order_by=[f"metrics.score {direction}"])
        return [ids[r.info.run_id] for r in runs]

    assert order("ASC") == ["low", "mid", "high", "nan", "missing"]
    assert order("DESC") == ["high", "mid", "low", "nan", "missing"]
    above = client.search_runs([experiment_id], "metrics.score > -5", order_by=["metrics.score ASC"])
    assert [ids[r.info.run_id] for r in above] == ["low", "mid", "high"]
