"""Foundation benchmark: the signed-in home page and the sign-in page against a bare WSGI app.

    python bench/bench_foundation.py [--pg | --pg-url postgresql+psycopg://user@host:port/db]
                                     [--runs 3] [--duration 10]

Prepares a fresh SQLite database (and, with --pg, a throw-away PostgreSQL
server from tests/pg_server.py, or with --pg-url the given empty database)
with `cs-handbook init --demo`, starts cs_handbook with production.ini's
settings (one waitress process pinned to core 0), signs in as the demo admin
and measures, with the load generator pinned to core 1:

- the bare hello-world app (bench/hello.py) on the same waitress settings,
- GET / signed in, and GET /signin,

each warmed up and then run 3 x 10 s; prints JSON with req/s, p50 and p99
and their ratios to the bare app from the same run, plus cold-start time
(process start to the first 200 on /healthz, database already migrated).
"""

import argparse
import json
import re
import sys
import tempfile
import urllib.parse
from http import client
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

DEMO_USER, DEMO_PASSWORD = "admin", "demo-pass-2026"
CLI = "import sys; from cs_handbook.scripts.cli import main; sys.exit(main())"
PSERVE = "import sys; from pyramid.scripts.pserve import main; sys.exit(main())"


def write_ini(directory: Path, port: int, settings: dict | None = None, name: str = "bench.ini") -> Path:
    """production.ini with this run's port and extra app `settings` (the database comes from the environment)."""
    text = (common.ROOT / "production.ini").read_text()
    if settings:
        extra = "".join(f"{key} = {value}\n" for key, value in settings.items())
        text = text.replace("[app:main]\n", "[app:main]\n" + extra, 1)
    text = re.sub(r"(?m)^listen\s*=.*$", f"listen = 127.0.0.1:{port}", text)
    # The benchmark speaks plain http on loopback.
    text = re.sub(r"(?m)^cs_handbook.secure_cookies\s*=.*$", "cs_handbook.secure_cookies = false", text)
    path = directory / name
    path.write_text(text)
    return path


def sign_in(port: int, username: str = DEMO_USER) -> str:
    """Sign in through the real form as `username` (a demo account); returns the Cookie header of the session."""
    conn = client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/signin")
    response = conn.getresponse()
    page = response.read().decode()
    cookies = _cookies(response)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    body = urllib.parse.urlencode({"csrf_token": token.group(1), "username": username, "password": DEMO_PASSWORD,
                                   "submit": "submit"})
    conn.request("POST", "/signin", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": _header(cookies)})
    response = conn.getresponse()
    response.read()
    if response.status != 303:
        raise RuntimeError(f"sign-in failed with {response.status}")
    cookies.update(_cookies(response))
    # Follow the redirect as a browser would: the page it leads to shows (and so
    # removes from the cookie) the welcome message, which would otherwise be
    # shown again on every measured request.
    conn.request("GET", "/", headers={"Cookie": _header(cookies)})
    response = conn.getresponse()
    response.read()
    cookies.update(_cookies(response))
    conn.close()
    return _header(cookies)


def _cookies(response) -> dict:
    found = {}
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            key, _, val = pair.partition("=")
            found[key.strip()] = val.strip()
    return found


def _header(cookies: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items() if v)


def bench_backend(name: str, url: str, workdir: Path, args) -> dict:
    env = {"CS_HANDBOOK_DATABASE_URL": url, "CS_HANDBOOK_SECRET": "bench-secret-" + "x" * 32}
    port = common.free_port()
    ini = write_ini(workdir, port)
    common.subprocess.run([common.PYTHON, "-c", CLI, str(ini), "--quiet", "init", "--demo"], cwd=common.ROOT,
                          env={**common.os.environ, **env}, check=True, capture_output=True, timeout=600)
    server = common.ServerProcess([common.PYTHON, "-c", PSERVE, str(ini)], port, env=env)
    with server:
        cold_start = server.wait_ready("/healthz", timeout=120)
        cookie = sign_in(port)
        home = common.measure(port, "/", cookie=cookie, runs=args.runs, duration=args.duration)
        signin = common.measure(port, "/signin", runs=args.runs, duration=args.duration)
    return {"backend": name, "cold_start_s": round(cold_start, 2), "home_signed_in": home, "signin_page": signin}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", action="store_true", help="also measure on a throw-away PostgreSQL server")
    parser.add_argument("--pg-url", help="an empty PostgreSQL database to measure as well")
    parser.add_argument("--runs", type=int, default=common.RUNS)
    parser.add_argument("--duration", type=float, default=common.DURATION)
    args = parser.parse_args(argv)
    common.raise_fd_limit()

    port = common.free_port()
    with common.ServerProcess(common.waitress_argv("bench.hello:app", port), port) as bare_server:
        bare_server.wait_ready("/")
        bare = common.measure(port, "/", runs=args.runs, duration=args.duration)

    results = {"bare_hello": bare, "connections": common.CONNECTIONS, "runs": args.runs, "duration_s": args.duration,
               "pinning": "server on core 0, load generator on core 1", "backends": []}
    pg = None
    if args.pg and not args.pg_url:
        from tests.pg_server import PostgresServer

        pg = PostgresServer()
        pg.start()
    try:
        with tempfile.TemporaryDirectory(prefix="cs_handbook_bench_") as tmp:
            backends = [("sqlite", f"sqlite:///{tmp}/bench.sqlite")]
            if args.pg_url:
                backends.append(("postgresql", args.pg_url))
            elif pg is not None:
                backends.append(("postgresql", pg.create_database("bench_foundation")))
            for name, url in backends:
                result = bench_backend(name, url, Path(tmp), args)
                result["home_vs_bare"] = common.ratios(result["home_signed_in"], bare)
                result["signin_vs_bare"] = common.ratios(result["signin_page"], bare)
                results["backends"].append(result)
    finally:
        if pg is not None:
            pg.stop()
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
