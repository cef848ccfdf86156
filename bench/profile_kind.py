"""cProfile of one kind of request of the mixed load, with the app in this process.

    python bench/bench_mixed.py --profile home [--requests 300]

A fresh SQLite database made with `cs-handbook init --demo`, the app built
from production.ini's settings in this process and served by waitress with
one thread (so one request at a time runs in the profiled thread); the
demo staff sign in as for the mixed load, then the requests of one kind
are sent one after another, each profiled inside the WSGI call only.
Prints the top functions by cumulative and by own time.
"""

import cProfile
import io
import json
import logging
import os
import pstats
import tempfile
import threading
import time
from http import client
from pathlib import Path

from bench import common, load
from bench.bench_foundation import CLI, write_ini


class ProfiledApp:
    def __init__(self, app, use_profiler: bool = True):
        self.app = app
        self.profiler = cProfile.Profile() if use_profiler else None
        self.enabled = False
        self.seconds = 0.0

    def __call__(self, environ, start_response):
        if not self.enabled:
            return self.app(environ, start_response)
        began = time.perf_counter()
        if self.profiler is not None:
            self.profiler.enable()
        try:
            # Consumed inside the profiled span: a lazy body would otherwise be rendered outside it.
            return list(self.app(environ, start_response))
        finally:
            if self.profiler is not None:
                self.profiler.disable()
            self.seconds += time.perf_counter() - began


def profile(kind: str, requests: int, dump: str | None = None, settings: dict | None = None,
            timing_only: bool = False) -> str:
    from pyramid.paster import get_app
    from waitress.server import create_server

    with tempfile.TemporaryDirectory(prefix="cs_handbook_profile_") as tmp:
        env = {"CS_HANDBOOK_DATABASE_URL": f"sqlite:///{tmp}/profile.sqlite",
               "CS_HANDBOOK_SECRET": "bench-secret-" + "x" * 32}
        os.environ.update(env)
        port = common.free_port()
        ini = write_ini(Path(tmp), port, settings)
        common.subprocess.run([common.PYTHON, "-c", CLI, str(ini), "--quiet", "init", "--demo"], cwd=common.ROOT,
                              check=True, capture_output=True, timeout=900)
        app = ProfiledApp(get_app(str(ini), "main"), use_profiler=not timing_only)
        server = create_server(app, host="127.0.0.1", port=port, threads=1)
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # one thread: a queue is expected
        threading.Thread(target=server.run, daemon=True).start()
        common.wait_for(f"http://127.0.0.1:{port}/healthz")
        plan, sessions = load.mixed_plan(port, load.RATE, 1)
        variants = next(k["variants"] for k in plan["kinds"] if k["name"] == kind)
        conn = client.HTTPConnection("127.0.0.1", port, timeout=60)
        # Warm the caches (templates, statements) first; only the requests after it are profiled.
        for phase, count in (("warm", max(20, len(variants))), ("profiled", requests)):
            app.enabled = phase == "profiled"
            for i in range(count):
                variant = variants[i % len(variants)]
                body = None
                if "autosave" in variant:
                    position, answer = variant["autosave"][i % len(variant["autosave"])]
                    body = json.dumps({"seq": 10 * requests + i + (0 if phase == "warm" else requests),
                                       "answers": {position: answer}}).encode()
                conn.request(variant.get("method", "GET"), variant["path"], body=body,
                             headers={"Accept-Language": "zh-CN", **variant.get("headers", {})})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    raise RuntimeError(f"{kind} {variant['path']}: {response.status}")
        conn.close()  # the server thread is a daemon: it ends with this process
        out = io.StringIO()
        if app.profiler is None:
            return f"{kind}: {requests} requests, {app.seconds / requests * 1000:.3f} ms each inside the app\n"
        out.write(f"{kind}: {requests} requests, {app.seconds / requests * 1000:.2f} ms each inside the app "
                  f"(profiled, so slower than without)\n")
        if dump:
            app.profiler.dump_stats(dump)  # for `python -m pstats` (callers, callees)
        stats = pstats.Stats(app.profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(25)
        return out.getvalue()
