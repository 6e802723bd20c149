"""Artifacts through the proxied artifact API: log, list, download, byte equality."""

from __future__ import annotations

import json
import os
from pathlib import Path

import mlflow
import requests
import yaml

from conftest import SlipwayServer


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_log_artifact_and_download_round_trip(
    client: mlflow.MlflowClient, experiment_id: str, tmp_path: Path, server: SlipwayServer
) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello, slipway\nsecond line\n")
    blob = tmp_path / "weights.bin"
    payload = os.urandom(300_000) + bytes(range(256))
    blob.write_bytes(payload)

    with mlflow.start_run() as run:
        mlflow.log_artifact(str(text))
        mlflow.log_artifact(str(blob), artifact_path="bin/nested")
    run_id = run.info.run_id

    top = {f.path: f for f in client.list_artifacts(run_id)}
    assert set(top) == {"notes.txt", "bin"}
    assert not top["notes.txt"].is_dir and top["notes.txt"].file_size == text.stat().st_size
    assert top["bin"].is_dir
    nested = client.list_artifacts(run_id, "bin/nested")
    assert [(f.path, f.is_dir, f.file_size) for f in nested] == [("bin/nested/weights.bin", False, len(payload))]

    out = Path(mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="bin/nested/weights.bin", dst_path=str(tmp_path / "dl1")))
    assert out.read_bytes() == payload
    out_text = Path(client.download_artifacts(run_id, "notes.txt", str(tmp_path / "dl2")))
    assert out_text.read_text() == "hello, slipway\nsecond line\n"

    # The whole run's artifacts at once, and the file as the proxied API serves it.
    everything = Path(mlflow.artifacts.download_artifacts(run_id=run_id, dst_path=str(tmp_path / "dl3")))
    assert _tree(everything) == {"notes.txt": text.read_bytes(), "bin/nested/weights.bin": payload}
    raw = requests.get(
        f"{server.url}/api/2.0/mlflow-artifacts/artifacts/{experiment_id}/{run_id}/artifacts/bin/nested/weights.bin",
        timeout=30,
    )
    assert raw.status_code == 200 and raw.content == payload


def test_log_artifacts_directory_tree(client: mlflow.MlflowClient, experiment_id: str, tmp_path: Path) -> None:
    src = tmp_path / "tree"
    files = {
        "a.txt": b"A",
        "empty.txt": b"",
        "sub/b.json": b'{"b": 1}',
        "sub/deeper/c.csv": b"x,y\n1,2\n",
        "sub/deeper/d e.txt": "unicode \u00e9\u4e2d".encode(),
        # Spaces, non-ASCII, parentheses and '+' (the client does not URL-quote artifact paths,
        # so '#' or '?' would not survive on any server).
        "sub/\u00fcn\u00efcode (1)+x.txt": b"odd name",
        "other/f.bin": bytes(range(256)) * 40,
    }
    for rel, content in files.items():
        path = src / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)

    with mlflow.start_run() as run:
        mlflow.log_artifacts(str(src))
        mlflow.log_artifacts(str(src / "sub"), artifact_path="copy")
    run_id = run.info.run_id

    assert ("sub/\u00fcn\u00efcode (1)+x.txt", False) in {(f.path, f.is_dir) for f in client.list_artifacts(run_id, "sub")}
    listing = {(f.path, f.is_dir) for f in client.list_artifacts(run_id)}
    assert listing == {("a.txt", False), ("empty.txt", False), ("sub", True), ("other", True), ("copy", True)}
    deeper = {(f.path, f.is_dir, f.file_size) for f in client.list_artifacts(run_id, "sub/deeper")}
    assert deeper == {
        ("sub/deeper/c.csv", False, len(files["sub/deeper/c.csv"])),
        ("sub/deeper/d e.txt", False, len(files["sub/deeper/d e.txt"])),
    }
    assert client.list_artifacts(run_id, "does-not-exist") == []

    root = Path(mlflow.artifacts.download_artifacts(run_id=run_id, dst_path=str(tmp_path / "dl")))
    expected = dict(files)
    expected.update({f"copy/{k[len('sub/'):]}": v for k, v in files.items() if k.startswith("sub/")})
    assert _tree(root) == expected

    sub = Path(mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="copy/deeper", dst_path=str(tmp_path / "dl-sub")))
    assert _tree(sub) == {"c.csv": files["sub/deeper/c.csv"], "d e.txt": files["sub/deeper/d e.txt"]}


def test_log_dict_text_and_load(client: mlflow.MlflowClient, experiment_id: str, tmp_path: Path) -> None:
    config = {"layers": [64, 32], "dropout": 0.1, "name": "net", "nested": {"ok": True}}
    with mlflow.start_run() as run:
        mlflow.log_dict(config, "config/config.json")
        mlflow.log_dict(config, "config/config.yaml")
        mlflow.log_text("plain text\n", "notes/readme.md")
    run_id = run.info.run_id

    assert {f.path for f in client.list_artifacts(run_id, "config")} == {"config/config.json", "config/config.yaml"}
    artifact_uri = client.get_run(run_id).info.artifact_uri
    assert mlflow.artifacts.load_dict(f"{artifact_uri}/config/config.json") == config
    assert yaml.safe_load(mlflow.artifacts.load_text(f"runs:/{run_id}/config/config.yaml")) == config
    assert mlflow.artifacts.load_text(f"runs:/{run_id}/notes/readme.md") == "plain text\n"
    downloaded = Path(client.download_artifacts(run_id, "config/config.json", str(tmp_path)))
    assert json.loads(downloaded.read_text()) == config
