"""Alembic is the only way the schema changes: upgrade, no drift, downgrade, upgrade again.

Runs on a fresh database of each backend (not the shared test database).
"""

import os
import uuid

import pytest
from sqlalchemy import create_engine, inspect

from cs_handbook import migrations
from cs_handbook.models import Base
from tests.conftest import BACKENDS


@pytest.fixture(params=BACKENDS)
def fresh_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/migrations.sqlite"
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return request.getfixturevalue("postgres").create_database(f"migr_{worker}_{uuid.uuid4().hex[:8]}")


def _tables(url) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {t for t in inspect(connection).get_table_names()
                    if not t.startswith(migrations.UNMANAGED_TABLE_PREFIXES)}
    finally:
        engine.dispose()


def test_upgrade_check_downgrade_upgrade(fresh_url):
    migrations.upgrade(fresh_url)
    model_tables = {t.name for t in Base.metadata.sorted_tables}
    assert model_tables <= _tables(fresh_url)
    engine = create_engine(fresh_url)
    try:
        assert migrations.is_at_head(engine)
    finally:
        engine.dispose()
    # No drift between the models and the revisions (alembic check).
    migrations.check(fresh_url)
    migrations.downgrade(fresh_url, "base")
    assert _tables(fresh_url) <= {"alembic_version"}
    migrations.upgrade(fresh_url)
    assert model_tables <= _tables(fresh_url)
    migrations.check(fresh_url)
