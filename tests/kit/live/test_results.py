"""A session's results page and CSV: each question's tally, each participant's answers, judged by the key
except module 1's « avant » check items (issue 17, item 8)."""

from __future__ import annotations

import csv
import io

from kit.models import Role
from tests.factories import login, make_user

from .conftest import Live

A, P = "/animateur", "/participant"


def run_two_questions(live: Live) -> tuple[int, int]:
    """Awa and Bruno answer a « avant » item and question 10+ (revealed); Chloé joins and answers nothing."""
    before = next(q for q in live.deck.quizzes if q.check == "avant")
    quiz = live.deck.quizzes[live.quiz_number() - 1]
    wrong = next(i for i in range(len(quiz.choices)) if i not in quiz.correct)
    animator, awa, bruno = live.animator(), live.phone("Awa"), live.phone("Bruno")
    live.phone("Chloé")
    for number, awa_choice, bruno_choice in ((before.number, [before.correct[0]], [len(before.choices) - 1]),
                                             (quiz.number, list(quiz.correct), [wrong])):
        assert animator.emit("question", {"action": "open", "quiz": number}, namespace=A, callback=True)["ok"]
        assert awa.emit("answer", {"quiz": number, "choices": awa_choice}, namespace=P, callback=True)["ok"]
        assert bruno.emit("answer", {"quiz": number, "choices": bruno_choice}, namespace=P, callback=True)["ok"]
        assert animator.emit("question", {"action": "close", "quiz": number}, namespace=A, callback=True)["ok"]
    assert animator.emit("question", {"action": "reveal", "quiz": quiz.number}, namespace=A, callback=True)["ok"]
    return before.number, quiz.number


def test_the_results_page_tallies_and_judges_only_after_the_avant_check(live: Live) -> None:
    before, number = run_two_questions(live)
    quiz = live.deck.quizzes[number - 1]
    response = live.animator_http.get(f"/animateur/seances/{live.session_id}/resultats")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Réponses question par question" in html and quiz.question in html
    assert f"Q{before}<span class=\"check-tag\">avant</span>" in html
    assert "non corrigée" in html  # the « avant » item has no key shown
    assert "1 / 2" in html  # one of two answered question 10+ right
    for name in ("Awa", "Bruno", "Chloé"):
        assert f'<th scope="row">{name}</th>' in html
    assert html.count(", juste") == 1 and html.count(", faux") == 1  # the « avant » answers are not judged
    assert "sans réponse" in html  # Chloé
    assert f'href="/animateur/seances/{live.session_id}/resultats.csv"' in html


def test_the_csv_has_one_line_per_person_and_question(live: Live) -> None:
    before, number = run_two_questions(live)
    quiz = live.deck.quizzes[number - 1]
    response = live.animator_http.get(f"/animateur/seances/{live.session_id}/resultats.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # Excel reads the accents
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == ["participant", "presence", "question", "positionnement", "question_texte", "reponse",
                       "resultat", "bonne_reponse"]
    lines = {(r[0], int(r[2])): r for r in rows[1:]}
    assert len(lines) == 6  # 3 people × 2 questions
    key = ", ".join(quiz.choices[i].letter for i in quiz.correct)
    assert lines[("Awa", number)][6:] == ["juste", key]
    assert lines[("Bruno", number)][6] == "faux"
    assert lines[("Awa", before)][3:4] == ["avant"] and lines[("Awa", before)][6:] == ["sans jugement", ""]
    assert lines[("Chloé", number)][5:7] == ["", "sans réponse"]
    assert lines[("Awa", number)][1] == "Présent·e"


def test_results_before_any_question_and_for_a_bad_id(live: Live) -> None:
    page = live.animator_http.get(f"/animateur/seances/{live.session_id}/resultats")
    assert page.status_code == 200 and "Aucune question n'a encore été posée" in page.get_data(as_text=True)
    for path in ("resultats", "resultats.csv"):
        missing = live.animator_http.get(f"/animateur/seances/999999/{path}")
        assert missing.status_code == 404 and "Cette séance n&#39;existe pas" in missing.get_data(as_text=True)


def test_another_animator_gets_404_and_an_admin_sees_them(live: Live) -> None:
    run_two_questions(live)
    with live.app.app_context():
        make_user("autre@test.fr")
        make_user("admin@test.fr", role=Role.ADMIN.value)
    other, admin = live.app.test_client(), live.app.test_client()
    login(other, "autre@test.fr")
    login(admin, "admin@test.fr")
    for path in ("resultats", "resultats.csv"):
        assert other.get(f"/animateur/seances/{live.session_id}/{path}").status_code == 404
        assert admin.get(f"/animateur/seances/{live.session_id}/{path}").status_code == 200
