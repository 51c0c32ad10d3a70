"""Fixtures for fault injection: servers the tests own and may stop."""

from __future__ import annotations

import pytest

from tests.faults.servers import PostgresCluster, RedisServer


@pytest.fixture
def redis_server(tmp_path):
    if not RedisServer.available:
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def postgres_cluster():
    if not PostgresCluster.available:
        pytest.skip("PostgreSQL's cluster tools (pg_createcluster) are not installed")
    cluster = PostgresCluster()
    try:
        cluster.create()
        yield cluster
    finally:
        cluster.drop()
