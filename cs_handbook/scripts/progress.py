"""Progress and summary lines for long-running commands (content load, demo data, imports)."""

import sys
import time


class Progress:
    """Prints `[label] n/N item` lines at a bounded rate, and a summary at the end."""

    def __init__(self, stream=None, quiet=False, every_seconds=0.5):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.every = every_seconds
        self.label = ""
        self.total = 0
        self.count = 0
        self.started = 0.0
        self._last = 0.0

    def start(self, label: str, total: int = 0) -> None:
        self.label, self.total, self.count = label, total, 0
        self.started = self._last = time.monotonic()

    def step(self, item: str = "", n: int = 1) -> None:
        self.count += n
        now = time.monotonic()
        if not self.quiet and (now - self._last >= self.every or self.count == self.total):
            of = f"/{self.total}" if self.total else ""
            print(f"[{self.label}] {self.count}{of} {item}".rstrip(), file=self.stream, flush=True)
            self._last = now

    def done(self, summary: str = "") -> None:
        if not self.quiet:
            took = time.monotonic() - self.started
            print(f"[{self.label}] done: {self.count} in {took:.1f}s {summary}".rstrip(), file=self.stream, flush=True)

    def say(self, line: str) -> None:
        if not self.quiet:
            print(line, file=self.stream, flush=True)

    def summary(self, line: str) -> None:
        """The outcome of a command: printed even with --quiet."""
        print(line, file=self.stream, flush=True)

    def error(self, line: str) -> None:
        """Why a command failed: printed even with --quiet."""
        print(line, file=self.stream, flush=True)
