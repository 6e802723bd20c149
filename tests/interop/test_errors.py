"""Errors surface as MlflowException with MLflow's error_code, quickly (4xx, no retries)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import mlflow
import pytest
from mlflow.entities import Param, ViewType
from mlflow.exceptions import MlflowException

from conftest import ClientDiagnostics, unique_name

FAST_S = 5.0


def _expect_error(
    diag: ClientDiagnostics, call: Callable[[], object], error_code: str, status: int, message_part: str | None = None
) -> MlflowException:
    before = len(diag.calls)
    started = time.monotonic()
    with pytest.raises(MlflowException) as info:
        call()
    elapsed = time.monotonic() - started
    assert elapsed < FAST_S, f"took {elapsed:.1f}s: the client retried (a 5xx?)"
    assert info.value.error_code == error_code, str(info.value)
    if message_part is not None:
        assert message_part in str(info.value)
    responses = diag.calls[before:]
    assert responses, "the error must come from the server, not from client-side validation"
    assert responses[-1]["status"] == status, responses[-1]
    assert responses[-1]["error_code"] == error_code, responses[-1]
    return info.value


def test_unknown_run_and_experiment(client: mlflow.MlflowClient, client_diagnostics: ClientDiagnostics) -> None:
    missing = uuid.uuid4().hex
    _expect_error(client_diagnostics, lambda: client.get_run(missing), "RESOURCE_DOES_NOT_EXIST", 404, missing)
    _expect_error(client_diagnostics, lambda: client.log_metric(missing, "m", 1.0), "RESOURCE_DOES_NOT_EXIST", 404)
    _expect_error(client_diagnostics, lambda: client.log_param(missing, "p", "v"), "RESOURCE_DOES_NOT_EXIST", 404)
    _expect_error(client_diagnostics, lambda: client.set_terminated(missing), "RESOURCE_DOES_NOT_EXIST", 404)
    _expect_error(client_diagnostics, lambda: client.delete_run(missing), "RESOURCE_DOES_NOT_EXIST", 404)
    _expect_error(client_diagnostics, lambda: mlflow.start_run(run_id=missing), "RESOURCE_DOES_NOT_EXIST", 404)
    _expect_error(client_diagnostics, lambda: client.get_experiment("987654321"), "RESOURCE_DOES_NOT_EXIST", 404)
    _expect_error(
        client_diagnostics, lambda: client.create_run("987654321"), "RESOURCE_DOES_NOT_EXIST", 404
    )
    _expect_error(
        client_diagnostics,
        lambda: client.get_logged_model(f"m-{uuid.uuid4().hex}"),
        "RESOURCE_DOES_NOT_EXIST",
        404,
    )
    # get_experiment_by_name turns the 404 into None.
    assert client.get_experiment_by_name(unique_name("nope")) is None


def test_changing_a_param_is_rejected(client: mlflow.MlflowClient, client_diagnostics: ClientDiagnostics) -> None:
    exp_id = client.create_experiment(unique_name("param-change"))
    run_id = client.create_run(exp_id).info.run_id
    client.log_param(run_id, "lr", "0.1")
    client.log_param(run_id, "lr", "0.1")  # same value: fine
    _expect_error(
        client_diagnostics, lambda: client.log_param(run_id, "lr", "0.2"), "INVALID_PARAMETER_VALUE", 400, "lr"
    )
    _expect_error(
        client_diagnostics,
        lambda: client.log_batch(run_id, params=[Param("lr", "0.3"), Param("other", "x")]),
        "INVALID_PARAMETER_VALUE",
        400,
        "lr",
    )
    # The rejected batch wrote nothing.
    assert client.get_run(run_id).data.params == {"lr": "0.1"}

    with mlflow.start_run(experiment_id=exp_id):
        mlflow.log_param("depth", 3)
        _expect_error(client_diagnostics, lambda: mlflow.log_param("depth", 4), "INVALID_PARAMETER_VALUE", 400)
        _expect_error(
            client_diagnostics, lambda: mlflow.log_params({"depth": 5}), "INVALID_PARAMETER_VALUE", 400
        )


def test_bad_filters_are_rejected(client: mlflow.MlflowClient, client_diagnostics: ClientDiagnostics) -> None:
    exp_id = client.create_experiment(unique_name("bad-filter"))
    for bad in [
        "metrics.acc >",
        "metrics.acc > 'high'",
        "params.model = tree",
        "foo.bar = 'x'",
        "attributes.nonsense = 'x'",
        "metrics.acc > 1 OR metrics.acc < 0",
    ]:
        _expect_error(
            client_diagnostics, lambda bad=bad: client.search_runs([exp_id], bad), "INVALID_PARAMETER_VALUE", 400
        )
    _expect_error(
        client_diagnostics,
        lambda: client.search_runs([exp_id], order_by=["metrics.acc SIDEWAYS"]),
        "INVALID_PARAMETER_VALUE",
        400,
    )
    _expect_error(
        client_diagnostics,
        lambda: client.search_experiments(filter_string="params.x = 'y'", view_type=ViewType.ALL),
        "INVALID_PARAMETER_VALUE",
        400,
    )
    _expect_error(
        client_diagnostics,
        lambda: client.search_logged_models(experiment_ids=[exp_id], filter_string="metric.acc > 1"),
        "INVALID_PARAMETER_VALUE",
        400,
    )


def test_other_client_errors(client: mlflow.MlflowClient, client_diagnostics: ClientDiagnostics) -> None:
    name = unique_name("dup")
    exp_id = client.create_experiment(name)
    _expect_error(client_diagnostics, lambda: client.create_experiment(name), "RESOURCE_ALREADY_EXISTS", 400)
    run_id = client.create_run(exp_id).info.run_id
    _expect_error(client_diagnostics, lambda: client.delete_tag(run_id, "never-set"), "RESOURCE_DOES_NOT_EXIST", 404)
    # Too many results in one page.
    _expect_error(
        client_diagnostics,
        lambda: client.search_runs([exp_id], max_results=50_001),
        "INVALID_PARAMETER_VALUE",
        400,
    )
    # Writes to a deleted experiment are refused.
    client.delete_experiment(exp_id)
    _expect_error(client_diagnostics, lambda: client.create_run(exp_id), "INVALID_PARAMETER_VALUE", 400)
