"""`flask modules check`, `flask modules import` and `flask setup`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from kit.content.library import published_module

ROOT = Path(__file__).resolve().parent.parent.parent


def test_check_compiles_every_shipped_module(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["modules", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.count(": OK — ") == 4


def copy_modules(tmp_path: Path) -> Path:
    """A writable copy of modules/ to break on purpose."""
    folder = tmp_path / "modules"
    shutil.copytree(ROOT / "modules", folder)
    return folder


def test_check_fails_with_file_and_line(app: Flask, tmp_path: Path) -> None:
    folder = copy_modules(tmp_path)
    path = folder / "02-naviguer-web.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    target = next(i for i, line in enumerate(lines) if line.startswith("::: quiz"))
    lines[target] = "::: quizz"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    app.config["MODULES_DIR"] = str(folder)

    result = app.test_cli_runner().invoke(args=["modules", "check"])
    assert result.exit_code == 1
    assert f"modules/02-naviguer-web.md:{target + 1}: bloc inconnu « ::: quizz »" in result.output
    assert "modules/01-smartphone-wifi.md : OK" in result.output


def test_import_publishes_a_changed_file_and_keeps_the_old_revision(app: Flask, tmp_path: Path) -> None:
    folder = copy_modules(tmp_path)
    path = folder / "01-smartphone-wifi.md"
    path.write_text(path.read_text(encoding="utf-8").replace("titre: Mon smartphone et le Wi-Fi",
                                                             "titre: Mon téléphone et le Wi-Fi"), encoding="utf-8")
    app.config["MODULES_DIR"] = str(folder)
    runner = app.test_cli_runner()
    with app.test_request_context():
        before = published_module("01-smartphone-wifi").revision_id

    result = runner.invoke(args=["modules", "import"])
    assert result.exit_code == 0, result.output
    assert "1 module(s) importé(s) : 01-smartphone-wifi" in result.output
    with app.test_request_context():
        module = published_module("01-smartphone-wifi")
        assert module.revision_id != before
        assert module.deck.meta.title == "Mon téléphone et le Wi-Fi"
    assert "aucun changement" in runner.invoke(args=["modules", "import"]).output


def test_import_refuses_a_broken_module_and_changes_nothing(app: Flask, tmp_path: Path) -> None:
    folder = copy_modules(tmp_path)
    (folder / "03-rechercher-information.md").write_text("pas d'en-tête\n", encoding="utf-8")
    app.config["MODULES_DIR"] = str(folder)
    with app.test_request_context():
        before = published_module("03-rechercher-information").revision_id
    result = app.test_cli_runner().invoke(args=["modules", "import"])
    assert result.exit_code == 1
    assert "modules/03-rechercher-information.md:1:" in result.output
    with app.test_request_context():
        assert published_module("03-rechercher-information").revision_id == before


def test_setup_on_an_empty_database(empty_database: str) -> None:
    from tests.conftest import make_app

    app = make_app(empty_database)
    result = app.test_cli_runner().invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    assert "Base de données prête" in result.output
    assert app.test_client().get("/").get_data(as_text=True).count('class="module-card"') == 4
    again = app.test_cli_runner().invoke(args=["setup"])
    assert "déjà à jour" in again.output


def test_setup_demo_prints_every_demo_account(empty_database: str, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Each demo account of the README, with its password: the courses' ones too."""
    from tests.conftest import make_app

    # `setup --demo` marks its instance folder (instance/demo): a folder of the test's, not the checkout's.
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(tmp_path / "instance"))
    app = make_app(empty_database)
    result = app.test_cli_runner().invoke(args=["setup", "--demo"])
    assert result.exit_code == 0, result.output
    for email, password in (("animateur@demo.fr", "demo-animateur"), ("admin@demo.fr", None),
                            ("coordination@demo.fr", "demo-coordination"), ("conseil@demo.fr", None),
                            ("animatrice2@demo.fr", "demo-animatrice2"), ("conseil2@demo.fr", "demo-conseil2"),
                            ("conseil3@demo.fr", "demo-conseil3")):
        line = next((line for line in result.output.splitlines() if f" {email} / mot de passe : " in line), "")
        assert line, (email, result.output)
        assert password is None or line.endswith(password), line
