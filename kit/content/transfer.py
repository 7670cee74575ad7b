"""Moving modules between installations: export the published revisions as files, import a zip.

The layout is the one of the shipped `modules/` folder: `<slug>.md` and `images/<name>`.
A zip holds that folder as `modules/`. An import is all or nothing: every module must
compile, every image must pass the checks, or nothing is written.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import sqlalchemy as sa
from flask import current_app

from kit.content.files import SLUG, image_path
from kit.content.images import ImageError, check_image, store_image, uploaded_images
from kit.content.library import compile_text, uploaded_image_names
from kit.content.revisions import digest, latest, module_slugs, normalize, published, record_version
from kit.content.revisions import publish as publish_revision
from kit.extensions import db
from kit.models import ModuleImage, User
from slides import DeckError

IMAGE_FILE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}\.(svg|png|jpe?g|webp)$", re.I)


class TransferError(Exception):
    """An import refused, with every problem found (`file:line: message` or `file : message`)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class Bundle:
    """What an export holds: module texts by slug, image bytes by name."""

    modules: dict[str, str] = field(default_factory=dict)
    images: dict[str, bytes] = field(default_factory=dict)


def published_bundle() -> Bundle:
    """The published revision of every module, with every uploaded image and the shipped ones they use."""
    bundle = Bundle()
    used: set[str] = set()
    for slug in module_slugs():
        revision = published(slug)
        if revision is None:
            continue
        bundle.modules[slug] = revision.source
        try:
            used.update(compile_text(slug, revision.source).images)
        except DeckError:
            current_app.logger.warning("module publié invalide exporté tel quel : %s", slug)
    for image in uploaded_images():
        bundle.images[image.name] = image.data
    for name in sorted(used - set(bundle.images)):
        path = image_path(name)
        if path is not None:
            bundle.images[name] = path.read_bytes()
    return bundle


def export_files(folder: Path) -> list[str]:
    """Write the published modules into `folder` (created if needed); return the paths written."""
    bundle = published_bundle()
    (folder / "images").mkdir(parents=True, exist_ok=True)
    written = []
    for slug, text in sorted(bundle.modules.items()):
        (folder / f"{slug}.md").write_text(text, encoding="utf-8")
        written.append(f"{slug}.md")
    for name, data in sorted(bundle.images.items()):
        (folder / "images" / name).write_bytes(data)
        written.append(f"images/{name}")
    return written


def export_zip() -> bytes:
    """The published modules as a zip of a `modules/` folder."""
    bundle = published_bundle()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for slug, text in sorted(bundle.modules.items()):
            archive.writestr(f"modules/{slug}.md", text)
        for name, data in sorted(bundle.images.items()):
            archive.writestr(f"modules/images/{name}", data)
    return buffer.getvalue()


def _entry_path(name: str) -> PurePosixPath | None:
    """The path of a zip entry inside `modules/`, or None when it could escape (zip slip)."""
    if "\\" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name) or "\x00" in name:
        return None
    path = PurePosixPath(name)
    if any(part in ("..", "") for part in path.parts):
        return None
    if path.parts[0] == "modules":
        path = PurePosixPath(*path.parts[1:]) if len(path.parts) > 1 else PurePosixPath(".")
    return path


def read_zip(data: bytes) -> Bundle:
    """Read a zip of modules, within the size and file-count limits; raise TransferError."""
    config = current_app.config
    if len(data) > config["IMPORT_MAX_BYTES"]:
        raise TransferError([f"Le fichier zip est trop gros : {config['IMPORT_MAX_BYTES'] // (1024 * 1024)} Mo "
                             "au plus."])
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise TransferError(["Ce fichier n'est pas un zip lisible : exportez de nouveau les modules."]) from error
    if len(entries) > config["IMPORT_MAX_FILES"]:
        raise TransferError([f"Le zip contient {len(entries)} fichiers : {config['IMPORT_MAX_FILES']} au plus."])
    bundle, errors = Bundle(), []
    for info in entries:
        path = _entry_path(info.filename)
        if path is None:
            errors.append(f"{info.filename} : chemin refusé (il sortirait du dossier des modules)")
            continue
        if len(path.parts) == 1 and path.suffix == ".md":
            limit, kind = config["MODULE_MAX_BYTES"], "module"
            if not SLUG.match(path.stem):
                errors.append(f"{info.filename} : nom de module refusé (lettres minuscules, chiffres et tirets)")
                continue
        elif len(path.parts) == 2 and path.parts[0] == "images":
            limit, kind = config["IMAGE_MAX_BYTES"], "image"
            if not IMAGE_FILE.match(path.name):
                errors.append(f"{info.filename} : nom d'image refusé (lettres, chiffres, tirets ; "
                              ".svg, .png, .jpg ou .webp)")
                continue
        else:
            errors.append(f"{info.filename} : fichier inattendu (seulement des modules .md et images/…)")
            continue
        content = _read_entry(archive, info, limit)
        if content is None:
            errors.append(f"{info.filename} : fichier trop gros ({limit // 1024} Ko au plus) ou illisible")
        elif kind == "module":
            try:
                bundle.modules[path.stem] = normalize(content.decode("utf-8"))
            except UnicodeDecodeError:
                errors.append(f"modules/{path.name}:1: le fichier n'est pas en UTF-8")
        else:
            bundle.images[path.name] = content
    if errors:
        raise TransferError(errors)
    if not bundle.modules and not bundle.images:
        raise TransferError(["Le zip ne contient aucun module (.md) ni image."])
    return bundle


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | None:
    """An entry's bytes, reading at most `limit` + 1 (the declared size of a zip bomb lies)."""
    if info.file_size > limit:
        return None
    try:
        with archive.open(info) as entry:
            content = entry.read(limit + 1)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return None
    return content if len(content) <= limit else None


def check_bundle(bundle: Bundle) -> None:
    """Every image passes the upload checks and every module compiles, or TransferError lists why."""
    errors = []
    for name, data in sorted(bundle.images.items()):
        try:
            checked = check_image(name, data)
        except ImageError as error:
            errors.append(f"modules/images/{name} : {error.message}")
            continue
        if checked.name != name:
            errors.append(f"modules/images/{name} : nom refusé, renommez-la « {checked.name} » (minuscules, "
                          f"chiffres et tirets ; l'extension suit le contenu, ici {checked.kind.upper()})")
        elif (clash := _name_clash(name, data, checked.data)) is not None:
            errors.append(f"modules/images/{name} : {clash}")
    for slug, text in sorted(bundle.modules.items()):
        try:
            compile_text(slug, text, extra_images=set(bundle.images))
        except DeckError as error:
            errors.extend(str(e) for e in error.errors)
    if errors:
        raise TransferError(errors)


def _name_clash(name: str, raw: bytes, cleaned: bytes) -> str | None:
    """Why an imported image may not take this name (another picture has it), or None."""
    shipped = image_path(name)
    if shipped is not None and shipped.read_bytes() not in (raw, cleaned):
        return "une image du Kit porte déjà ce nom avec un autre contenu"
    if name in uploaded_image_names():
        stored = db.session.scalar(sa.select(ModuleImage.data).where(ModuleImage.name == name))
        if stored not in (raw, cleaned):
            return "une autre image porte déjà ce nom sur cette installation"
    return None


def import_bundle(bundle: Bundle, author: User | str | None, message: str, publish: bool = False) -> list[str]:
    """Check everything, then store the images and add a version of every module that changed.

    Returns the slugs that got a new version (or were published).
    """
    check_bundle(bundle)
    for name, data in sorted(bundle.images.items()):
        store_image(name, data, author if isinstance(author, User) else None)
    changed = []
    for slug, text in sorted(bundle.modules.items()):
        current = latest(slug)
        if current is not None and current.source_hash == digest(text):
            if publish and not current.published:
                publish_revision(current)
                changed.append(slug)
            continue
        record_version(slug, text, author=author, message=message, publish=publish)
        changed.append(slug)
    db.session.commit()
    return changed


def import_zip(data: bytes, author: User | str | None, filename: str = "modules.zip",
               publish: bool = False) -> list[str]:
    """Read, check and import a zip of modules; raise TransferError and write nothing on any problem."""
    return import_bundle(read_zip(data), author, f"Import de {filename}"[:200], publish=publish)
