"""Full-text search over published documents: jieba words in SQLite FTS5 or a PostgreSQL tsvector.

Both sides are segmented by `segment()`, so what is indexed and what is
asked are the same words (two-character words included, which a trigram
index would miss). Tokens are word characters only, so quoting them in
the MATCH / tsquery syntax cannot inject operators.
"""

import re
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import text

from .documents_render import index_tokens, plain_text, query_tokens, segment

SNIPPET_CHARS = 120


@dataclass
class SearchHit:
    document_id: int
    slug: str
    title: str
    kind: str
    snippet: Markup


def _sqlite(session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def index_document(session, document, version) -> None:
    unindex_document(session, document.id)
    body = plain_text(version.body_html)
    extra = " ".join([version.summary or "", " ".join(version.tags or ())])
    title_tokens = " ".join(index_tokens(version.title))
    body_tokens = " ".join(index_tokens(extra + " " + body + " " + _data_text(version.data)))
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


def _data_text(data) -> str:
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


def matching_ids(session, query: str, kind: str | None = None, limit: int = 200) -> list[int]:
    words = query_tokens(query)
    if not words:
        return []
    if _sqlite(session):
        match = " AND ".join(f'"{w}"' for w in words)
        sql = "SELECT document_id FROM fts_documents WHERE fts_documents MATCH :match"
        params = {"match": match, "limit": limit}
        if kind:
            sql += " AND kind = :kind"
            params["kind"] = kind
        sql += " ORDER BY rank LIMIT :limit"
    else:
        tsquery = " & ".join(f"'{w}'" for w in words)
        # MATERIALIZED keeps the match on the GIN index: left to itself, the
        # planner walks the primary key in document_id order for a common
        # word and tests each row's tsvector (tens of ms at 10,000 documents).
        sql = ("WITH matched AS MATERIALIZED (SELECT document_id FROM fts_documents"
               " WHERE tokens @@ CAST(:q AS tsquery)" + (" AND kind = :kind" if kind else "") + ")"
               " SELECT document_id FROM matched ORDER BY document_id LIMIT :limit")
        params = {"q": tsquery, "kind": kind, "limit": limit}
    return [int(row[0]) for row in session.execute(text(sql), params)]


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
