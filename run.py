"""Start Kit Animateur: `python run.py` (HOST and PORT from the environment)."""

from __future__ import annotations

import os

from kit import create_app
from kit.extensions import socketio
from kit.network import lan_addresses

app = create_app()

if __name__ == "__main__":
    host = os.environ.get("HOST", "0.0.0.0")
    port = int(os.environ.get("PORT", "5000"))
    print(f"Kit Animateur : http://localhost:{port}", flush=True)
    if host in ("0.0.0.0", "::"):
        for address in lan_addresses():
            print(f"Sur le réseau local : http://{address}:{port}", flush=True)
    socketio.run(app, host=host, port=port)
