"""An open-loop load generator at a fixed arrival rate, and the mixed staff load of the site.

Open loop: request i is due at `start + i / rate` whether or not earlier
requests have been answered, and its latency is measured from that due
time. A closed loop (bench/common.py's generator) sends the next request
only when the previous one returns, so a stall of the server also stalls
the clock ("coordinated omission") and hides most of the stall from the
percentiles; here a stall shows as the lateness of every request due
during it.

The generator runs in its own process pinned to core 1
(`python -m bench.load` reads a JSON plan on stdin, prints JSON results);
`run_open_loop(plan)` starts it. A plan lists request kinds with weights;
the kind of request i is drawn from a seeded RNG, so two runs of a plan
send the same sequence. Each kind has one or more variants (a path, a
session cookie, a body); the variants of a kind are used in turn.

A variant with `autosave` is a quiz autosave: a JSON POST whose `seq`
rises per attempt, as the take page's script sends it.

`mixed_plan(port, rate, seconds)` signs the demo staff in and builds the
mix: home, handbook pages, Chinese search, my onboarding, today's drill,
quiz autosave, the manager's team dashboard and the sign-in page.
"""

import json
import math
import random
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from http import client
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402
from bench.bench_foundation import CLI, PSERVE, _cookies, _header, write_ini  # noqa: E402

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - the documented demo sign-in
RATE = 200.0
WORKERS = 64            # connections; enough that a slow answer never delays the next request's send
REQUEST_TIMEOUT = 30.0  # a request not answered by then counts as an error
DRAIN = 30.0            # after the last due time, how long answers are awaited
WINDOW = 60.0           # the p99 is also reported per window of this many seconds (soak)

STAFF = ("newhire1", "newhire2", "mentor", "trainer", "reviewer", "qa")
NEW_HIRES = ("newhire1", "newhire2")
MANAGER = "manager"
QUIZ = "role-cs-agent"  # no time limit and unlimited attempts: autosave stays valid for a whole soak
SEARCH_WORDS = ("投诉", "客户", "售后服务", "礼仪", "回访", "首问负责", "满意度", "保密", "工单", "接待")
PAGES = 12
# Roughly what staff do in a working day: mostly reading, then their own training.
MIX = {"home": 15, "handbook_page": 30, "search": 10, "my_onboarding": 8, "drill_today": 8, "quiz_autosave": 15,
       "team_dashboard": 6, "signin_page": 8}


# -- the generator (runs in its own process) --------------------------------------------------------

def _percentiles(values: list[float]) -> dict:
    if not values:
        return {"count": 0}
    values = sorted(values)

    def pct(p):
        return round(values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))] * 1000, 2)

    return {"count": len(values), "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99), "max_ms": pct(100)}


def open_loop(plan: dict) -> dict:
    """Send the plan's requests at its rate from WORKERS threads; latencies from each due time."""
    port, rate, seconds = plan["port"], float(plan["rate"]), float(plan["seconds"])
    total = int(rate * seconds)
    kinds = plan["kinds"]
    rng = random.Random(plan.get("seed", 20260302))
    names = [k["name"] for k in kinds]
    schedule = rng.choices(range(len(kinds)), weights=[k["weight"] for k in kinds], k=total)
    turn = [0] * len(kinds)
    seqs: dict[str, int] = {}
    lock = threading.Lock()
    state = {"next": 0}
    results: list[tuple[int, float, float, int, float]] = []  # kind, due offset, latency, status, send lag
    errors: dict[str, dict] = {}
    window = float(plan.get("window", WINDOW))

    def next_request():
        with lock:
            i = state["next"]
            if i >= total:
                return None
            state["next"] = i + 1
            k = schedule[i]
            variants = kinds[k]["variants"]
            variant = variants[turn[k] % len(variants)]
            turn[k] += 1
            body = variant.get("body")
            if "autosave" in variant:
                key = variant["path"]
                seqs[key] = seqs.get(key, 0) + 1
                answers = variant["autosave"]
                position, answer = answers[seqs[key] % len(answers)]
                body = json.dumps({"seq": seqs[key], "answers": {position: answer}})
            return i, k, variant, body

    def connect():
        return client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)

    def worker():
        conn = connect()
        local = []
        while True:
            job = next_request()
            if job is None:
                break
            i, k, variant, body = job
            due = start + i / rate
            now = time.perf_counter()
            if now > start + seconds + DRAIN:
                break  # the server fell so far behind that the run is over: the rest count as not sent
            if due > now:
                time.sleep(due - now)
            sent = time.perf_counter()
            headers = {"Host": f"127.0.0.1:{port}", "Accept-Language": "zh-CN", **variant.get("headers", {})}
            try:
                conn.request(variant.get("method", "GET"), variant["path"],
                             body=body.encode() if body is not None else None, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = connect()
            except (OSError, client.HTTPException) as error:
                status, payload = 0, repr(error).encode()
                conn.close()
                conn = connect()
            done = time.perf_counter()
            local.append((k, due - start, done - due, status, sent - due))
            if not 200 <= status < 400:
                with lock:
                    entry = errors.setdefault(names[k], {"count": 0, "statuses": {}, "example": ""})
                    entry["count"] += 1
                    entry["statuses"][str(status)] = entry["statuses"].get(str(status), 0) + 1
                    entry["example"] = entry["example"] or payload[:300].decode(errors="replace")
        conn.close()
        with lock:
            results.extend(local)

    start = time.perf_counter() + 0.2
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(int(plan.get("workers", WORKERS)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + DRAIN + REQUEST_TIMEOUT + 10)
    finished = max((due + latency for _, due, latency, _, _ in results), default=0.0)

    by_kind = {}
    for k, name in enumerate(names):
        mine = [r for r in results if r[0] == k]
        by_kind[name] = {**_percentiles([r[2] for r in mine]),
                         "errors": sum(1 for r in mine if not 200 <= r[3] < 400)}
    windows = []
    for w in range(max(1, math.ceil(seconds / window))):
        inside = [r[2] for r in results if w * window <= r[1] < (w + 1) * window]
        windows.append({"from_s": w * window, **{key: v for key, v in _percentiles(inside).items()
                                                 if key in ("count", "p50_ms", "p99_ms", "max_ms")}})
    return {
        "target_rate": rate,
        "achieved_rate": round(len(results) / finished, 1) if finished else 0.0,
        "scheduled": total,
        "answered_or_failed": len(results),
        "not_sent": total - len(results),
        "errors": sum(1 for r in results if not 200 <= r[3] < 400),
        "error_detail": errors,
        # How late sends left the generator: large values mean every connection was busy waiting.
        "send_lag_p99_ms": _percentiles([r[4] for r in results]).get("p99_ms"),
        "overall": _percentiles([r[2] for r in results]),
        "by_kind": by_kind,
        "windows": windows,
    }


def run_open_loop(plan: dict) -> dict:
    """The generator in its own process pinned to core 1."""
    argv = common.pinned(1, [common.PYTHON, "-m", "bench.load"])
    timeout = float(plan["seconds"]) + DRAIN + REQUEST_TIMEOUT + 120
    output = subprocess.run(argv, cwd=common.ROOT, input=json.dumps(plan), check=True,  # noqa: S603
                            capture_output=True, text=True, timeout=timeout).stdout
    return json.loads(output)


def hello_plan(port: int, rate: float, seconds: float) -> dict:
    return {"port": port, "rate": rate, "seconds": seconds,
            "kinds": [{"name": "hello", "weight": 1, "variants": [{"path": "/"}]}]}


# -- the site and its sessions -----------------------------------------------------------------------

def start_site(workdir: Path, url: str, settings: dict | None = None) -> common.ServerProcess:
    """A fresh database (`cs-handbook init --demo`) served on production.ini's settings, pinned to core 0."""
    env = {"CS_HANDBOOK_DATABASE_URL": url, "CS_HANDBOOK_SECRET": "bench-secret-" + "x" * 32}
    port = common.free_port()
    ini = write_ini(workdir, port, settings, name=f"bench-{port}.ini")
    init = subprocess.run([common.PYTHON, "-c", CLI, str(ini), "--quiet", "init", "--demo"],  # noqa: S603
                          cwd=common.ROOT, env={**common.os.environ, **env}, capture_output=True, text=True,
                          timeout=900)
    if init.returncode:
        raise RuntimeError(f"cs-handbook init --demo failed: {init.stderr[-3000:]}")
    server = common.ServerProcess([common.PYTHON, "-c", PSERVE, str(ini)], port, env=env)
    server.wait_ready("/healthz", timeout=120)
    return server


class Session:
    """One signed-in browser: its cookies and CSRF token, on a keep-alive connection."""

    def __init__(self, port: int, username: str):
        self.conn = client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict = {}
        page = self.get("/signin")
        body = urllib.parse.urlencode({"csrf_token": _token(page), "username": username, "password": DEMO_PASSWORD,
                                       "submit": "submit"})
        status, _ = self.request("POST", "/signin", body, {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 303:
            raise RuntimeError(f"sign-in of {username} failed with {status}")
        # The page after sign-in shows (and so removes from the cookie) the welcome message.
        self.get("/")
        self.token = _token(self.get("/account/password"))

    @property
    def cookie(self) -> str:
        return _header(self.cookies)

    def request(self, method, path, body=None, headers=None):
        self.conn.request(method, path, body=body, headers={"Cookie": self.cookie, "Accept-Language": "zh-CN",
                                                            **(headers or {})})
        response = self.conn.getresponse()
        text = response.read().decode()
        self.cookies.update(_cookies(response))
        return response.status, text if response.status != 303 else response.getheader("Location")

    def get(self, path) -> str:
        status, text = self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status}")
        return text

    def close(self):
        self.conn.close()


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    if not found:
        raise RuntimeError("no csrf_token on the page")
    return found.group(1)


def _answers(take_page: str) -> list[tuple[str, object]]:
    """Valid answers to the attempt's questions, two per question, as the take page's script would send."""
    answers = []
    for position, qtype, html in re.findall(
            r'<fieldset class="question"[^>]*data-position="(\d+)" data-type="(\w+)">(.*?)</fieldset>', take_page,
            re.S):
        selects = re.findall(r"<select.*?</select>", html, re.S)
        options = [int(v) for v in re.findall(r'<option value="(\d+)"', selects[0])] if selects else []
        radios = [int(v) for v in re.findall(rf'name="q{position}"[^>]*value="(\d+)"', html)]
        if qtype == "ordering":
            order = list(range(len(selects)))
            choices = [order, order[::-1]]
        elif qtype == "matching":
            choices = [[options[i % len(options)] for i in range(len(selects))], [options[0]] * len(selects)]
        elif qtype == "single" and radios:
            choices = [radios[0], radios[-1]]
        elif qtype == "multiple" and radios:
            choices = [[radios[0]], radios[:2]]
        elif qtype == "truefalse":
            choices = [True, False]
        elif qtype in ("short", "essay"):
            choices = ["按首问负责制处理", "先致歉，再说明下一步"]
        else:
            continue
        answers.extend((position, choice) for choice in choices)
    if not answers:
        raise RuntimeError("no question on the take page that the load can answer")
    return answers


def mixed_plan(port: int, rate: float, seconds: float) -> tuple[dict, list[Session]]:
    """Sign the demo staff in, start one quiz attempt each, and describe the mixed load."""
    staff = {name: Session(port, name) for name in STAFF}
    manager = Session(port, MANAGER)
    reader = staff[STAFF[0]]
    index = reader.get("/handbook/")
    pages = list(dict.fromkeys(re.findall(r'href="(?:http://[^/"]+)?(/handbook/read/[^"?#]+)"', index)))
    if len(pages) < PAGES:
        for section in dict.fromkeys(re.findall(r'href="(?:http://[^/"]+)?(/handbook/section/[^"?#]+)"', index)):
            pages.extend(re.findall(r'href="(?:http://[^/"]+)?(/handbook/read/[^"?#]+)"', reader.get(section)))
            pages = list(dict.fromkeys(pages))
            if len(pages) >= PAGES:
                break
    pages = pages[:PAGES]
    if not pages:
        raise RuntimeError("no handbook page linked from /handbook/")

    autosaves = []
    for session in staff.values():
        status, location = session.request("POST", f"/quizzes/q/{QUIZ}/start",
                                           urllib.parse.urlencode({"csrf_token": session.token}),
                                           {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 303:
            raise RuntimeError(f"starting the quiz failed with {status}")
        take = urllib.parse.urlsplit(location).path
        page = session.get(take)
        autosaves.append({"method": "POST", "path": take + "/save", "autosave": _answers(page),
                          "headers": {"Cookie": session.cookie, "X-CSRF-Token": _token(page),
                                      "Content-Type": "application/json", "Accept": "application/json"}})

    def signed_in(sessions, paths):
        return [{"path": p, "headers": {"Cookie": s.cookie}} for p in paths for s in sessions]

    everyone = list(staff.values())
    new_hires = [staff[n] for n in NEW_HIRES]
    search = ["/handbook/search?" + urllib.parse.urlencode({"q": w}) for w in SEARCH_WORDS]
    variants = {
        "home": signed_in(everyone, ["/"]),
        "handbook_page": signed_in(everyone, pages),
        "search": signed_in(everyone, search),
        "my_onboarding": signed_in(new_hires, ["/training/"]),
        "drill_today": signed_in(new_hires, ["/drill/"]),
        "quiz_autosave": autosaves,
        "team_dashboard": signed_in([manager], ["/reports/"]),
        "signin_page": [{"path": "/signin"}],
    }
    # Each variant once before the clock starts, so a broken one fails here and not as "errors".
    for name, kind in variants.items():
        for variant in kind[:1] if name == "quiz_autosave" else kind:
            if "autosave" in variant:
                continue
            conn = client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", variant["path"], headers={"Accept-Language": "zh-CN", **variant.get("headers", {})})
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status != 200:
                raise RuntimeError(f"{name} {variant['path']}: {response.status}")
    plan = {"port": port, "rate": rate, "seconds": seconds, "pages": pages,
            "kinds": [{"name": name, "weight": MIX[name], "variants": variants[name]} for name in MIX]}
    return plan, [*everyone, manager]


if __name__ == "__main__":
    common.raise_fd_limit()
    print(json.dumps(open_loop(json.load(sys.stdin))))
