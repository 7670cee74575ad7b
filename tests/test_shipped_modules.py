"""The four shipped modules compile and hold the programme's requirements.

The conventions these checks read (docs/authoring.md, part 8):
- a slide is hands-on (« pratique ») when it is an activity, or when a line of its notes
  starts with « Pratique : » (the participants do the steps on their own phone, with the animator);
- a line « Objectif : 2 » (or « Objectifs : 1, 3 ») in the notes of a quiz or an activity says which
  objectives of the header it checks;
- a line « Si retard : » in the notes marks a slide the animator skips first when the group is late;
- the pause is a `style: titre` slide titled « Pause »: neither practice nor talk.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from slides import Deck, Slide, compile_file

MODULES = sorted((Path(__file__).resolve().parent.parent / "modules").glob("*.md"))


PRACTICE = "Pratique :"
SKIP = "Si retard :"
OBJECTIVE = re.compile(r"^Objectifs? : (\d+(?:, \d+)*)\.?$")
WORD = re.compile(r"\w", re.UNICODE)
SENTENCE_END = re.compile(r"[.!?;…\n]+")
BLOCK_END = re.compile(r"<br\s*/?>|</(?:p|li|h[1-6]|td|th|tr|aside|ol|ul|table)>")


def plain(fragment: str) -> str:
    """The text of an HTML fragment."""
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def note_lines(slide: Slide) -> list[str]:
    """The lines of a slide's notes, as plain text."""
    parts = re.split(r"<br\s*/?>|</?p>|</?li>", slide.notes_html)
    return [" ".join(plain(part).split()) for part in parts if plain(part).strip()]


def is_practice(slide: Slide) -> bool:
    """Hands-on: an activity, or a do-along slide whose notes say « Pratique : »."""
    return slide.kind == "activite" or any(line.startswith(PRACTICE) for line in note_lines(slide))


def is_pause(slide: Slide) -> bool:
    return slide.style == "titre" and slide.title.strip().lower() == "pause"


def hands_on_minutes(deck: Deck) -> int:
    return sum(s.minutes for s in deck.slides if is_practice(s))


def longest_stretch(deck: Deck) -> tuple[int, str]:
    """The most minutes in a row without practice (the pause neither counts nor breaks a stretch)."""
    longest, current, start, where = 0, 0, "", ""
    for slide in deck.slides:
        if is_practice(slide):
            current = 0
        elif not is_pause(slide):
            if current == 0:
                start = f"diapo {slide.number} « {slide.title} »"
            current += slide.minutes
            if current > longest:
                longest, where = current, f"de la {start} à la diapo {slide.number}"
    return longest, where


def seen_by_participants(deck: Deck) -> list[str]:
    """The HTML participants read: slides, activities, questions, answers, explanations and the sheet."""
    fragments = [deck.sheet_html]
    for slide in deck.slides:
        fragments += [slide.html, slide.activity_html]
        if slide.quiz:
            fragments += [slide.quiz.question_html, slide.quiz.explanation_html]
            fragments += [choice.html for choice in slide.quiz.choices]
    return fragments


def sentences(fragment: str) -> list[list[str]]:
    """The sentences of an HTML fragment, as lists of words (a word holds a letter or a digit)."""
    text = plain(BLOCK_END.sub("\n", fragment))
    found = []
    for sentence in SENTENCE_END.split(text):
        words = [w for w in sentence.split() if WORD.search(w)]
        if words:
            found.append(words)
    return found


def objectives_checked(deck: Deck) -> dict[int, list[int]]:
    """Objective number → the quiz and activity slides whose notes say they check it."""
    checked: dict[int, list[int]] = {}
    for slide in deck.slides:
        for line in note_lines(slide):
            match = OBJECTIVE.match(line)
            if match:
                assert slide.kind == "activite" or (slide.quiz and not slide.quiz.is_poll), (
                    f"diapo {slide.number} : « {line} » n'est valable que sur une activité ou un quiz")
                for number in match.group(1).split(", "):
                    checked.setdefault(int(number), []).append(slide.number)
    return checked


def counts(deck: Deck) -> dict[str, int]:
    """The figures the issue asks every module to meet."""
    quizzes = [q for q in deck.quizzes if not q.is_poll]
    return {
        "slides": len(deck.slides),
        "quizzes": len(quizzes),
        "activities": len(deck.activities),
        "minutes": deck.planned_minutes,
        "iphone": sum("encadre-iphone" in s.html + s.activity_html for s in deck.slides),
    }


@pytest.fixture(scope="module", params=MODULES, ids=lambda p: p.stem)
def deck(request: pytest.FixtureRequest) -> Deck:
    """Each shipped module, compiled."""
    return compile_file(request.param)


def test_there_are_four_half_days_in_order() -> None:
    numbers = sorted(compile_file(path).meta.number for path in MODULES)
    assert numbers == [1, 2, 3, 4]
    assert sum(compile_file(path).meta.minutes for path in MODULES) == 4 * 210  # 14 h, pauses included


def test_each_module_meets_the_counts(deck: Deck) -> None:
    figures = counts(deck)
    assert figures["slides"] >= 25, figures
    assert figures["quizzes"] >= 8, figures
    assert figures["activities"] >= 3, figures
    assert deck.meta.minutes == 210, figures
    assert figures["iphone"] >= 3, "the iPhone differences are given next to the Android steps"


def test_every_slide_has_animator_notes(deck: Deck) -> None:
    assert [s.number for s in deck.slides if not s.notes_html] == []


def test_quizzes_use_every_kind(deck: Deck) -> None:
    kinds = {q.kind for q in deck.quizzes}
    assert {"unique", "multiple", "vrai-faux"} <= kinds


def test_every_quiz_explains_its_answer(deck: Deck) -> None:
    assert all(plain(q.explanation_html).strip() for q in deck.quizzes if not q.is_poll)


def test_sentences_are_short(deck: Deck) -> None:
    # B1 French, low literacy: no sentence over 15 words on anything participants read.
    found = [words for fragment in seen_by_participants(deck) for words in sentences(fragment)]
    lengths = [len(words) for words in found]
    assert sum(lengths) / len(lengths) <= 9
    too_long = [" ".join(words) for words in found if len(words) > 15]
    assert too_long == [], f"{len(too_long)} phrase(s) de plus de 15 mots"


def test_no_gender_in_brackets(deck: Deck) -> None:
    # « seul(e) », « sûr(e) », « voisin(e) » are hard to read: write both forms, or say it another way.
    text = Path(deck.source).read_text(encoding="utf-8")
    assert re.findall(r"\w+\((?:e|es|le|ère|euse|rice)\)", text) == []


def test_hands_on_is_at_least_45_percent(deck: Deck) -> None:
    minutes = hands_on_minutes(deck)
    assert minutes * 100 >= 45 * deck.planned_minutes, f"{minutes} min de pratique sur {deck.planned_minutes}"


def test_no_stretch_over_20_minutes_without_practice(deck: Deck) -> None:
    minutes, where = longest_stretch(deck)
    assert minutes <= 20, f"{minutes} min sans pratique, {where}"


def test_ten_minutes_of_slack_and_what_to_skip_first(deck: Deck) -> None:
    assert (deck.meta.minutes, deck.meta.slack_minutes, deck.planned_minutes) == (210, 10, 200)
    skippable = [s for s in deck.slides if any(line.startswith(SKIP) for line in note_lines(s))]
    assert sum(s.minutes for s in skippable) >= 10, "les notes disent quoi sauter d'abord si le groupe est en retard"
    assert not any(is_pause(s) or s.kind == "activite" for s in skippable)


def test_every_objective_is_checked_by_a_quiz_or_an_activity(deck: Deck) -> None:
    checked = objectives_checked(deck)
    numbers = range(1, len(deck.meta.objectives) + 1)
    assert [deck.meta.objectives[n - 1] for n in numbers if n not in checked] == []
    assert set(checked) <= set(numbers), f"objectifs inconnus : {set(checked) - set(numbers)}"


def test_summary_sheet_is_short_enough_for_one_sheet_of_paper(deck: Deck) -> None:
    # Two A4 pages at most (both sides of one sheet, docs/authoring.md part 5): words are counted
    # here, pages in tests/browser/test_print.py.
    words = len(plain(deck.sheet_html).split())
    assert 120 <= words <= 450, words


def test_summary_sheet_helps_at_home_a_week_later(deck: Deck) -> None:
    sheet = deck.sheet_html
    for heading in ("Mes infos", "Ça ne marche pas ?", "À faire chez moi"):
        assert f"<h2>{heading}</h2>" in sheet, heading
    images = re.findall(r'<img [^>]*src="images/([^"]+)"', sheet)
    assert images and all(name.startswith(f"{deck.meta.number:02d}-") for name in images), images
    start = sheet.index("<h2>Mes infos</h2>")
    end = sheet.find("<h2>", start + 1)
    infos = sheet[start:end if end != -1 else None]
    assert "<table>" in infos and "……" in infos, "des lignes à remplir"
    assert re.search(r"jamais\W+(mon|mes) mots? de passe", " ".join(plain(infos).split())), "jamais le mot de passe"


def test_module_4_ends_with_three_tasks_done_without_help() -> None:
    deck = next(compile_file(p) for p in MODULES if compile_file(p).meta.number == 4)
    *_, one, two, three = deck.activities
    assert [s.title.split(" :")[0] for s in (one, two, three)] == ["Défi 1", "Défi 2", "Défi 3"]
    steps = plain(one.activity_html + two.activity_html + three.activity_html)
    assert "Wi-Fi" in steps and "horaires" in steps and "Installez" in steps
    # After the challenges, only the check « après » (revealed one by one) and polls: no new teaching.
    assert not [s for s in deck.slides if s.number > three.number and s.quiz and not s.quiz.is_poll
                and s.quiz.check != "apres"]
    assert deck.planned_minutes - sum(s.minutes for s in deck.slides[:one.number - 1]) <= 60


def test_safety_messages() -> None:
    decks = [compile_file(p) for p in MODULES]
    seen = {d.meta.number: " ".join(" ".join(plain(f) for f in seen_by_participants(d)).split()) for d in decks}
    assert "Itinérance des données" in seen[1]
    assert "33700" in seen[2] and "17cyber.gouv.fr" in seen[2]
    assert "Un .fr ne prouve rien" in seen[2]
    assert "Autoriser cette source" in seen[4] and "Annuler" in seen[4]
    sheet_4 = plain(next(d for d in decks if d.meta.number == 4).sheet_html)
    reflexes = sheet_4[sheet_4.index("Mes réflexes"):sheet_4.index("Mes infos")]
    assert "Autoriser cette source" in reflexes and "Annuler" in reflexes


def test_the_three_outcomes_are_covered() -> None:
    text = {compile_file(p).meta.number: Path(p).read_text(encoding="utf-8").lower() for p in MODULES}
    assert "wi-fi" in text[1] and "mot de passe" in text[1]
    assert "navigateur" in text[2] and "adresse" in text[2]
    assert "mots-clés" in text[3] or "mots clés" in text[3]
    assert "play store" in text[4] and "app store" in text[4] and "autorisation" in text[4]


def test_every_table_header_has_text(deck: Deck) -> None:
    # axe's empty-table-header: a screen reader announces each column by its header.
    fragments = [deck.sheet_html] + [s.html + s.activity_html + s.notes_html for s in deck.slides]
    assert [f for f in fragments if re.search(r"<th>\s*</th>", f)] == []
