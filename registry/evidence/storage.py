"""Where evidence files live: a local directory (the default) or an S3-compatible object store.

Several app machines must see the same files, so production can point `EVIDENCE_STORAGE` at a
bucket (`s3://bucket/optional/prefix`, with `S3_ENDPOINT_URL` for a non-AWS store such as MinIO
or Ceph, and the usual `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_DEFAULT_REGION`).
Both back ends offer the same four operations on opaque keys (`<aa>/<random hex>`); nothing else
in the registry knows which one is in use.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from flask import current_app


class StorageError(Exception):
    """The store could not be reached or refused an operation."""


class Storage(Protocol):
    def put(self, key: str, data: bytes) -> None: ...  # never overwrites an existing key
    def get(self, key: str) -> bytes | None: ...       # None when the key does not exist
    def delete(self, key: str) -> None: ...            # no error when already gone
    def keys(self) -> list[str]: ...                   # every stored key (backups, checks)


class LocalStorage:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / key

    def put(self, key: str, data: bytes) -> None:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "xb") as handle:  # never overwrite
            handle.write(data)

    def get(self, key: str) -> bytes | None:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, key: str) -> None:
        try:
            os.unlink(self.path(key))
        except OSError:
            pass

    def keys(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(str(p.relative_to(self.root)) for p in self.root.rglob("*") if p.is_file())

    def __repr__(self):
        return f"LocalStorage({str(self.root)!r})"


class S3Storage:
    def __init__(self, bucket: str, prefix: str = "", *, endpoint_url: str | None = None, region: str | None = None):
        import boto3
        from botocore.config import Config as BotoConfig

        self.bucket, self.prefix = bucket, prefix.strip("/")
        # Short timeouts and few retries: a page waiting on a dead store should fail fast.
        self.client = boto3.client("s3", endpoint_url=endpoint_url or None, region_name=region or None,
                                   config=BotoConfig(connect_timeout=5, read_timeout=30,
                                                     retries={"max_attempts": 3, "mode": "standard"}))

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key: str, data: bytes) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            # IfNoneMatch makes the store refuse to replace an existing object (never overwrite).
            self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, IfNoneMatch="*")
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(str(exc)) from exc

    def get(self, key: str) -> bytes | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return None
            raise StorageError(str(exc)) from exc
        except BotoCoreError as exc:
            raise StorageError(str(exc)) from exc

    def delete(self, key: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._key(key))
        except (BotoCoreError, ClientError):
            pass  # a file that cannot be removed now is an orphan, never a failed request

    def keys(self) -> list[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        prefix = f"{self.prefix}/" if self.prefix else ""
        found = []
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            found.extend(item["Key"][len(prefix):] for item in page.get("Contents", []))
        return sorted(found)

    def __repr__(self):
        return f"S3Storage(bucket={self.bucket!r}, prefix={self.prefix!r})"


def from_config(config) -> Storage:
    url = (config.get("EVIDENCE_STORAGE") or "").strip()
    if url.startswith("s3://"):
        bucket, _, prefix = url[len("s3://"):].partition("/")
        if not bucket:
            raise ValueError("EVIDENCE_STORAGE=s3://BUCKET[/PREFIX] needs a bucket name")
        return S3Storage(bucket, prefix, endpoint_url=config.get("S3_ENDPOINT_URL"),
                         region=config.get("S3_REGION"))
    if url and url != "local":
        raise ValueError(f"EVIDENCE_STORAGE must be 'local' or s3://BUCKET[/PREFIX], not {url!r}")
    return LocalStorage(config["EVIDENCE_DIR"])


def init_app(app) -> None:
    app.extensions["evidence_storage"] = from_config(app.config)


def storage() -> Storage:
    found = current_app.extensions.get("evidence_storage")
    if found is None:
        found = current_app.extensions["evidence_storage"] = from_config(current_app.config)
    return found
