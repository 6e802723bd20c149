"""search_runs: filters over metrics/params/tags/attributes, LIKE/ILIKE/IN, order_by, paging."""

from __future__ import annotations

import math
from dataclasses import dataclass

import mlflow
import pandas as pd
import pytest
from mlflow.entities import Metric, Param, RunTag

from conftest import unique_name

START = 1_750_000_000_000


@dataclass
class Fixture:
    exp_id: str
    exp_name: str
    ids: dict[str, str]  # run name -> run id


# name, model param, acc metric (None = not logged), loss, team tag, start offset, status
ROWS = [
    ("alpha", "tree", 0.91, 0.30, "red", 0, "FINISHED"),
    ("beta", "tree", 0.75, 0.50, "Red", 1, "FINISHED"),
    ("gamma", "linear", 0.75, 0.40, "blue", 2, "FAILED"),
    ("delta", "linear", 0.60, 0.70, None, 3, "FINISHED"),
    ("epsilon", "knn", None, 0.90, "green", 4, "RUNNING"),
    ("zeta", None, 0.99, None, "red", 5, "FINISHED"),
]


@pytest.fixture
def runs(client: mlflow.MlflowClient) -> Fixture:
    name = unique_name("search-runs")
    exp_id = client.create_experiment(name)
    ids = {}
    for run_name, model, acc, loss, team, offset, status in ROWS:
        run = client.create_run(exp_id, start_time=START + offset * 1000, run_name=run_name)
        run_id = run.info.run_id
        metrics = []
        if acc is not None:
            metrics.append(Metric("acc", acc, START, 0))
        if loss is not None:
            metrics.append(Metric("loss", loss, START, 0))
            metrics.append(Metric("val loss", loss * 2, START, 0))
        params = [Param("model", model)] if model is not None else []
        params.append(Param("my-param", f"p-{run_name}"))
        tags = [RunTag("team", team)] if team is not None else []
        client.log_batch(run_id, metrics=metrics, params=params, tags=tags)
        if status != "RUNNING":
            client.set_terminated(run_id, status=status, end_time=START + offset * 1000 + 500)
        ids[run_name] = run_id
    return Fixture(exp_id=exp_id, exp_name=name, ids=ids)


def names(fx: Fixture, filter_string: str = "", order_by: list[str] | None = None) -> list[str]:
    by_id = {v: k for k, v in fx.ids.items()}
    found = mlflow.search_runs([fx.exp_id], filter_string=filter_string, order_by=order_by, output_format="list")
    return [by_id[r.info.run_id] for r in found]


def name_set(fx: Fixture, filter_string: str) -> set[str]:
    return set(names(fx, filter_string))


def test_search_runs_filters(runs: Fixture) -> None:
    fx = runs
    # Metrics (a run without the metric never matches, not even for !=).
    assert name_set(fx, "metrics.acc > 0.75") == {"alpha", "zeta"}
    assert name_set(fx, "metrics.acc >= 0.75") == {"alpha", "beta", "gamma", "zeta"}
    assert name_set(fx, "metrics.acc = 0.75") == {"beta", "gamma"}
    assert name_set(fx, "metrics.acc != 0.75") == {"alpha", "delta", "zeta"}
    assert name_set(fx, "metrics.acc < 0.7 AND metrics.loss <= 0.7") == {"delta"}
    assert name_set(fx, "metrics.`val loss` > 1.0") == {"epsilon", "delta"}
    assert name_set(fx, 'metrics."val loss" < 0.7') == {"alpha"}
    # Params.
    assert name_set(fx, "params.model = 'tree'") == {"alpha", "beta"}
    assert name_set(fx, "params.model != 'tree'") == {"gamma", "delta", "epsilon"}
    assert name_set(fx, "params.model LIKE 'lin%'") == {"gamma", "delta"}
    assert name_set(fx, "params.model ILIKE 'TR__'") == {"alpha", "beta"}
    assert name_set(fx, "params.`my-param` = 'p-beta'") == {"beta"}
    assert name_set(fx, "params.model = 'tree' AND metrics.acc < 0.8") == {"beta"}
    # Tags: LIKE is case sensitive, ILIKE is not.
    assert name_set(fx, "tags.team = 'red'") == {"alpha", "zeta"}
    assert name_set(fx, "tags.team LIKE 'R%'") == {"beta"}
    assert name_set(fx, "tags.team ILIKE 'r%'") == {"alpha", "beta", "zeta"}
    assert name_set(fx, "tags.team != 'red'") == {"beta", "gamma", "epsilon"}
    assert name_set(fx, "tags.`mlflow.runName` = 'gamma'") == {"gamma"}
    # Attributes.
    assert name_set(fx, "attributes.run_name = 'delta'") == {"delta"}
    assert name_set(fx, "run_name LIKE '%eta'") == {"beta", "zeta"}
    assert name_set(fx, "attributes.`run name` ILIKE 'ALPHA'") == {"alpha"}
    assert name_set(fx, "attributes.status = 'FAILED'") == {"gamma"}
    assert name_set(fx, "status != 'FINISHED'") == {"gamma", "epsilon"}
    assert name_set(fx, f"attributes.run_id IN ('{fx.ids['alpha']}', '{fx.ids['delta']}')") == {"alpha", "delta"}
    assert name_set(fx, f"attributes.run_id NOT IN ('{fx.ids['alpha']}', '{fx.ids['delta']}')") == {
        "beta",
        "gamma",
        "epsilon",
        "zeta",
    }
    assert name_set(fx, f"attributes.start_time >= {START + 4000}") == {"epsilon", "zeta"}
    assert name_set(fx, f"created < {START + 1000}") == {"alpha"}
    assert name_set(fx, f"attributes.end_time <= {START + 1500}") == {"alpha", "beta"}
    assert name_set(fx, "attributes.artifact_uri LIKE 'mlflow-artifacts:%'") == set(fx.ids)
    assert name_set(fx, "params.model = 'nothing'") == set()


def test_search_runs_order_by(runs: Fixture) -> None:
    fx = runs
    # Default: start_time DESC.
    assert names(fx) == ["zeta", "epsilon", "delta", "gamma", "beta", "alpha"]
    assert names(fx, order_by=["attributes.start_time ASC"]) == ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"]
    # Multi-key: ties on acc broken by the second key; a missing metric sorts last either way.
    assert names(fx, order_by=["metrics.acc DESC", "params.model ASC"]) == [
        "zeta",
        "alpha",
        "gamma",
        "beta",
        "delta",
        "epsilon",
    ]
    assert names(fx, order_by=["metrics.acc ASC", "run_name DESC"]) == [
        "delta",
        "gamma",
        "beta",
        "alpha",
        "zeta",
        "epsilon",
    ]
    assert names(fx, order_by=["params.model ASC", "metrics.loss DESC"]) == [
        "epsilon",
        "delta",
        "gamma",
        "beta",
        "alpha",
        "zeta",
    ]
    assert names(fx, "tags.team ILIKE 'r%'", order_by=["tags.team DESC", "attributes.run_name"]) == [
        "alpha",
        "zeta",
        "beta",
    ]
    assert names(fx, order_by=["metrics.`val loss` DESC"])[:2] == ["epsilon", "delta"]


def test_search_runs_pandas_output(runs: Fixture) -> None:
    fx = runs
    frame = mlflow.search_runs(
        experiment_names=[fx.exp_name],
        filter_string="metrics.acc >= 0.6",
        order_by=["metrics.acc DESC", "params.model ASC"],
    )
    assert isinstance(frame, pd.DataFrame)
    by_id = {v: k for k, v in fx.ids.items()}
    assert [by_id[r] for r in frame["run_id"]] == ["zeta", "alpha", "gamma", "beta", "delta"]
    assert list(frame["metrics.acc"]) == [0.99, 0.91, 0.75, 0.75, 0.60]
    assert list(frame["params.model"])[1:] == ["tree", "linear", "tree", "linear"]
    assert frame["params.model"].iloc[0] is None or (
        isinstance(frame["params.model"].iloc[0], float) and math.isnan(frame["params.model"].iloc[0])
    )
    assert list(frame["status"]) == ["FINISHED", "FINISHED", "FAILED", "FINISHED", "FINISHED"]
    assert list(frame["tags.mlflow.runName"]) == ["zeta", "alpha", "gamma", "beta", "delta"]
    assert set(frame["experiment_id"]) == {fx.exp_id}
    assert {"start_time", "end_time", "artifact_uri", "metrics.loss", "tags.team"} <= set(frame.columns)


def test_search_runs_paging(client: mlflow.MlflowClient, runs: Fixture) -> None:
    fx = runs
    order = ["metrics.acc DESC", "params.model ASC"]
    full = [r.info.run_id for r in client.search_runs([fx.exp_id], order_by=order)]
    assert len(full) == 6

    seen: list[str] = []
    token = None
    pages = 0
    while True:
        page = client.search_runs([fx.exp_id], order_by=order, max_results=4, page_token=token)
        pages += 1
        seen.extend(r.info.run_id for r in page)
        token = page.token
        if not token:
            break
    assert pages == 2
    assert seen == full

    first = client.search_runs([fx.exp_id], max_results=2)
    second = client.search_runs([fx.exp_id], max_results=2, page_token=first.token)
    third = client.search_runs([fx.exp_id], max_results=2, page_token=second.token)
    by_id = {v: k for k, v in fx.ids.items()}
    assert [by_id[r.info.run_id] for r in [*first, *second, *third]] == [
        "zeta",
        "epsilon",
        "delta",
        "gamma",
        "beta",
        "alpha",
    ]
    assert not third.token

    # The fluent API pages internally (max_results beyond one page is fine).
    assert len(mlflow.search_runs([fx.exp_id], max_results=5, output_format="list")) == 5


def test_search_runs_across_experiments(client: mlflow.MlflowClient) -> None:
    a = client.create_experiment(unique_name("multi-a"))
    b = client.create_experiment(unique_name("multi-b"))
    ra = client.create_run(a, start_time=START).info.run_id
    rb = client.create_run(b, start_time=START + 1).info.run_id
    client.log_metric(ra, "m", 1.0)
    client.log_metric(rb, "m", 2.0)
    found = client.search_runs([a, b], order_by=["metrics.m ASC"])
    assert [r.info.run_id for r in found] == [ra, rb]
    assert [r.info.experiment_id for r in found] == [a, b]
    assert [r.info.run_id for r in client.search_runs([a, b], "metrics.m > 1.5")] == [rb]
