"""The guide and the scoring rules: the shipped files load; a malformed one fails with `file:line: message`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kit import create_app
from kit.diagnostic.guide import GUIDE_FILE, SCORING_FILE, load
from kit.diagnostic.yamlfile import DataFileError
from tests.conftest import TEST_CONFIG


def test_the_shipped_guide_covers_the_issue() -> None:
    guide = load()
    ids = [step.id for step in guide.steps]
    assert ids[:5] == ["smartphone", "systeme", "forfait", "wifi_maison", "compte_google"]
    assert [t.id for t in guide.tasks] == ["deverrouiller", "wifi", "navigateur", "recherche", "application"]
    assert {"usages", "prefere", "francais", "disponibilite"} <= set(ids)
    assert [r.label for r in guide.results] == ["Seul·e", "Avec aide", "Pas encore"]
    assert len(guide.outcomes) == 3 and [m.number for m in guide.modules] == [1, 2, 3, 4]
    assert guide.target_minutes == 10 and guide.consent


def broken(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """A copy of a shipped file with one change."""
    source = GUIDE_FILE if name == "guide" else SCORING_FILE
    text = source.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / source.name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, fragment: str) -> int:
    """The first line holding the fragment as whole words (« id: wifi » is not « id: wifi_maison »)."""
    pattern = re.compile(re.escape(fragment.strip()) + r"(?!\w)")
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line))


def test_a_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = broken(tmp_path, "guide", "      - id: forfait\n", "      - id: forfait\n    bad: [unclosed\n")
    with pytest.raises(DataFileError) as error:
        load(path, SCORING_FILE)
    assert str(error.value).startswith(f"{path}:")
    assert "YAML invalide" in str(error.value)
    assert int(str(error.value).split(":")[1]) >= line_of(path, "id: forfait")


@pytest.mark.parametrize(("old", "new", "where", "message"), [
    ("        kind: task\n        question: Se connecter", "        kind: tache\n        question: Se connecter",
     "id: wifi", "« kind » doit être l'un de"),
    ("      - id: systeme\n", "      - id: smartphone  # en double\n", "# en double", "en double"),
    ("when: {systeme: [android, ne_sait_pas]}", "when: {plus_tard: [oui]}", "id: compte_google",
     "n'est pas une étape précédente"),
    ("        question: Quel téléphone est-ce ?\n", "", "id: systeme", "« question » doit être un texte"),
    ("when: {systeme: [android, ne_sait_pas]}", "when: {systeme: [android, windows]}", "id: compte_google",
     "n'a pas toutes ces valeurs"),
    ('{value: oui, label: "Oui"}', '{value: yes, label: "Oui"}', "value: yes", "n'est pas un texte"),
])
def test_a_wrong_step_names_its_line(tmp_path: Path, old: str, new: str, where: str, message: str) -> None:
    path = broken(tmp_path, "guide", old, new)
    with pytest.raises(DataFileError) as error:
        load(path, SCORING_FILE)
    expected = f"{path}:{line_of(path, where)}: "
    assert any(e.startswith(expected) and message in e for e in error.value.errors), error.value.errors


@pytest.mark.parametrize(("old", "new", "where", "message"), [
    ("{answer: {smartphone: [non]}, recommend: prealable, reason: sans_smartphone}",
     "{answer: {smartphone: [peut_etre]}, recommend: prealable, reason: sans_smartphone}",
     "smartphone: [peut_etre]", "n'est pas une question de la trame"),
    ("{answer: {francais: [non]}, recommend: prealable, reason: francais}",
     "{answer: {francais: [non]}, recommend: prealable}", "francais: [non]", "une étape préalable"),
    ("{level: [autonome], recommend: non_necessaire}", "{level: [expert], recommend: non_necessaire}",
     "level: [expert]", "« level »"),
    ("    min_points: 7\n", "    min_points: 2\n", "id: presque_autonome", "minimums croissants"),
])
def test_a_wrong_rule_names_its_line(tmp_path: Path, old: str, new: str, where: str, message: str) -> None:
    path = broken(tmp_path, "scoring", old, new)
    with pytest.raises(DataFileError) as error:
        load(GUIDE_FILE, path)
    expected = f"{path}:{line_of(path, where)}: "
    assert any(e.startswith(expected) and message in e for e in error.value.errors), error.value.errors


def test_a_level_without_a_rule_is_refused(tmp_path: Path) -> None:
    path = broken(tmp_path, "scoring", "  - {level: [autonome], recommend: non_necessaire}\n", "")
    with pytest.raises(DataFileError, match="il manque : autonome"):
        load(GUIDE_FILE, path)


def test_the_app_does_not_start_with_a_malformed_guide(tmp_path: Path) -> None:
    path = broken(tmp_path, "guide", "target_minutes: 10", "target_minutes: dix")
    with pytest.raises(DataFileError, match=rf"^{path}:\d+: "):
        create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://", "DIAGNOSTIC_GUIDE_FILE": str(path)})
