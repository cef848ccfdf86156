"""The page cache keeps at most its size, dropping the page read longest ago."""

import pytest
from sqlalchemy import create_engine, literal, select

from cs_handbook.services.documents_cache import DatabaseUnavailable, Entry, PageCache, RawStatements


def _entry(n):
    return Entry(generation="g", document_id=n, parts=(b"page %d" % n,))


def test_the_least_recently_read_page_goes_first():
    cache = PageCache(2)
    cache.put("a", _entry(1))
    cache.put("b", _entry(2))
    assert cache.get("a").document_id == 1  # "a" is now the most recent
    cache.put("c", _entry(3))
    assert len(cache) == 2
    assert cache.get("b") is None
    assert cache.get("a").document_id == 1 and cache.get("c").document_id == 3


def test_storing_a_page_again_replaces_it_without_growing():
    cache = PageCache(2)
    cache.put("a", _entry(1))
    cache.put("a", _entry(4))
    assert len(cache) == 1 and cache.get("a").document_id == 4


def test_a_database_that_cannot_be_reached_leaves_the_request_to_the_full_path(tmp_path):
    """The tween turns DatabaseUnavailable into "take the full path", which answers as it would anyway."""
    engine = create_engine(f"sqlite:///{tmp_path}/no-such-folder/site.sqlite")
    statements = RawStatements(engine)
    statements.compile("one", select(literal(1)))
    with pytest.raises(DatabaseUnavailable), statements.cursor() as run:
        run("one", {})
    engine.dispose()
