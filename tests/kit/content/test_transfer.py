"""Export and import: published modules written as files and as a zip, read back by another installation."""

from __future__ import annotations

import html
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kit.content import revisions
from kit.content.images import store_image
from kit.content.transfer import TransferError, export_zip, import_zip
from kit.extensions import db
from kit.models import ModuleImage
from slides import compile_file
from tests.conftest import dispose, make_app
from tests.databases import Databases
from tests.kit.content.test_images import png

ROOT = Path(__file__).resolve().parents[3]
SLUG = "01-smartphone-wifi"
QUESTION = "Question : Pour déverrouiller un téléphone, que peut-on utiliser ?"
NEW_QUESTION = "Question : Pour ouvrir un téléphone verrouillé, que peut-on utiliser ?"


def shipped(slug: str = SLUG) -> str:
    """A shipped module's text."""
    return (ROOT / "modules" / f"{slug}.md").read_text(encoding="utf-8")


def zip_of(entries: dict[str, bytes | str]) -> bytes:
    """A zip with these entries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def other(databases: Databases) -> Iterator[Flask]:
    """A second installation, with the shipped modules only."""
    url = databases.seeded()
    app = make_app(url)
    yield app
    dispose(app)
    databases.release(url)


def edit_with_image(app: Flask) -> None:
    """On `app`: upload an image and publish module 1 with a reworded question that shows it."""
    with app.test_request_context():
        store_image("nouvelle-image.png", png(), None)
        base = revisions.latest(SLUG)
        text = base.source.replace(QUESTION, f"{NEW_QUESTION}\n![Un téléphone verrouillé](nouvelle-image.png)", 1)
        revisions.save_revision(SLUG, text, base.id, "test", "avec image", publish=True)


def test_cli_export_writes_files_that_compile(app: Flask, tmp_path: Path) -> None:
    edit_with_image(app)
    result = app.test_cli_runner().invoke(args=["modules", "export", str(tmp_path / "export")])
    assert result.exit_code == 0, result.output
    assert "4 module(s) et 22 image(s) écrits" in result.output
    folder = tmp_path / "export"
    assert sorted(p.name for p in folder.glob("*.md")) == sorted(p.name for p in (ROOT / "modules").glob("*.md"))
    assert (folder / "images" / "nouvelle-image.png").read_bytes() == png()
    deck = compile_file(folder / f"{SLUG}.md")  # the export is a modules/ folder of its own
    assert any(q.question.startswith("Pour ouvrir un téléphone verrouillé") for q in deck.quizzes)
    # Such a folder is what `flask modules check` reads.
    app.config["MODULES_DIR"] = str(folder)
    assert app.test_cli_runner().invoke(args=["modules", "check"]).exit_code == 0


def test_zip_round_trip_between_two_installations(app: Flask, other: Flask) -> None:
    edit_with_image(app)
    with app.test_request_context():
        data = export_zip()
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert f"modules/{SLUG}.md" in names and "modules/images/nouvelle-image.png" in names
    with other.test_request_context():
        before = revisions.published(SLUG).id
        assert import_zip(data, "test", "export.zip") == [SLUG]  # only the module that differs
        latest = revisions.latest(SLUG)
        assert NEW_QUESTION in latest.source and latest.message == "Import de export.zip"
        assert revisions.published(SLUG).id == before  # not published unless asked
        assert db.session.scalar(db.select(ModuleImage.sha256).where(ModuleImage.name == "nouvelle-image.png"))
        assert import_zip(data, "test", "export.zip") == []  # importing twice changes nothing
        assert import_zip(data, "test", "export.zip", publish=True) == [SLUG]
        assert revisions.published(SLUG).id == latest.id


def test_an_import_with_one_error_imports_nothing(other: Flask) -> None:
    broken = shipped("02-naviguer-web").replace("::: quiz\n", "::: quizz\n", 1)
    line = broken.split("\n").index("::: quizz") + 1
    data = zip_of({f"modules/{SLUG}.md": shipped().replace(QUESTION, NEW_QUESTION),
                   "modules/02-naviguer-web.md": broken,
                   "modules/images/bonne.png": png()})
    with other.test_request_context():
        before = {slug: revisions.latest(slug).id for slug in revisions.module_slugs()}
        with pytest.raises(TransferError) as caught:
            import_zip(data, "test")
        assert [e for e in caught.value.errors if not e.startswith("modules/02-naviguer-web.md:")] == []
        assert caught.value.errors[0].startswith(f"modules/02-naviguer-web.md:{line}: bloc inconnu « ::: quizz »")
        assert {slug: revisions.latest(slug).id for slug in revisions.module_slugs()} == before
        assert db.session.scalar(db.select(db.func.count()).select_from(ModuleImage)) == 0


@pytest.mark.parametrize(("entries", "message"), [
    ({"../evil.md": "x"}, "../evil.md : chemin refusé"),
    ({"modules/../../etc/evil.md": "x"}, "chemin refusé"),
    ({"/etc/evil.md": "x"}, "/etc/evil.md : chemin refusé"),
    ({"modules\\..\\evil.md": "x"}, "chemin refusé"),
    ({"modules/images/../../evil.png": png()}, "chemin refusé"),
    ({"modules/script.sh": "rm -rf /"}, "fichier inattendu"),
    ({"modules/Mauvais Nom.md": "x"}, "nom de module refusé"),
    ({"modules/latin1.md": "caf\xe9".encode("latin-1")}, "modules/latin1.md:1: le fichier n'est pas en UTF-8"),
    ({"modules/images/faux.png": b"<html><script>alert(1)</script></html>"}, "n'est pas une image PNG"),
    ({"modules/images/photo.svg": png()}, "renommez-la « photo.png »"),
    ({"modules/images/01-gestes.svg": b'<svg xmlns="http://www.w3.org/2000/svg"/>'}, "une image du Kit"),
    ({}, "aucun module"),
])
def test_malformed_or_hostile_zips_are_refused_clearly(other: Flask, entries: dict[str, bytes | str],
                                                        message: str) -> None:
    with other.test_request_context(), pytest.raises(TransferError) as caught:
        import_zip(zip_of(entries), "test")
    assert any(message in error for error in caught.value.errors), caught.value.errors


def test_size_and_count_limits(other: Flask) -> None:
    other.config.update(IMPORT_MAX_FILES=3, MODULE_MAX_BYTES=1000, IMPORT_MAX_BYTES=50_000)
    with other.test_request_context():
        with pytest.raises(TransferError, match="contient 4 fichiers : 3 au plus"):
            import_zip(zip_of({f"modules/m{i}.md": "x" for i in range(4)}), "test")
        # A zip bomb: small compressed, huge once read; refused from its declared size and while reading.
        bomb = io.BytesIO()
        with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("modules/bombe.md", "a" * 5_000_000)
        with pytest.raises(TransferError, match=r"modules/bombe\.md : fichier trop gros"):
            import_zip(bomb.getvalue(), "test")
        with pytest.raises(TransferError, match="zip est trop gros"):
            import_zip(b"PK" + b"\x00" * 60_000, "test")
        with pytest.raises(TransferError, match="pas un zip lisible"):
            import_zip(b"ceci n'est pas un zip", "test")


def test_cli_import_zip(other: Flask, tmp_path: Path) -> None:
    path = tmp_path / "modules.zip"
    path.write_bytes(zip_of({f"modules/{SLUG}.md": shipped().replace(QUESTION, NEW_QUESTION)}))
    runner = other.test_cli_runner()
    result = runner.invoke(args=["modules", "import-zip", str(path), "--publish"])
    assert result.exit_code == 0, result.output
    assert f"1 module(s) publié(s) : {SLUG}" in result.output
    path.write_bytes(zip_of({f"modules/{SLUG}.md": "---\ntitre: cassé\n"}))
    result = runner.invoke(args=["modules", "import-zip", str(path)])
    assert result.exit_code == 1 and f"modules/{SLUG}.md:" in result.output



def test_export_and_import_in_the_editor(admin: FlaskClient, app: Flask) -> None:
    response = admin.get("/editeur/export.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    assert len(zipfile.ZipFile(io.BytesIO(response.data)).namelist()) == 4 + 21
    changed = zip_of({f"modules/{SLUG}.md": shipped().replace(QUESTION, NEW_QUESTION)})
    response = admin.post("/editeur/importer", data={"archive": (io.BytesIO(changed), "modules.zip")},
                          content_type="multipart/form-data", follow_redirects=True)
    shown = html.unescape(response.get_data(as_text=True))
    assert f"Import terminé : {SLUG}. Les nouvelles versions ne sont pas encore publiées." in shown
    broken = zip_of({f"modules/{SLUG}.md": "pas d'en-tête\n", "../x.md": "x"})
    response = admin.post("/editeur/importer", data={"archive": (io.BytesIO(broken), "casse.zip")},
                          content_type="multipart/form-data")
    shown = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422 and "Rien n'a été importé" in shown and "../x.md : chemin refusé" in shown


def test_the_import_accepts_zips_larger_than_other_forms(admin: FlaskClient, app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 10_000  # every other form
    large = zip_of({f"modules/{SLUG}.md": shipped().replace(QUESTION, NEW_QUESTION)})
    assert len(large) > 10_000
    response = admin.post("/editeur/importer", data={"archive": (io.BytesIO(large), "modules.zip")},
                          content_type="multipart/form-data")
    assert response.status_code == 302
