"""Fixtures of the evidence tests: a real S3-compatible server for the object-storage path."""
import pytest


@pytest.fixture(scope="session")
def s3_server():
    """A real S3-compatible server (moto's server mode) on a free loopback port, with a bucket."""
    import os

    import boto3
    from moto.server import ThreadedMotoServer

    # boto3 reads credentials from the environment; moto accepts any.
    for name, value in (("AWS_ACCESS_KEY_ID", "registry-test"), ("AWS_SECRET_ACCESS_KEY", "registry-test"),
                        ("AWS_DEFAULT_REGION", "us-east-1")):
        os.environ.setdefault(name, value)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="registry-evidence")
    yield endpoint
    server.stop()


@pytest.fixture(params=["local", "s3"])
def evidence_store(request, app):
    """Runs a test once on the local directory and once on the object store (`usefixtures`)."""
    from registry.evidence.storage import from_config

    if request.param == "local":
        yield "local"
        return
    endpoint = request.getfixturevalue("s3_server")
    saved = app.extensions.get("evidence_storage")
    app.extensions["evidence_storage"] = from_config({"EVIDENCE_STORAGE": "s3://registry-evidence/test",
                                                      "S3_ENDPOINT_URL": endpoint})
    try:
        yield "s3"
    finally:
        app.extensions["evidence_storage"] = saved
