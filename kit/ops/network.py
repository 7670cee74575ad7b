"""The addresses at which phones on the same Wi-Fi can reach this laptop."""

from __future__ import annotations

import ipaddress
import socket

import psutil


def lan_addresses() -> list[str]:
    """IPv4 addresses of the network interfaces that are up, loopback excluded.

    Read from the interfaces themselves: no packet is sent anywhere.
    """
    stats = psutil.net_if_stats()
    found = []
    for name, addresses in psutil.net_if_addrs().items():
        if name in stats and not stats[name].isup:
            continue
        for address in addresses:
            if address.family == socket.AF_INET and not ipaddress.ip_address(address.address).is_loopback:
                found.append(address.address)
    return sorted(set(found))


def is_loopback(host: str | None) -> bool:
    """Whether `host` is only reachable from this computer (127.0.0.1, ::1, localhost)."""
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
