"""The join slide with the room's Wi-Fi, at 1280×720: two QR codes that a phone's camera reads.

The animator types the Wi-Fi when starting the session; zbarimg (zbar-tools) reads the QR codes from the
projector's own screenshot, as a camera would.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.servers import AppServer

ZBARIMG = shutil.which("zbarimg")
# Every character the `WIFI:` format escapes, in the name and in the password, and what a camera must read.
SSID, PASSWORD = 'Salle "2";B,', 'mot:de\\passe;'
EXPECTED = 'WIFI:T:WPA;S:Salle \\"2\\"\\;B\\,;P:mot\\:de\\\\passe\\;;;'

pytestmark = pytest.mark.skipif(not ZBARIMG and not os.environ.get("CI"),
                                reason="zbarimg absent : apt-get install zbar-tools (.ci/run l'installe)")


def read_qr(png: Path) -> str:
    """What a camera reads in a picture holding one QR code."""
    assert ZBARIMG, "zbarimg manque : apt-get install zbar-tools"
    done = subprocess.run([ZBARIMG, "--raw", "-q", str(png)], capture_output=True, text=True, timeout=30)
    return done.stdout.strip()


def test_the_join_slide_shows_both_qr_codes(context: BrowserContext, app_server: AppServer, artifacts: Path,
                                            tmp_path: Path) -> None:
    page = context.new_page()
    page.goto(app_server.url + "/animateur/")
    page.get_by_role("link", name="Mon smartphone et le Wi-Fi").click()
    page.get_by_label("Nom du réseau").fill(SSID)
    page.get_by_label("Mot de passe (vide pour un réseau ouvert)").fill(PASSWORD)
    page.get_by_role("button", name="Démarrer la séance").click()
    expect(page).to_have_url(re.compile(r"/animateur/seances/\d+/projection$"))
    slide = page.locator("[data-join-slide]")
    expect(slide.locator("img.join-qr")).to_have_count(2)
    expect(slide).to_contain_text(f"Wi-Fi « {SSID} »")
    page.wait_for_function("() => [...document.querySelectorAll('img.join-qr')]"
                           ".every(i => i.complete && i.naturalWidth)")
    page.screenshot(path=str(artifacts / "projecteur-accueil-wifi.png"))
    qr_wifi, qr_join = tmp_path / "wifi.png", tmp_path / "seance.png"
    slide.locator("img.join-qr").nth(0).screenshot(path=str(qr_wifi))
    slide.locator("img.join-qr").nth(1).screenshot(path=str(qr_join))
    assert read_qr(qr_wifi) == EXPECTED
    assert re.fullmatch(re.escape(app_server.url) + r"/j/\d{6}", read_qr(qr_join))
    # Both codes and the rest of the slide fit the projector without scrolling.
    box = slide.locator(".join-url").bounding_box()
    assert box and box["y"] + box["height"] <= 720
