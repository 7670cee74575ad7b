"""The room's Wi-Fi, given by the animator at the start: checked, and written as a standard `WIFI:` QR code.

The name and password are kept with the session only while it is live (cleared when it ends), shown only
on the animator's pages and the projector's QR code, never sent to phones and never logged.
"""

from __future__ import annotations

import io

import segno

SSID_MAX_BYTES = 32  # IEEE 802.11
WPA_MIN, WPA_MAX = 8, 63  # a WPA/WPA2 passphrase
_SPECIAL = '\\;,:"'


def escape(text: str) -> str:
    """A field of a `WIFI:` string: `\\`, `;`, `,`, `:` and `"` are escaped with a backslash."""
    return "".join("\\" + char if char in _SPECIAL else char for char in text)


def wifi_payload(ssid: str, password: str | None) -> str:
    """The `WIFI:` string that phones' cameras understand (WPA, or an open network without a password)."""
    if password:
        return f"WIFI:T:WPA;S:{escape(ssid)};P:{escape(password)};;"
    return f"WIFI:T:nopass;S:{escape(ssid)};;"


def check_wifi(ssid: str, password: str) -> dict[str, str]:
    """The French errors of the Wi-Fi fields, by field name (empty when they are fine, or both empty)."""
    errors: dict[str, str] = {}
    if not ssid and password:
        errors["wifi_ssid"] = "Indiquez aussi le nom du réseau Wi-Fi."
    if ssid and len(ssid.encode("utf-8")) > SSID_MAX_BYTES:
        errors["wifi_ssid"] = f"Un nom de réseau Wi-Fi fait {SSID_MAX_BYTES} caractères au plus."
    if password and not WPA_MIN <= len(password) <= WPA_MAX:
        errors["wifi_password"] = (f"Un mot de passe Wi-Fi fait de {WPA_MIN} à {WPA_MAX} caractères "
                                   "(laissez vide pour un réseau sans mot de passe).")
    if any(ord(char) < 32 for char in ssid + password):
        errors.setdefault("wifi_password" if password else "wifi_ssid", "Ce texte contient un caractère invisible.")
    return errors


def wifi_qr_svg(ssid: str, password: str | None) -> bytes:
    """The QR code of the network, as a standalone SVG."""
    svg = io.BytesIO()
    segno.make(wifi_payload(ssid, password), error="m").save(
        svg, kind="svg", xmldecl=False, svgns=True, nl=False, scale=10, border=2, dark="#000", light="#fff",
        omitsize=True)
    return svg.getvalue()
