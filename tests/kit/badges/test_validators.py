"""The two offline validators of ../shared/openbadges/ accept what a live server on 127.0.0.1 issues,
and reject a revoked or tampered badge.

`.ci/run` builds them (setup-validators.sh) and exports OB_VALIDATORS. Absent locally, these tests
are skipped with a message; under CI=true their absence is a failure. What they print is kept in
test-artifacts/validators.txt.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from kit.badges.openbadges.baking import bake_png, png_text_chunks
from kit.extensions import db
from kit.models import RecordKind
from tests.conftest import free_port, make_app
from tests.databases import Databases
from tests.factories import PASSWORD, make_user
from tests.histories import make_animator_group, make_coordinator, make_siae, observe, record, run_course
from tests.servers import AppServer
from tests.web import WebClient

ROOT = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("OB_SHARED") or ROOT.parent / "shared" / "openbadges")
ARTIFACTS = ROOT / "test-artifacts"
ISSUER_EMAIL = "badges@example.org"


def missing_message(folder: Path, shared: Path, missing: list[Path], under_ci_run: bool) -> str:
    """Why the validators are absent, and the one step that fixes it from where the tests were started.

    `.ci/run` builds them only when ../shared/openbadges/ sits beside the clone: when it does not,
    running `.ci/run` again changes nothing, so the message names the folder instead."""
    listed = ", ".join(map(str, missing))
    if not (shared / "setup-validators.sh").exists():
        return (f"validateurs Open Badges introuvables ({listed}) : le dossier {shared} manque. "
                "Placez le dossier shared/openbadges/ à côté du clone (../shared/openbadges, voir "
                "README.md, « Tester »), ou indiquez son chemin dans OB_SHARED")
    build = f"bash {shared}/setup-validators.sh {folder}"
    if under_ci_run:
        return (f"validateurs Open Badges introuvables ({listed}) : `.ci/run` n'a pas pu les construire "
                f"depuis {shared} ; lancez `{build}` pour voir l'erreur")
    return (f"validateurs Open Badges introuvables ({listed}) : lancez `{build}` puis "
            f"`OB_VALIDATORS={folder} OB_SHARED={shared}` devant pytest, ou `bash .ci/run`")


def validators_dir() -> Path:
    """The folder setup-validators.sh built; skipped when absent, a failure under CI."""
    folder = Path(os.environ.get("OB_VALIDATORS") or ROOT / ".validators")
    missing = [p for p in (folder / "ob2" / "bin" / "python", folder / "ob3" / "bin" / "python",
                           SHARED / "verify_ob2.py", SHARED / "verify_ob3.py") if not p.exists()]
    if missing:
        message = missing_message(folder, SHARED, missing, os.environ.get("KIT_CI_RUN") == "1")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return folder


def test_skip_message_names_what_is_missing_not_the_running_command(tmp_path: Path) -> None:
    """Issue 17, item 14: the skip message told to run `bash .ci/run`, even while it was running."""
    folder, shared = tmp_path / ".validators", tmp_path / "shared" / "openbadges"
    no_shared = missing_message(folder, shared, [shared / "verify_ob2.py"], under_ci_run=True)
    assert str(shared) in no_shared and "à côté du clone" in no_shared and ".ci/run" not in no_shared
    shared.mkdir(parents=True)
    (shared / "setup-validators.sh").write_text("")
    in_ci_run = missing_message(folder, shared, [folder / "ob2" / "bin" / "python"], under_ci_run=True)
    assert "lancez `bash .ci/run`" not in in_ci_run and "setup-validators.sh" in in_ci_run
    by_hand = missing_message(folder, shared, [folder / "ob2" / "bin" / "python"], under_ci_run=False)
    assert "setup-validators.sh" in by_hand and "OB_VALIDATORS=" in by_hand


@dataclass
class Validators:
    """Runs verify_ob2.py and verify_ob3.py, keeping what they print."""

    folder: Path
    log: list[str]

    def run(self, version: int, target: str | Path, recipient: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
        """Run one validator; its output is logged for the report."""
        command = [str(self.folder / f"ob{version}" / "bin" / "python"), str(SHARED / f"verify_ob{version}.py"),
                   str(target)]
        if recipient is not None:
            command.append(json.dumps(recipient))
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        shown = str(target).replace(str(ARTIFACTS), "test-artifacts")
        self.log.append(f"$ verify_ob{version}.py {shown}{' ' + json.dumps(recipient) if recipient else ''}\n"
                        f"{result.stdout}{result.stderr[-600:]}(exit {result.returncode})\n")
        return result

    def accepts(self, version: int, target: str | Path, recipient: dict[str, str] | None = None) -> None:
        """Exit 0 and the last line says valid."""
        result = self.run(version, target, recipient)
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.strip().splitlines()[-1].startswith(f"OB{version} valid"), result.stdout

    def rejects(self, version: int, target: str | Path, recipient: dict[str, str] | None = None) -> str:
        """A non-zero exit; returns what it printed."""
        result = self.run(version, target, recipient)
        assert result.returncode != 0, result.stdout
        return result.stdout + result.stderr


@dataclass
class Issued:
    """A live server, its signed-in coordinator and animator, and the badges issued there."""

    server: AppServer
    coordinator: WebClient
    animator: WebClient
    animator_id: int
    badges: dict[str, str]  # name → uid


@pytest.fixture(scope="module")
def validators() -> Iterator[Validators]:
    """The validators, and the file their output is kept in."""
    log: list[str] = []
    yield Validators(validators_dir(), log)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "validators.txt").write_text("\n".join(log), encoding="utf-8")


def uid_of(client: WebClient, page: str) -> str:
    """The uid of the (only valid) badge whose verification link a page shows."""
    html = client.get(page).text
    start = html.index("/badges/verifier/") + len("/badges/verifier/")
    return html[start:start + 32]


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory, databases: Databases,
           validators: Validators) -> Iterator[Issued]:
    """A history made in the database, then the badges issued by clicks on a real server (run.py)."""
    folder = tmp_path_factory.mktemp("validators")
    database = databases.seeded()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app = make_app(database)
    with app.app_context():
        animator = make_user("anim@test.fr", siae=make_siae())
        coordinator = make_coordinator()
        group = make_animator_group(animator, size=6)
        sessions = run_course(group)
        record(animator, RecordKind.TRAINING, coordinator)
        record(animator, RecordKind.OBSERVATION, coordinator, sessions[0])
        people = [p.id for p in group.participants[:3]]
        observe(group.participants[0], ("wifi",), session=sessions[0])  # seen alone already in module 1
        for person in group.participants[:3]:  # then in the grid of module 4's final practice
            observe(person, session=sessions[3])
        animator_id = animator.id
        db.session.remove()  # give the connection back before closing them all
        db.engine.dispose()
    server = AppServer(database, port, folder / "server.log", env={
        "PUBLIC_BASE_URL": base, "BADGES_ALLOW_LOOPBACK": "true", "BADGE_ISSUER_EMAIL": ISSUER_EMAIL,
        "BADGE_SIGNING_KEY_FILE": str(folder / "badge_key.pem")}).start()
    try:
        coordinator_web, animator_web = WebClient(base), WebClient(base)
        coordinator_web.login("coord@test.fr", PASSWORD)
        animator_web.login("anim@test.fr", PASSWORD)
        page = f"/coordination/animateurs/{animator_id}"
        assert coordinator_web.submit(page, f"{page}/badge", {}).status_code == 302
        badges = {"animator": uid_of(coordinator_web, page)}
        for name, person, data in (("email", people[0], {"email": "awa@example.org", "name": "Awa Diallo"}),
                                   ("telephone", people[1], {"phone": "06 12 34 56 78"}),
                                   ("url", people[2], {})):
            participant = f"/progression/participants/{person}"
            response = animator_web.submit(participant, f"{participant}/badge", data)
            assert response.status_code == 302, response.text[:2000]
            badges[name] = uid_of(animator_web, participant)
        yield Issued(server, coordinator_web, animator_web, animator_id, badges)
    finally:
        server.stop()


def download(issued: Issued, path: str, name: str) -> Path:
    """Save a file the server serves into test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    response = issued.animator.get(path)
    assert response.status_code == 200, path
    target = ARTIFACTS / name
    target.write_bytes(response.content)
    return target


def test_ob2_accepts_the_hosted_assertions(issued: Issued, validators: Validators) -> None:
    base, badges = issued.server.url, issued.badges
    validators.accepts(2, f"{base}/badges/assertions/{badges['animator']}", {"email": "anim@test.fr"})
    validators.accepts(2, f"{base}/badges/assertions/{badges['email']}", {"email": "awa@example.org"})
    validators.accepts(2, f"{base}/badges/assertions/{badges['telephone']}", {"telephone": "+33612345678"})
    validators.accepts(2, f"{base}/badges/assertions/{badges['url']}",
                       {"url": f"{base}/badges/verifier/{badges['url']}"})


def test_ob2_accepts_the_baked_png_and_svg(issued: Issued, validators: Validators) -> None:
    uid = issued.badges["animator"]
    png = download(issued, f"/badges/assertions/{uid}/badge.png", "badge-animateur-ob2.png")
    svg = download(issued, f"/badges/assertions/{uid}/badge.svg", "badge-animateur-ob2.svg")
    validators.accepts(2, png, {"email": "anim@test.fr"})
    validators.accepts(2, svg, {"email": "anim@test.fr"})


def test_ob3_accepts_the_signed_credentials(issued: Issued, validators: Validators) -> None:
    base = issued.server.url
    for name in ("animator", "email", "telephone", "url"):
        validators.accepts(3, f"{base}/badges/credentials/{issued.badges[name]}")
    png = download(issued, f"/badges/credentials/{issued.badges['email']}/badge.png", "badge-participant-ob3.png")
    validators.accepts(3, png)


def test_both_reject_a_tampered_badge(issued: Issued, validators: Validators) -> None:
    uid = issued.badges["email"]
    base = issued.server.url
    # OB 3.0: one changed word in the credential, and the signature no longer holds.
    credential = issued.animator.get(f"/badges/credentials/{uid}").json()
    credential["credentialSubject"]["achievement"]["name"] = "Expert·e en smartphone"
    forged = ARTIFACTS / "credential-falsifie.json"
    forged.write_text(json.dumps(credential, ensure_ascii=False), encoding="utf-8")
    assert "signature does not verify" in validators.rejects(3, forged)
    png = download(issued, f"/badges/credentials/{uid}/badge.png", "badge-ob3-a-falsifier.png")
    baked = json.loads(png_text_chunks(png.read_bytes())["openbadgecredential"])
    baked["validFrom"] = "2020-01-01T00:00:00Z"
    forged_png = ARTIFACTS / "badge-ob3-falsifie.png"
    forged_png.write_bytes(bake_png(png.read_bytes(), {"openbadgecredential": json.dumps(baked)}))
    validators.rejects(3, forged_png)
    # OB 2.0: a badge claimed by someone else, and a baked image pointing at an assertion that does not exist.
    validators.rejects(2, f"{base}/badges/assertions/{uid}", {"email": "quelquun@example.org"})
    png2 = download(issued, f"/badges/assertions/{uid}/badge.png", "badge-ob2-a-falsifier.png")
    assertion = json.loads(png_text_chunks(png2.read_bytes())["openbadges"])
    assertion["id"] = f"{base}/badges/assertions/{'0' * 32}"
    forged_png2 = ARTIFACTS / "badge-ob2-falsifie.png"
    forged_png2.write_bytes(bake_png(png2.read_bytes(), {"openbadges": json.dumps(assertion)}))
    validators.rejects(2, forged_png2, {"email": "awa@example.org"})


def test_both_reject_a_revoked_badge(issued: Issued, validators: Validators) -> None:
    uid = issued.badges["animator"]
    base = issued.server.url
    # The images its recipient downloaded while it was valid: both pass before the withdrawal.
    png = download(issued, f"/badges/assertions/{uid}/badge.png", "badge-ob2-avant-retrait.png")
    svg = download(issued, f"/badges/assertions/{uid}/badge.svg", "badge-ob2-avant-retrait.svg")
    validators.accepts(2, png, {"email": "anim@test.fr"})
    page = f"/coordination/animateurs/{issued.animator_id}"
    response = issued.coordinator.submit(page, f"{page}/badges/{uid}/retirer", {"reason": "Délivré par erreur"})
    assert response.status_code == 302
    assert requests.get(f"{base}/badges/assertions/{uid}", timeout=10).status_code == 410
    output = validators.rejects(2, f"{base}/badges/assertions/{uid}", {"email": "anim@test.fr"})
    assert "OB2 INVALID" in output
    # Hosted verification: the validator fetches the assertion baked in the image, and finds it revoked.
    assert "OB2 INVALID" in validators.rejects(2, png, {"email": "anim@test.fr"})
    assert "OB2 INVALID" in validators.rejects(2, svg, {"email": "anim@test.fr"})
    assert "410" in validators.rejects(3, f"{base}/badges/credentials/{uid}")
    verify = requests.get(f"{base}/badges/verifier/{uid}", timeout=10).text
    assert "Ce badge a été retiré" in verify


def test_the_participant_badges_carry_the_skills_observed(issued: Issued, validators: Validators) -> None:
    base, uid = issued.server.url, issued.badges["email"]
    criteria = f"{base}/badges/classes/premiers-pas-smartphone/criteres"
    credential = issued.animator.get(f"/badges/credentials/{uid}").json()
    described = credential["credentialSubject"]["achievement"]["resultDescription"]
    assert [d["name"] for d in described] == ["Se connecter à un réseau Wi-Fi",
                                              "Faire une recherche avec des mots-clés",
                                              "Trouver et installer une application"]
    assert all(d["resultType"] == "RubricCriterionLevel" and len(d["rubricCriterionLevel"]) == 3 for d in described)
    assert described[0]["requiredLevel"] == f"{criteria}#competence-wifi-seul"
    results = credential["credentialSubject"]["result"]
    assert [(r["resultDescription"], r["achievedLevel"]) for r in results] == [
        (f"{criteria}#competence-{s}", f"{criteria}#competence-{s}-seul") for s in ("wifi", "recherche", "application")]
    narratives = [e["narrative"] for e in credential["evidence"]]
    assert narratives[0].startswith("Se connecter à un réseau Wi-Fi : seul·e, observé le ")
    assert narratives[0].endswith("(module 4)")  # the latest time seen alone
    hosted = issued.animator.get(f"/badges/assertions/{uid}?format=json").json()
    assert [e["narrative"] for e in hosted["evidence"]] == narratives
    assert all(e["type"] == "Evidence" and e["genre"] == "Observation" for e in hosted["evidence"])
    # The baked OB 2.0 image of a participant carries them too, and passes.
    png = download(issued, f"/badges/assertions/{uid}/badge.png", "badge-participant-ob2.png")
    validators.accepts(2, png, {"email": "awa@example.org"})
    # A level changed in the signed credential: the signature no longer holds.
    credential["credentialSubject"]["result"][2]["achievedLevel"] = f"{criteria}#competence-application-avec-aide"
    forged = ARTIFACTS / "credential-niveau-falsifie.json"
    forged.write_text(json.dumps(credential, ensure_ascii=False), encoding="utf-8")
    assert "signature does not verify" in validators.rejects(3, forged)
    page = requests.get(f"{base}/badges/verifier/{uid}", timeout=10).text
    assert "A su se connecter à un réseau Wi-Fi seul·e" in page and "A su trouver et installer une application" in page
