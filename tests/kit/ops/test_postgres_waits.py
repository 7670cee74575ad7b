"""Under gevent, a PostgreSQL query waits without holding the event loop (psycopg 3 ≥ 3.1.14 sees gevent).

A query of 300 ms runs in one greenlet of a monkey-patched process while another counts its ticks: if psycopg
waited in C, the ticker would be 300 ms late. Run in the PostgreSQL pass of the suite (KIT_TEST_DATABASE).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.databases import BACKEND, POSTGRES_ADMIN_URL

SCRIPT = """
from gevent import monkey
monkey.patch_all()
import sys, time
import gevent, sqlalchemy as sa

engine = sa.create_engine(sys.argv[1])
with engine.connect() as connection:
    connection.execute(sa.text("SELECT 1"))  # connected before the measure

late = []
def tick():
    expected = time.perf_counter() + 0.01
    while True:
        gevent.sleep(0.01)
        now = time.perf_counter()
        late.append(now - expected)
        expected = now + 0.01

def query():
    with engine.connect() as connection:
        connection.execute(sa.text("SELECT pg_sleep(0.3)"))

ticker = gevent.spawn(tick)
gevent.sleep(0.05)
gevent.spawn(query).join()
gevent.sleep(0.05)  # the ticker wakes once more: a late tick is counted
ticker.kill()
print(round(1000 * max(late)))
"""


@pytest.mark.skipif(BACKEND != "postgresql", reason="passe PostgreSQL de la suite (KIT_TEST_DATABASE=postgresql)")
def test_a_slow_query_does_not_hold_the_loop() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT, POSTGRES_ADMIN_URL], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) < 100, f"boucle en retard de {result.stdout.strip()} ms pendant pg_sleep(0.3)"
