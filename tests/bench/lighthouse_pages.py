"""Lighthouse (mobile) on the pages a session shows: the phone's keypad and live page, the projector, the presenter.

Run: .venv/bin/python -m tests.bench.lighthouse_pages [--runs 2]
A real server (run.py, gevent) with the demo data on a SQLite file of its own; the demo animator starts the demo
session, one phone joins it; Lighthouse then audits each page with that browser's cookies (--extra-headers).
Lighthouse is not a dependency of the Kit: install it outside the repository (`npm install lighthouse` in
/work/lh, or anywhere and set LIGHTHOUSE=/path/to/node_modules/.bin/lighthouse). Without it, this says so and
stops (exit 0). Chromium is Debian's (CHROME_PATH, /usr/bin/chromium by default).

Targets (issue 17): best practices 100 and performance ≥ 95 on every page; tests/bench/test_lighthouse_pages.py
checks them (marker bench).
Reports are kept in test-artifacts/lighthouse/ (JSON, one per page and run).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "lighthouse"
CATEGORIES = ("performance", "best-practices", "accessibility")
METRICS = {"first-contentful-paint": "FCP", "largest-contentful-paint": "LCP", "total-blocking-time": "TBT",
           "cumulative-layout-shift": "CLS", "speed-index": "SI"}
QUIET = ("informative", "manual", "notApplicable")  # audits that never lower a score
CANDIDATES = (os.environ.get("LIGHTHOUSE", ""), "/work/lh/node_modules/.bin/lighthouse", "lighthouse")


def lighthouse_binary() -> str | None:
    """The lighthouse command, or None when it is not installed."""
    for candidate in CANDIDATES:
        found = candidate and shutil.which(candidate)
        if found:
            return found
    return None


@dataclass
class Audit:
    """One page's Lighthouse figures."""

    page: str
    scores: dict[str, int]
    metrics: dict[str, str]
    failing: list[str] = field(default_factory=list)


def read_report(page: str, report: dict) -> Audit:  # type: ignore[type-arg]
    """Scores (0–100), the metrics as Lighthouse shows them, and every scored audit below full marks."""
    scores = {name: round(100 * (report["categories"][name]["score"] or 0)) for name in CATEGORIES}
    audits = report["audits"]
    metrics = {short: audits[name].get("displayValue", "?") for name, short in METRICS.items()}
    failing = [f"{name} ({audit.get('displayValue') or audit['title']})" for name, audit in audits.items()
               if audit.get("score") is not None and audit["score"] < 1 and audit.get("scoreDisplayMode") not in QUIET]
    return Audit(page, scores, metrics, failing)


def run_lighthouse(binary: str, url: str, cookie: str, output: Path,
                   desktop: bool = False) -> dict:  # type: ignore[type-arg]
    """One Lighthouse run: mobile by default (emulated phone, simulated slow 4G, CPU slowed 4×), or desktop."""
    headers = output.with_suffix(".headers.json")
    headers.write_text(json.dumps({"Cookie": cookie} if cookie else {}))
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    command = [binary, url, "--output=json", f"--output-path={output}", "--quiet",
               f"--only-categories={','.join(CATEGORIES)}", f"--extra-headers={headers}",
               "--chrome-flags=--headless=new --no-sandbox --disable-gpu"] + (["--preset=desktop"] if desktop else [])
    subprocess.run(command, env=env, check=True, timeout=300, capture_output=True)
    return json.loads(output.read_text())


def demo_server(folder: Path) -> tuple[object, dict[str, tuple[str, str]]]:
    """The server, and each page to audit: (URL, Cookie header)."""
    from tests.conftest import free_port
    from tests.servers import AppServer, start_demo_session
    from tests.web import WebClient

    database = f"sqlite:///{folder / 'kit.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": database, "SECRET_KEY": "lighthouse", "LOG_LEVEL": "WARNING"}
    subprocess.run([sys.executable, "-m", "flask", "--app", "kit", "setup", "--demo"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    server = AppServer(database, free_port(), folder / "server.log",
                       env={"LOG_LEVEL": "WARNING", "SOCKETIO_MESSAGE_QUEUE": ""}).start(timeout=120)
    animator, session_id, code = start_demo_session(server.url)
    phone = WebClient(server.url)
    phone.join(code, "Lina")
    pages = {
        "téléphone : /j": (f"{server.url}/j", ""),
        "téléphone : en direct": (f"{server.url}/j/{code}", phone.cookie_header()),
        "projection": (f"{server.url}/animateur/seances/{session_id}/projection", animator.cookie_header()),
        "présentateur": (f"{server.url}/animateur/seances/{session_id}/presentateur", animator.cookie_header()),
    }
    return server, pages


def audit_pages(binary: str, runs: int, only: str = "", desktop: bool = False) -> list[Audit]:
    """Every page (whose name contains `only`), `runs` times each, against one demo server."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    results = []
    with tempfile.TemporaryDirectory() as temp:
        server, pages = demo_server(Path(temp))
        try:
            for run in range(1, runs + 1):
                for index, (page, (url, cookie)) in enumerate(pages.items()):
                    if only not in page:
                        continue
                    output = ARTIFACTS / f"page{index}-run{run}{'-desktop' if desktop else ''}.json"
                    report = run_lighthouse(binary, url, cookie, output, desktop)
                    results.append(read_report(page, report))
                    print(table_row(results[-1]), flush=True)
        finally:
            server.stop()  # type: ignore[attr-defined]
    return results


def table_row(audit: Audit) -> str:
    """One Markdown table row: page, the three scores, the metrics."""
    scores = " | ".join(str(audit.scores[name]) for name in CATEGORIES)
    metrics = ", ".join(f"{short} {value}" for short, value in audit.metrics.items())
    return f"| {audit.page} | {scores} | {metrics} |"


def main() -> int:
    parser = argparse.ArgumentParser(description="Lighthouse (mobile) sur les pages d'une séance.")
    parser.add_argument("--runs", type=int, default=1, help="passes sur chaque page (défaut : 1)")
    parser.add_argument("--pages", default="", help="seulement les pages dont le nom contient ce texte")
    parser.add_argument("--desktop", action="store_true", help="le préréglage « desktop » de Lighthouse")
    args = parser.parse_args()
    binary = lighthouse_binary()
    if binary is None:
        print("Lighthouse n'est pas installé : `npm install lighthouse` dans /work/lh (hors du dépôt), "
              "ou LIGHTHOUSE=/chemin/vers/lighthouse. Rien n'a été mesuré.")
        return 0
    print("| page | performance | bonnes pratiques | accessibilité | métriques |")
    print("| --- | --- | --- | --- | --- |")
    results = audit_pages(binary, args.runs, args.pages, args.desktop)
    print("\nAudits sous la note maximale :")
    for audit in results:
        for failing in sorted(set(audit.failing)):
            print(f"- {audit.page} — {failing}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
