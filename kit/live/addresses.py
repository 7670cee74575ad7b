"""Where phones reach this server: the short address, and the join address that the QR code opens."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request

from kit.models import TrainingSession
from kit.ops.network import is_loopback, lan_addresses


def short_join_url() -> str:
    """The address participants type: the server's base address followed by /j."""
    return f"{join_base_url()}/j"


def join_url(live: TrainingSession) -> str:
    """The address the QR code opens."""
    return f"{join_base_url()}/j/{live.join_code}" if live.join_code else short_join_url()


def join_base_url() -> str:
    """Where phones reach this server: configured, or the address the laptop has on the LAN."""
    configured = current_app.config.get("JOIN_BASE_URL")
    if configured:
        return configured.rstrip("/")
    host = urlsplit(request.host_url)
    if host.hostname not in ("localhost", "127.0.0.1", "::1"):
        return request.host_url.rstrip("/")
    addresses = lan_addresses()
    port = f":{host.port}" if host.port else ""
    return f"http://{addresses[0]}{port}" if addresses else request.host_url.rstrip("/")



def unreachable_warning() -> str | None:
    """Why phones could not open the join address, with the fix, in plain French; None when they can.

    Only run.py knows where it listens (LISTEN_HOST). Behind a proxy (JOIN_BASE_URL set), listening on the
    loopback is the point: no warning then.
    """
    listening = current_app.config.get("LISTEN_HOST")
    if not is_loopback(listening) or current_app.config.get("JOIN_BASE_URL"):
        return None
    if is_loopback(urlsplit(join_base_url()).hostname):
        return None  # no network at all: the address shown is this computer's own
    return (f"Les téléphones ne pourront pas ouvrir {short_join_url()} : le Kit n'écoute que sur cet ordinateur "
            f"(HOST={listening}). Arrêtez-le (Ctrl+C dans sa fenêtre) et relancez-le sans HOST, "
            "ou avec HOST=0.0.0.0.")
