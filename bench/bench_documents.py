"""Documents benchmark: a signed-in handbook page against the bare app, and Chinese search.

    python bench/bench_documents.py [--pg] [--runs 3] [--duration 10] [--docs 10000] [--skip-page]

Page: a fresh SQLite database (and with --pg a throw-away PostgreSQL server,
tests/pg_server.py) made with `cs-handbook init --demo`, plus 200 generated
handbook pages in one section; cs_handbook runs with production.ini's
settings in one waitress process pinned to core 0, the load generator on
core 1 (bench/common.py), GET of one generated page by two readers: a
staff member (newhire1, the common case) and a reviewer (the demo admin,
whose navigation shows the review badges). Each is measured twice: the
cached path (the same page again and again, served from the process's
page cache after one indexed query that checks the session and the
documents generation and counts the reviewer's badges,
`services/documents_cache.py`) and the uncached path (a second server with
`cs_handbook.page_cache_size = 0`: every request loads the document and
renders the template), plus the section index page of the 200 (cached and
uncached). Each figure
is a ratio to the bare hello app (bench/hello.py) measured in the same run.

Search: 10,000 generated Chinese documents of about 600 characters (words
drawn from jieba's own dictionary, Zipf-weighted) indexed as on publish,
timed in this process on core 0 beside PostgreSQL's backends;
for 2-, 3- and 4-character words (60 each) the server-side time of
`DocumentService.search` (what the search page calls) gives the p50/p95,
and the index's matches (without the page's 200 cap) are compared with a
`LIKE '%word%'` scan of the same text: recall per word length, and how many
extra documents the index returns (bigram matches not containing the word).
"""

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402
from bench.bench_foundation import CLI, PSERVE, sign_in, write_ini  # noqa: E402

PAGES = 200
SEARCH_DOCS = 10_000
DOC_CHARS = 600
WORDS_PER_LENGTH = 60
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# A staff reader (no badges: the common case) and a reviewer (badges the documents generation does not cover).
READERS = ("newhire1", "admin")
# The product's measured goals (DESIGN.md): page throughput as a share of the bare app's, search p95 and recall.
GOAL_CACHED, GOAL_UNCACHED = 0.20, 0.07
GOAL_SEARCH_P95_MS, GOAL_RECALL = 20.0, 0.95


# -- generated text -------------------------------------------------------------------------------

def vocabulary(rng: random.Random) -> dict[int, list[tuple[str, int]]]:
    """Chinese words of 2-4 characters with their frequency, from jieba's dictionary."""
    import jieba

    words: dict[int, list[tuple[str, int]]] = {2: [], 3: [], 4: []}
    path = Path(jieba.__file__).parent / "dict.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        word, freq, *_ = line.split()
        if len(word) in words and all("\u4e00" <= ch <= "\u9fff" for ch in word) and int(freq) >= 50:
            words[len(word)].append((word, int(freq)))
    for length in words:
        rng.shuffle(words[length])
        words[length] = words[length][:4000]
    return words


def text_maker(vocab, rng: random.Random):
    pool = [w for length in (2, 2, 2, 3, 4) for w in vocab[length]]
    # Zipf-like weights over a shuffled pool: a few words are common, most are rare.
    cumulative, total = [], 0.0
    for rank in range(len(pool)):
        total += 1.0 / (rank + 10)
        cumulative.append(total)
    words = [w for w, _ in pool]

    def make(chars: int) -> str:
        out, size = [], 0
        while size < chars:
            sentence = "".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(4, 9)))
            out.append(sentence + rng.choice("，。；。"))
            size += len(sentence) + 1
        return "".join(out)

    return make


# -- the page benchmark ---------------------------------------------------------------------------

def add_pages(url: str, count: int, make_text) -> str:
    """`count` published handbook pages in section handbook/bench; returns one page's slug."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from cs_handbook.clock import FixedClock
    from cs_handbook.models.documents import DocumentSection
    from cs_handbook.services.documents import DocumentService

    engine = create_engine(url)
    with Session(engine) as session:
        section = DocumentSection(path="handbook/bench", title="基准测试栏目", order=99)
        session.add(section)
        service = DocumentService(session, FixedClock(NOW))
        for i in range(count):
            body = "\n\n".join(f"## 第{j + 1}节\n\n{make_text(300)}" for j in range(4))
            document = service.create(slug=f"handbook/bench/p{i:03d}", kind="handbook", title=f"基准页面 {i}",
                                      body_md=body, summary=make_text(40), tags=["基准"], data={"order": i},
                                      section=section)
            service.publish_now(document)
        session.commit()
    engine.dispose()
    return f"handbook/bench/p{count // 2:03d}"


def _serve(ini: Path, port: int, env: dict, paths: dict, args) -> dict:
    """Start cs_handbook on `ini`; for each reader, sign in and measure each of `paths` (name → path)."""
    with common.ServerProcess([common.PYTHON, "-c", PSERVE, str(ini)], port, env=env) as server:
        server.wait_ready("/healthz", timeout=120)
        results: dict = {}
        for reader in READERS:
            cookie = sign_in(port, reader)
            results[reader] = {name: common.measure(port, path, cookie=cookie, runs=args.runs,
                                                    duration=args.duration) for name, path in paths.items()}
        return results


def bench_page(name: str, url: str, workdir: Path, args, make_text) -> dict:
    env = {"CS_HANDBOOK_DATABASE_URL": url, "CS_HANDBOOK_SECRET": "bench-secret-" + "x" * 32}
    init_ini = write_ini(workdir, common.free_port())
    common.subprocess.run([common.PYTHON, "-c", CLI, str(init_ini), "--quiet", "init", "--demo"], cwd=common.ROOT,
                          env={**common.os.environ, **env}, check=True, capture_output=True, timeout=900)
    slug = add_pages(url, PAGES, make_text)
    page, section = f"/handbook/read/{slug}", "/handbook/section/handbook/bench"
    # The cached path: the same page again and again, served from the page cache.
    port = common.free_port()
    cached = _serve(write_ini(workdir, port, name="cached.ini"), port, env, {"page": page, "section": section}, args)
    # The uncached path: the page cache switched off, every request renders the page.
    port = common.free_port()
    uncached = _serve(write_ini(workdir, port, {"cs_handbook.page_cache_size": 0}, name="uncached.ini"), port, env,
                      {"page": page, "section": section}, args)
    return {"backend": name, "pages": PAGES, "readers": {
        reader: {"handbook_page_cached": cached[reader]["page"], "handbook_page_uncached": uncached[reader]["page"],
                 "section_page_cached": cached[reader]["section"], "section_page_uncached": uncached[reader]["section"]}
        for reader in READERS}}


# -- the search benchmark -------------------------------------------------------------------------

def bench_search(name: str, url: str, vocab, make_text, rng: random.Random, docs: int, pg=None) -> dict:
    from sqlalchemy import create_engine, insert, select, text
    from sqlalchemy.orm import Session

    from cs_handbook import migrations
    from cs_handbook.clock import FixedClock
    from cs_handbook.models.documents import Document, DocumentVersion
    from cs_handbook.services.documents import DocumentService
    from cs_handbook.services.documents_render import render_markdown
    from cs_handbook.services.documents_search import index_document, matching_ids

    migrations.upgrade(url)
    engine = create_engine(url)
    started = time.perf_counter()
    with Session(engine) as session:
        bodies = [make_text(DOC_CHARS) for _ in range(docs)]
        # Rows in bulk (the workflow is measured elsewhere); the index exactly as publish writes it.
        session.execute(insert(Document), [
            {"slug": f"handbook/gen/d{i:05d}", "kind": "handbook", "title": f"文档 {i}", "state": "published",
             "order": 100, "created_at": NOW, "updated_at": NOW} for i in range(docs)])
        ids = list(session.scalars(select(Document.id).order_by(Document.id)))
        session.execute(insert(DocumentVersion), [
            {"document_id": d, "number": 1, "created_at": NOW, "comment": "", "title": f"文档 {i}", "summary": "",
             "body_md": body, "body_html": render_markdown(body), "tags": [], "data": {}}
            for i, (d, body) in enumerate(zip(ids, bodies, strict=True))])
        versions = dict(session.execute(select(DocumentVersion.document_id, DocumentVersion.id)).all())
        session.execute(text("UPDATE documents SET latest_version_id = (SELECT id FROM document_versions v "
                             "WHERE v.document_id = documents.id)"))
        session.execute(text("UPDATE documents SET published_version_id = latest_version_id"))
        session.commit()
        for document in session.scalars(select(Document)):
            index_document(session, document, session.get(DocumentVersion, versions[document.id]))
        session.commit()
        if engine.dialect.name == "postgresql":
            session.execute(text("ANALYZE"))
            session.commit()
    build_s = time.perf_counter() - started

    result = {"backend": name, "documents": docs, "avg_chars": round(statistics.mean(map(len, bodies))),
              "build_s": round(build_s, 1), "by_length": {}}
    with common.database_beside_server(pg, this_process=True), Session(engine) as session:
        service = DocumentService(session, FixedClock(NOW))
        for length in (2, 3, 4):
            # Words that occur in the generated text, drawn at random (common and rare alike).
            sample = "".join(bodies[:3000])
            candidates = [w for w, _ in vocab[length]]
            rng.shuffle(candidates)
            words = [w for w in candidates if w in sample][:WORDS_PER_LENGTH]
            times, truth_total, found_total, extra_total = [], 0, 0, 0
            for word in words:
                service.search(word)  # warm the statement caches once per word
                began = time.perf_counter()
                service.search(word)
                times.append((time.perf_counter() - began) * 1000)
                truth = set(session.scalars(select(DocumentVersion.document_id)
                                            .where(DocumentVersion.body_md.like(f"%{word}%"))))
                found = set(matching_ids(session, word, limit=docs + 1))
                truth_total += len(truth)
                found_total += len(truth & found)
                extra_total += len(found - truth)
                session.rollback()
            times.sort()
            result["by_length"][f"{length}-char"] = {
                "words": len(words),
                "p50_ms": round(times[len(times) // 2], 2),
                "p95_ms": round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], 2),
                "max_ms": round(times[-1], 2),
                "recall_vs_like": round(found_total / truth_total, 4) if truth_total else None,
                "like_matches": truth_total,
                "extra_index_matches": extra_total,
            }
    engine.dispose()
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", action="store_true", help="also measure on a throw-away PostgreSQL server")
    parser.add_argument("--runs", type=int, default=common.RUNS)
    parser.add_argument("--duration", type=float, default=common.DURATION)
    parser.add_argument("--docs", type=int, default=SEARCH_DOCS)
    parser.add_argument("--skip-page", action="store_true")
    parser.add_argument("--skip-search", action="store_true")
    args = parser.parse_args(argv)
    common.raise_fd_limit()
    rng = random.Random(20260302)
    vocab = vocabulary(rng)
    make_text = text_maker(vocab, rng)

    pg = None
    if args.pg:
        from tests.pg_server import PostgresServer

        pg = PostgresServer()
        pg.start()
    results = {"pinning": "server on core 0, load generator on core 1", "runs": args.runs,
               "duration_s": args.duration, "page": [], "search": []}
    try:
        if not args.skip_page:
            port = common.free_port()
            with common.ServerProcess(common.waitress_argv("bench.hello:app", port), port) as bare_server:
                bare_server.wait_ready("/")
                bare = common.measure(port, "/", runs=args.runs, duration=args.duration)
            results["bare_hello"] = bare
        with tempfile.TemporaryDirectory(prefix="cs_handbook_bench_docs_") as tmp:
            backends = [("sqlite", lambda tag: f"sqlite:///{tmp}/{tag}.sqlite", None)]
            if pg is not None:
                backends.append(("postgresql", pg.create_database, pg))
            for name, make_url, server in backends:
                if not args.skip_page:
                    page = bench_page(name, make_url("page"), Path(tmp), args, make_text)
                    for figures in page["readers"].values():
                        figures["cached_page_vs_bare"] = common.ratios(figures["handbook_page_cached"], bare)
                        figures["page_vs_bare"] = common.ratios(figures["handbook_page_uncached"], bare)
                        figures["cached_section_vs_bare"] = common.ratios(figures["section_page_cached"], bare)
                        figures["section_vs_bare"] = common.ratios(figures["section_page_uncached"], bare)
                    results["page"].append(page)
                if not args.skip_search:
                    results["search"].append(bench_search(name, make_url("search"), vocab, make_text, rng, args.docs,
                                                          server))
    finally:
        if pg is not None:
            pg.stop()
    results["summary"] = summary(results)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


def summary(results: dict) -> list[str]:
    """One line per figure against its goal, for reading the run at a glance."""
    lines = []
    for page in results["page"]:
        for reader, figures in page["readers"].items():
            for name, key, goal in (("cached page", "cached_page_vs_bare", GOAL_CACHED),
                                    ("uncached page", "page_vs_bare", GOAL_UNCACHED),
                                    ("section page of 200 (cached)", "cached_section_vs_bare", None),
                                    ("section page of 200 (uncached)", "section_vs_bare", None)):
                value = figures[key]["req_per_s_vs_bare"]
                verdict = "no goal of its own" if goal is None else f"goal ≥ {goal}" + ("" if value >= goal else
                                                                                         ", MISSED")
                lines.append(f"{page['backend']} {reader} {name}: {value:.3f} of bare ({verdict})")
    for search in results["search"]:
        for length, figures in search["by_length"].items():
            met = figures["p95_ms"] <= GOAL_SEARCH_P95_MS and (figures["recall_vs_like"] or 0) >= GOAL_RECALL
            lines.append(f"{search['backend']} search {length}: p95 {figures['p95_ms']} ms, recall "
                         f"{figures['recall_vs_like']} (goal ≤ {GOAL_SEARCH_P95_MS} ms, ≥ {GOAL_RECALL})"
                         + ("" if met else " MISSED"))
    return lines


if __name__ == "__main__":
    sys.exit(main())
