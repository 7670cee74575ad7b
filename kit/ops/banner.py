"""What the terminal shows when the Kit starts: where to open it, big enough to read from a chair.

The animator is often not a developer: the addresses come first, in a box, with the join address's QR code
when the terminal can show it, and a plain-French warning when phones could not reach the server.
"""

from __future__ import annotations

import io

import segno

from kit.ops.network import is_loopback


def loopback_warning(host: str, port: int) -> str:
    """The fix, in plain French, when the server listens on the loopback only."""
    return (f"Attention : le Kit n'écoute que sur cet ordinateur (HOST={host}). Les téléphones ne pourront pas "
            f"le joindre. Arrêtez-le (Ctrl+C) et relancez-le sans HOST, ou avec HOST=0.0.0.0 "
            f"(port {port}).")


def banner(host: str, port: int, lan: list[str], terminal: bool) -> str:
    """The lines to print at start. `lan`: this computer's addresses on the local network."""
    lines = [f"Kit Animateur : http://localhost:{port}"]
    reachable = not is_loopback(host)
    if reachable:
        lines += [f"Sur le réseau local : http://{address}:{port}" for address in lan]
    if not terminal:
        if not reachable and lan:
            lines.append(loopback_warning(host, port))
        return "\n".join(lines)
    phones = f"http://{lan[0]}:{port}/j" if reachable and lan else None
    boxed = ["Kit Animateur est prêt.", "", f"Sur cet ordinateur :  http://localhost:{port}"]
    if phones:
        boxed += ["", f"Téléphones (même Wi-Fi) :  {phones}"]
    width = max(len(line) for line in boxed) + 4
    bold, plain = "\033[1m", "\033[0m"
    art = (["┏" + "━" * width + "┓"] + [f"┃  {bold}{line.ljust(width - 2)}{plain}┃" for line in boxed]
           + ["┗" + "━" * width + "┛"])
    if phones:
        qr = io.StringIO()
        segno.make(phones, error="m").terminal(out=qr, compact=True, border=2)
        art += ["", "Depuis un téléphone, scannez ce code :", qr.getvalue().rstrip("\n")]
    if not reachable and lan:
        art += ["", loopback_warning(host, port)]
    return "\n".join(art)
