"""Full-text search over published documents: jieba words in SQLite FTS5 or a PostgreSQL tsvector.

Both sides are segmented by `segment()`, so what is indexed and what is
asked are the same words (two-character words included, which a trigram
index would miss). Tokens are word characters only, so quoting them in
the MATCH / tsquery syntax cannot inject operators.
"""

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup, escape
from sqlalchemy import select, text
from sqlalchemy.orm import joinedload

from ..models.documents import Document
from .documents_render import index_tokens, plain_text, query_tokens, segment

if TYPE_CHECKING:
    from sqlalchemy import Select
    from sqlalchemy.orm import Session

SNIPPET_CHARS = 120


@dataclass
class SearchHit:
    document_id: int
    slug: str
    title: str
    kind: str
    snippet: Markup


@dataclass
class SearchPage:
    """One page of results: `total` matches the reader may see (at least, when `capped`)."""

    hits: list
    total: int
    page: int
    per_page: int
    capped: bool

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.hits else 0

    @property
    def last(self) -> int:
        return self.first + len(self.hits) - 1 if self.hits else 0


def _sqlite(session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def index_document(session, document, version) -> None:
    unindex_document(session, document.id)
    body = plain_text(version.body_html)
    extra = " ".join([version.summary or "", " ".join(version.tags or ())])
    title_tokens = " ".join(index_tokens(version.title))
    body_tokens = " ".join(index_tokens(extra + " " + body + " " + data_text(version.data)))
    params = {"id": document.id, "kind": document.kind, "title": title_tokens, "body": body_tokens}
    if _sqlite(session):
        session.execute(text("INSERT INTO fts_documents (document_id, kind, title, body) "
                             "VALUES (:id, :kind, :title, :body)"), params)
    else:
        tokens = sorted(set(title_tokens.split()) | set(body_tokens.split()))
        session.execute(text("INSERT INTO fts_documents (document_id, kind, title, body, tokens) "
                             "VALUES (:id, :kind, :title, :body, array_to_tsvector(CAST(:tokens AS text[])))"),
                        {**params, "tokens": tokens})


def unindex_document(session, document_id: int) -> None:
    session.execute(text("DELETE FROM fts_documents WHERE document_id = :id"), {"id": document_id})


def data_text(data) -> str:
    """Phrases, duties and step names are searchable too."""
    parts = []

    def walk(value):
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key not in ("key", "position", "department", "sources", "links"):
                    walk(item)

    walk(data or {})
    return " ".join(parts)


# A common word matches most of the handbook; the ids of this many matches at most are read, paged
# and counted (the page then says "more than ...").
MAX_MATCHES = 500


def _split_query(query: str) -> tuple[list[str], list[str]]:
    """(words the index holds, single characters it does not): jieba does not index every
    character on its own, so a one-character word is looked for in the indexed text with LIKE."""
    words: list[str] = []
    characters: list[str] = []
    for token in query_tokens(query):
        (characters if len(token) == 1 else words).append(token)
    return words, characters


def _like(character: str) -> str:
    return "%" + character.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def matching_ids(session, query: str, kind: str | None = None, limit: int = MAX_MATCHES) -> list[int]:
    """Ids of the indexed documents holding every word of `query`, best first (at most `limit`)."""
    words, characters = _split_query(query)
    if not words and not characters:
        return []
    params: dict = {"limit": limit, "kind": kind}
    # A one-character word: a scan of the indexed text (title and body tokens hold every
    # character of the document), bounded like any search by `limit`.
    like = "".join(f" AND (title || ' ' || body) LIKE :c{i} ESCAPE '\\'" for i in range(len(characters)))
    params.update({f"c{i}": _like(c) for i, c in enumerate(characters)})
    kind_filter = " AND kind = :kind" if kind else ""
    if _sqlite(session):
        if words:
            params["match"] = " AND ".join(f'"{w}"' for w in words)
            sql = ("SELECT document_id FROM fts_documents WHERE fts_documents MATCH :match" + like + kind_filter
                   + " ORDER BY rank LIMIT :limit")
        else:
            sql = ("SELECT document_id FROM fts_documents WHERE 1 = 1" + like + kind_filter
                   + " ORDER BY document_id LIMIT :limit")
    elif words:
        params["q"] = " & ".join(f"'{w}'" for w in words)
        # MATERIALIZED keeps the match apart from the ordering: left to itself, the
        # planner walks the primary key in document_id order and tests each row's
        # tsvector, which a rare word makes a scan of the whole table.
        columns = "document_id, title, body" if characters else "document_id"
        sql = ("WITH matched AS MATERIALIZED (SELECT " + columns + " FROM fts_documents"
               " WHERE tokens @@ CAST(:q AS tsquery)" + kind_filter + ")"
               " SELECT document_id FROM matched WHERE 1 = 1" + like + " ORDER BY document_id LIMIT :limit")
        return _on_gin_index(session, sql, params)
    else:
        sql = ("SELECT document_id FROM fts_documents WHERE 1 = 1" + like + kind_filter
               + " ORDER BY document_id LIMIT :limit")
    return [int(row[0]) for row in session.execute(text(sql), params)]


def _on_gin_index(session, sql: str, params: dict) -> list[int]:
    """Run a PostgreSQL match with sequential scans off, for this statement only.

    For a word most documents hold, the planner's costs favour reading the
    table and testing every tsvector; but the tsvectors are TOASTed, and
    detoasting 10,000 of them takes about 40 ms where the GIN index's bitmap
    answers in 2 (bench/bench_documents.py). The costs have no term for
    detoasting, so the choice is made here.
    """
    session.execute(text("SET LOCAL enable_seqscan = off"))
    ids = [int(row[0]) for row in session.execute(text(sql), params)]
    # Back to the usual planning for the rest of the request (a failed match rolls the
    # transaction back, and the SET LOCAL with it).
    session.execute(text("RESET enable_seqscan"))
    return ids


def snippet(source: str, query: str) -> Markup:
    """A window of `source` around the first match, escaped, with the query's words in <mark>."""
    words = sorted({w for w in segment(query)} | {query.strip().lower()} - {""}, key=len, reverse=True)
    lowered = source.lower()
    first = min((p for p in (lowered.find(w) for w in words) if p >= 0), default=0)
    start = max(0, first - SNIPPET_CHARS // 3)
    window = source[start:start + SNIPPET_CHARS]
    if not words:
        return escape(window)
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    out, last = [], 0
    for m in pattern.finditer(window):
        out.append(escape(window[last:m.start()]))
        out.append(Markup("<mark>") + escape(m.group(0)) + Markup("</mark>"))
        last = m.end()
    out.append(escape(window[last:]))
    prefix = Markup("…") if start else Markup("")
    return prefix + Markup("").join(out)


class DocumentSearchMixin:
    """DocumentService.search (needs `_visible_stmt` from the lists mixin)."""

    if TYPE_CHECKING:
        dbsession: Session

        def _visible_stmt(self, see_all: bool) -> Select: ...

    def search(self, query: str, kind: str | None = None, see_all: bool = False, page: int = 1,
               per_page: int = 20) -> SearchPage:
        """A page of the matches the reader may see, each with a highlighted snippet."""
        ids = matching_ids(self.dbsession, query[:200], kind=kind or None)
        if not ids:
            return SearchPage([], 0, 1, per_page, False)
        # Which matches the reader may see (ids only), then one page of them with
        # their published versions in one query: a common word matches hundreds of
        # documents, and loading every body to show 20 snippets cost more than the match.
        may_see = set(self.dbsession.scalars(
            self._visible_stmt(see_all).where(Document.id.in_(ids)).with_only_columns(Document.id)))
        visible = [document_id for document_id in ids if document_id in may_see]
        pages = max(1, -(-len(visible) // per_page))
        page = min(max(page, 1), pages)
        shown = visible[(page - 1) * per_page:page * per_page]
        stmt = select(Document).where(Document.id.in_(shown)).options(joinedload(Document.published_version))
        documents = {d.id: d for d in self.dbsession.scalars(stmt).unique()}
        hits = []
        for document_id in shown:
            document = documents[document_id]
            v = document.published_version
            assert v is not None  # only published documents are visible
            # Phrases, duties and steps are searched: a match there must show (and be marked) too.
            source = " ".join((v.summary, plain_text(v.body_html), data_text(v.data)))
            hits.append(SearchHit(document.id, document.slug, v.title, document.kind, snippet(source, query)))
        return SearchPage(hits, len(visible), page, per_page, capped=len(ids) >= MAX_MATCHES)
