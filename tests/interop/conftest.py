"""Interop suite: the real `mlflow` client against a live Slipway server.

Every test runs once per backend (the session-scoped `server` fixture is parametrized over
`sqlite` and `postgresql`). Each backend gets its own fresh Slipway process, started from
`dist/cli/main.js` (run `npm run build` first), on a free port with a temp data dir.

PostgreSQL uses the URL in `SLIPWAY_TEST_PG_URL` with a fresh `?schema=interop_<random>`,
dropped at teardown. Without that variable the PostgreSQL variant is skipped, unless
`SLIPWAY_REQUIRE_PG=1`, which turns that into a failure.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# The client must talk to the server under test and nothing else (no telemetry calls out).
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

import mlflow  # noqa: E402 - after the environment it reads
import pytest  # noqa: E402
import requests  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
MAIN_JS = REPO_ROOT / "dist" / "cli" / "main.js"
DATA_DIR = Path(__file__).resolve().parent / "data"

STARTUP_TIMEOUT_S = 30
SHUTDOWN_TIMEOUT_S = 15
LOG_TAIL_LINES = 60
RUNNING_LINE = re.compile(r"Slipway is running at (http://\S+)")


@dataclass
class SlipwayServer:
    """A running Slipway process and how to reach it."""

    backend: str
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    data_dir: Path
    pg_schema: str | None = None

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError as e:
            return f"<cannot read {self.log_path}: {e}>"
        return "\n".join(text.splitlines()[-lines:])


def unique_name(prefix: str = "interop") -> str:
    """A name no other test (or earlier session on the same database) uses."""
    return f"{prefix}-{uuid.uuid4().hex}"


def _pg_url_with_schema(base_url: str, schema: str) -> str:
    parts = urllib.parse.urlsplit(base_url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    query = [(k, v) for (k, v) in query if k != "schema"] + [("schema", schema)]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def _pg_url_without_schema(base_url: str) -> str:
    parts = urllib.parse.urlsplit(base_url)
    query = [(k, v) for (k, v) in urllib.parse.parse_qsl(parts.query, keep_blank_values=True) if k != "schema"]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def _drop_pg_schema(base_url: str, schema: str) -> None:
    import psycopg2  # imported lazily: only the PostgreSQL variant needs it

    conn = psycopg2.connect(_pg_url_without_schema(base_url))
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        conn.close()


def _start_server(backend: str, tmp_dir: Path, backend_store_uri: str | None) -> SlipwayServer:
    if not MAIN_JS.is_file():
        pytest.fail(f"{MAIN_JS} does not exist; run `npm run build` first", pytrace=False)
    data_dir = tmp_dir / "data"
    data_dir.mkdir(parents=True)
    log_path = tmp_dir / "server.log"
    cmd = ["node", str(MAIN_JS), "server", "--port", "0", "--data-dir", str(data_dir)]
    if backend_store_uri is not None:
        cmd += ["--backend-store-uri", backend_store_uri]
    # Pipeline steps run `python` from the server's PATH: make it this (the venv's) Python,
    # which has mlflow and scikit-learn (test_examples_pipelines.py).
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    log_file = open(log_path, "wb")  # noqa: SIM115 - handed to the child, closed below
    try:
        process = subprocess.Popen(
            cmd, cwd=REPO_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    finally:
        log_file.close()

    try:
        url = _wait_until_serving(backend, process, log_path)
    except BaseException:
        # Whatever went wrong (including Ctrl-C), leave no server behind.
        if process.poll() is None:
            process.kill()
            process.wait()
        raise
    return SlipwayServer(backend=backend, url=url, process=process, log_path=log_path, data_dir=data_dir)


def _wait_until_serving(backend: str, process: subprocess.Popen[bytes], log_path: Path) -> str:
    """Reads the URL the server prints, then waits for /health; fails with the log's tail."""

    def tail() -> str:
        return "\n".join(log_path.read_text(errors="replace").splitlines()[-LOG_TAIL_LINES:])

    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    url = None
    while url is None:
        if process.poll() is not None:
            pytest.fail(f"Slipway ({backend}) exited with code {process.returncode} during start-up:\n{tail()}", pytrace=False)
        if time.monotonic() > deadline:
            pytest.fail(f"Slipway ({backend}) did not print its URL within {STARTUP_TIMEOUT_S}s:\n{tail()}", pytrace=False)
        match = RUNNING_LINE.search(log_path.read_text(errors="replace"))
        if match:
            url = match.group(1)
        else:
            time.sleep(0.05)

    while True:
        try:
            if requests.get(f"{url}/health", timeout=2).status_code == 200:
                return url
        except requests.RequestException:  # not up yet (refused, or accepted but not answering)
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"Slipway ({backend}) at {url} never answered /health:\n{tail()}", pytrace=False)
        time.sleep(0.05)


def _stop_server(server: SlipwayServer) -> None:
    process = server.process
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=SHUTDOWN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            pytest.fail(
                f"Slipway ({server.backend}) did not exit within {SHUTDOWN_TIMEOUT_S}s of SIGTERM:\n{server.log_tail()}",
                pytrace=False,
            )
    if process.returncode != 0:
        pytest.fail(
            f"Slipway ({server.backend}) exited with code {process.returncode} after SIGTERM:\n{server.log_tail()}",
            pytrace=False,
        )


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlipwayServer]:
    """A fresh Slipway process per backend, shared by every test of that backend."""
    backend: str = request.param
    tmp_dir = tmp_path_factory.mktemp(f"slipway-{backend}")
    pg_base_url = None
    pg_schema = None
    if backend == "sqlite":
        backend_store_uri = f"sqlite:///{tmp_dir / 'slipway.db'}"
    else:
        pg_base_url = os.environ.get("SLIPWAY_TEST_PG_URL")
        if not pg_base_url:
            if os.environ.get("SLIPWAY_REQUIRE_PG") == "1":
                pytest.fail("SLIPWAY_TEST_PG_URL is not set (and SLIPWAY_REQUIRE_PG=1)", pytrace=False)
            pytest.skip("SLIPWAY_TEST_PG_URL is not set")
        pg_schema = f"interop_{uuid.uuid4().hex[:16]}"
        backend_store_uri = _pg_url_with_schema(pg_base_url, pg_schema)

    try:
        srv = _start_server(backend, tmp_dir, backend_store_uri)
        srv.pg_schema = pg_schema
        try:
            yield srv
        finally:
            _stop_server(srv)
    finally:
        if pg_base_url is not None and pg_schema is not None:
            _drop_pg_schema(pg_base_url, pg_schema)


@pytest.fixture(autouse=True)
def tracking_uri(server: SlipwayServer) -> Iterator[str]:
    """Points the fluent API at this test's server; ends any run a failing test left open."""
    mlflow.set_tracking_uri(server.url)
    try:
        yield server.url
    finally:
        while mlflow.active_run() is not None:
            mlflow.end_run()
        mlflow.tracking.fluent._active_experiment_id = None  # set_experiment is process state
        os.environ.pop("MLFLOW_EXPERIMENT_ID", None)
        os.environ.pop("MLFLOW_EXPERIMENT_NAME", None)


@pytest.fixture
def client(server: SlipwayServer) -> mlflow.MlflowClient:
    return mlflow.MlflowClient(tracking_uri=server.url)


@pytest.fixture
def experiment_id(client: mlflow.MlflowClient) -> str:
    """A fresh experiment, also made the fluent API's active experiment."""
    exp = mlflow.set_experiment(unique_name("exp"))
    return exp.experiment_id


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """On a failing test, attach the tail of the server's log to the report."""
    report = yield
    if report.failed:
        srv = getattr(item, "funcargs", {}).get("server")
        if isinstance(srv, SlipwayServer):
            report.sections.append((f"Slipway ({srv.backend}) log, last {LOG_TAIL_LINES} lines", srv.log_tail()))
    return report


class RecordingHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def messages(self) -> list[str]:
        """Each record as 'logger LEVEL: message', with its exception's text if it has one."""
        out = []
        for r in self.records:
            try:
                text = f"{r.name} {r.levelname}: {r.getMessage()}"
            except Exception:  # a bad format string must not hide the rest
                text = f"{r.name} {r.levelname}: {r.msg!r} {r.args!r}"
            if r.exc_info and r.exc_info[1] is not None:
                text += f" [{type(r.exc_info[1]).__name__}: {r.exc_info[1]}]"
            out.append(text)
        return out


@dataclass
class ClientDiagnostics:
    """What the client said (warnings, log records) and which HTTP calls it made."""

    warnings: list[warnings.WarningMessage]
    logs: RecordingHandler
    calls: list[dict[str, object]]

    def problems(self) -> list[str]:
        """Unsupported endpoints, server errors and retries, from responses, logs and warnings."""
        out = []
        for c in self.calls:
            if c["error_code"] == "ENDPOINT_NOT_FOUND" or (c["status"] == 404 and c["error_code"] is None):
                out.append(f"unsupported endpoint: {c}")
            elif int(c["status"]) >= 500:  # type: ignore[call-overload]
                out.append(f"server error: {c}")
        for m in self.logs.messages():
            if URLLIB3_ACCESS_LINE.match(m) or any(b.search(m) for b in BENIGN_LOGS):
                continue
            if UNSUPPORTED_ENDPOINT.search(m):
                out.append(f"log: {m}")
        for w in self.warnings:
            if UNSUPPORTED_ENDPOINT.search(str(w.message)):
                out.append(f"warning: {w.category.__name__}: {w.message}")
        return out


# What a client message about an endpoint the server lacks, or about retrying, looks like.
UNSUPPORTED_ENDPOINT = re.compile(
    r"unsupported|not supported|unimplemented|not implemented|ENDPOINT_NOT_FOUND|\b404\b|\bretr(y|ies|ying)\b",
    re.IGNORECASE,
)
# urllib3's one line per response ('http://host "GET /path HTTP/1.1" 404 131'); responses are
# checked through ClientDiagnostics.calls, which also knows the error_code.
URLLIB3_ACCESS_LINE = re.compile(r'^urllib3\.connectionpool DEBUG: \S+ "[A-Z]+ \S+ HTTP/[\d.]+" \d{3} ')
# Log lines that match UNSUPPORTED_ENDPOINT but are the client's documented behaviour against
# a correct server. Each entry says why it is not about an unsupported endpoint.
BENIGN_LOGS = [
    # `runs:/<run_id>/model` in 3.x: the client first tries the run's own artifacts; the model
    # lives under the logged model instead, so the server rightly answers that file with 404
    # RESOURCE_DOES_NOT_EXIST (a resource, not an endpoint) and the client falls back to
    # logged-models/search (mlflow-api.md, fact 10). Only that error code is let through.
    re.compile(
        r"^mlflow\.store\.artifact\.runs_artifact_repo DEBUG: Failed to download artifacts from runs:/"
        r"(?=.*\"error_code\":\s*\"RESOURCE_DOES_NOT_EXIST\")(?!.*ENDPOINT_NOT_FOUND)",
        re.DOTALL,
    ),
]


@pytest.fixture(autouse=True)
def client_diagnostics(monkeypatch: pytest.MonkeyPatch) -> Iterator[ClientDiagnostics]:
    """Records Python warnings, the `mlflow` and `urllib3` loggers and every HTTP response.

    Autouse: after every test it checks that the client met no endpoint the server lacks
    (404 ENDPOINT_NOT_FOUND), no 5xx (which the client retries for minutes) and said nothing
    about an unsupported endpoint or a retry. test_client_warnings.py checks a typical
    workflow more strictly.

    mlflow's logger does not propagate to the root logger, so caplog would miss it: a handler
    is attached to it directly (and to urllib3's, which logs retries).
    """
    calls: list[dict[str, object]] = []
    original_request = requests.Session.request

    def recording_request(self: requests.Session, method: str, url: str, *args: object, **kwargs: object) -> requests.Response:
        response = original_request(self, method, url, *args, **kwargs)
        error_code = None
        if response.status_code >= 400:
            try:
                body = response.json()
                error_code = body.get("error_code") if isinstance(body, dict) else None
            except ValueError:
                error_code = None
        calls.append({"method": method, "url": response.url, "status": response.status_code, "error_code": error_code})
        return response

    monkeypatch.setattr(requests.Session, "request", recording_request)

    handler = RecordingHandler()
    loggers = [logging.getLogger(name) for name in ("mlflow", "urllib3")]
    saved_levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            diagnostics = ClientDiagnostics(warnings=caught, logs=handler, calls=calls)
            yield diagnostics
    finally:
        for lg, level in zip(loggers, saved_levels, strict=True):
            lg.removeHandler(handler)
            lg.setLevel(level)
    problems = diagnostics.problems()
    assert not problems, "the client met an unsupported endpoint, a 5xx or a retry:\n" + "\n".join(problems)
