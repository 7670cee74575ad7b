"""`.ci/run`: both test passes run, even when the first fails; a summary; an error status if either failed.

A copy of the script runs in a temporary clone where every command it calls is a stub.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# `python3 -m venv .venv` makes a .venv whose python, ruff, lint-imports and mypy are stubs too.
PYTHON3 = """#!/bin/sh
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  mkdir -p "$3/bin"
  cp "$STUBS/venv-python" "$3/bin/python"
  printf '#!/bin/sh\\nexit 0\\n' > "$3/bin/ruff"
  printf '#!/bin/sh\\nexit 0\\n' > "$3/bin/lint-imports"
  printf '#!/bin/sh\\nexit 0\\n' > "$3/bin/mypy"
  chmod +x "$3/bin/python" "$3/bin/ruff" "$3/bin/lint-imports" "$3/bin/mypy"
  exit 0
fi
exit 3
"""
# pip succeeds; pytest says which pass it is and exits with the status the test chose for it.
VENV_PYTHON = """#!/bin/sh
if [ "$2" = "pytest" ]; then
  if [ -n "$KIT_TEST_DATABASE" ]; then
    echo "postgresql $KIT_TEST_DATABASE $*" >> "$CALLS"; exit "$POSTGRES_STATUS"
  fi
  echo "sqlite $*" >> "$CALLS"; exit "$SQLITE_STATUS"
fi
exit 0
"""


def run_ci(tmp_path: Path, sqlite: int, postgres: int) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    clone, stubs = tmp_path / "clone", tmp_path / "stubs"
    (clone / ".ci").mkdir(parents=True)
    shutil.copy(ROOT / ".ci" / "run", clone / ".ci" / "run")
    stubs.mkdir()
    for name, text in {"python3": PYTHON3, "venv-python": VENV_PYTHON}.items():
        (stubs / name).write_text(text)
        (stubs / name).chmod(0o755)
    for name in ("chromium", "pdfinfo", "pg_dump", "zbarimg", "apt-get", "sudo"):  # installed, as far as it knows
        (stubs / name).write_text("#!/bin/sh\nexit 0\n")
        (stubs / name).chmod(0o755)
    calls = tmp_path / "calls"
    calls.touch()
    env = {"PATH": f"{stubs}:/usr/bin:/bin", "STUBS": str(stubs), "CALLS": str(calls),
           "SQLITE_STATUS": str(sqlite), "POSTGRES_STATUS": str(postgres), "HOME": str(tmp_path)}
    if not Path("/usr/sbin/nginx").exists():
        pytest.skip("le script installerait nginx")
    done = subprocess.run(["bash", str(clone / ".ci" / "run"), "-q", "-x"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    return done, calls.read_text().splitlines()


@pytest.mark.parametrize(("sqlite", "postgres"), [(0, 0), (1, 0), (0, 1), (1, 1), (2, 0)])
def test_both_passes_run_and_either_failure_fails(tmp_path: Path, sqlite: int, postgres: int) -> None:
    done, calls = run_ci(tmp_path, sqlite, postgres)
    assert calls == ["sqlite -m pytest -q -x", "postgresql postgresql -m pytest -q -x"], done.stdout + done.stderr
    assert (done.returncode == 0) == (sqlite == 0 and postgres == 0), done.stdout + done.stderr
    summary = done.stdout.split("--- Résumé ---", 1)[1]
    assert ("SQLite                : réussi" in summary) == (sqlite == 0)
    assert ("PostgreSQL et Redis   : réussi" in summary) == (postgres == 0)
    if sqlite:
        assert f"ÉCHEC (code {sqlite})" in summary


def test_the_script_is_the_one_the_readme_names() -> None:
    assert os.access(ROOT / ".ci" / "run", os.X_OK)
    assert ".ci/run" in (ROOT / "README.md").read_text()
