"""Stalled connections: 1,000 clients that send half a request and stop must not stop the site.

    python bench/stalled_connections.py [--stalled 1000] [--probe-timeout 5]

Starts cs_handbook twice, each time pinned to core 0 on a fresh SQLite
database:

1. with development.ini's waitress settings (connection_limit 2000,
   channel_timeout, asyncore_use_poll, a large backlog);
2. with a DEFAULT waitress (connection_limit 100, select()).

Each time it opens N sockets that send half a request and then stall, and
sends a probe GET /healthz that must be answered within the probe timeout.
Prints JSON; exits non-zero when the shipped settings fail the probe.
"""

import argparse
import configparser
import json
import socket
import sys
import tempfile
import time
from http import client
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

PSERVE = "import sys; from pyramid.scripts.pserve import main; sys.exit(main())"
HALF_REQUEST = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: stalled\r\n"


def development_waitress_settings() -> dict:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(common.ROOT / "development.ini")
    return {k: v for k, v in parser["server:main"].items() if k not in ("use", "listen")}


def write_ini(directory: Path, port: int, server_settings: dict, name: str) -> Path:
    """testing.ini's app (no first-run set-up) on the given waitress settings."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(common.ROOT / "testing.ini")
    parser["server:main"] = {"use": "egg:waitress#main", "listen": f"127.0.0.1:{port}", **server_settings}
    path = directory / f"{name}.ini"
    with path.open("w") as fp:
        parser.write(fp)
    return path


def probe(port: int, timeout: float) -> dict:
    began = time.perf_counter()
    try:
        conn = client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        response.read()
        conn.close()
        return {"status": response.status, "seconds": round(time.perf_counter() - began, 3)}
    except (OSError, client.HTTPException) as error:
        return {"status": None, "error": type(error).__name__, "seconds": round(time.perf_counter() - began, 3)}


def stall(port: int, count: int) -> list[socket.socket]:
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(HALF_REQUEST)
        sockets.append(sock)
    return sockets


def run_case(name: str, server_settings: dict, workdir: Path, args) -> dict:
    port = common.free_port()
    ini = write_ini(workdir, port, server_settings, name)
    url = f"sqlite:///{workdir}/{name}.sqlite"
    cli = "import sys; from cs_handbook.scripts.cli import main; sys.exit(main())"
    env = {"CS_HANDBOOK_DATABASE_URL": url}
    common.subprocess.run([common.PYTHON, "-c", cli, str(ini), "--quiet", "db", "upgrade"], cwd=common.ROOT,
                          env={**common.os.environ, **env}, check=True, capture_output=True, timeout=300)
    with common.ServerProcess([common.PYTHON, "-c", PSERVE, str(ini)], port, env=env) as server:
        server.wait_ready("/healthz", timeout=120)
        before = probe(port, args.probe_timeout)
        sockets = stall(port, args.stalled)
        time.sleep(1.0)  # let the server accept what it will
        during = probe(port, args.probe_timeout)
        for sock in sockets:
            sock.close()
    answered = during["status"] == 200 and during["seconds"] <= args.probe_timeout
    return {"server": name, "settings": server_settings or "waitress defaults", "stalled": args.stalled,
            "probe_before": before, "probe_with_stalled": during, "answered_within_timeout": answered}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stalled", type=int, default=1000)
    parser.add_argument("--probe-timeout", type=float, default=5.0)
    args = parser.parse_args(argv)
    common.raise_fd_limit(args.stalled * 2 + 1024)
    with tempfile.TemporaryDirectory(prefix="cs_handbook_stall_") as tmp:
        shipped = run_case("development_ini", development_waitress_settings(), Path(tmp), args)
        default = run_case("default_waitress", {}, Path(tmp), args)
    print(json.dumps({"shipped": shipped, "default": default}, indent=2))
    return 0 if shipped["answered_within_timeout"] else 1


if __name__ == "__main__":
    sys.exit(main())
