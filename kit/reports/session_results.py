"""The results of one session, for its animator: each question's tally, and each participant's answers.

A question counts here once it was opened in the session (or got an answer, entered aloud). An answer is
judged right or wrong against the module's key, except for polls (no right answer) and module 1's « avant »
check items: never revealed, they measure where the group starts, not what it got right.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import sqlalchemy as sa

from kit.content.library import deck_for
from kit.extensions import db
from kit.models import Answer, Attendance, Participant, SessionQuestion, TrainingSession
from kit.reports.rules import STATE_LABELS, attendance_state
from slides.model import Quiz

RIGHT, WRONG, UNJUDGED = "juste", "faux", "sans jugement"


@dataclass(frozen=True)
class QuestionTally:
    """One question asked in the session: how many picked each choice."""

    quiz: Quiz
    state: str | None  # open, closed, revealed; None if only answers entered aloud exist
    counts: list[int]
    answered: int
    right: int  # answers exactly the key (0 when not judged)

    @property
    def judged(self) -> bool:
        """Right or wrong make sense: not a poll, not a « avant » check item."""
        return not self.quiz.is_poll and self.quiz.check != "avant"

    @property
    def key(self) -> str:
        """The right letters, or "" when not judged."""
        return letters(self.quiz, list(self.quiz.correct)) if self.judged else ""


@dataclass(frozen=True)
class PersonAnswer:
    """A participant's answer to one question: its letters, and right/wrong/unjudged."""

    letters: str
    verdict: str


@dataclass(frozen=True)
class PersonLine:
    """One participant: their attendance and their answer to each question (None: no answer)."""

    participant: Participant
    state: str
    answers: list[PersonAnswer | None]

    @property
    def right(self) -> int:
        """How many judged answers were right."""
        return sum(1 for a in self.answers if a and a.verdict == RIGHT)


@dataclass(frozen=True)
class SessionResults:
    """Everything the results page and its CSV show."""

    session: TrainingSession
    title: str
    module_number: int
    questions: list[QuestionTally]
    people: list[PersonLine]

    @property
    def judged_count(self) -> int:
        """How many questions have a right answer."""
        return sum(1 for q in self.questions if q.judged)


def verdict(quiz: Quiz, choices: list[int]) -> str:
    """Right or wrong against the key; unjudged for a poll or a « avant » item."""
    if quiz.is_poll or quiz.check == "avant":
        return UNJUDGED
    return RIGHT if sorted(choices) == sorted(quiz.correct) else WRONG


def letters(quiz: Quiz, choices: list[int]) -> str:
    """« A, C »: the letters of the choices (a removed choice shows as « ? »)."""
    return ", ".join(quiz.choices[i].letter if 0 <= i < len(quiz.choices) else "?" for i in choices)


def session_results(live: TrainingSession) -> SessionResults:
    """Tally the session's answers, question by question and person by person."""
    deck = deck_for(live.revision)
    rows_q = db.session.execute(sa.select(SessionQuestion.quiz_number, SessionQuestion.state)
                                .where(SessionQuestion.session_id == live.id)).all()
    states: dict[int, str] = {number: state for number, state in rows_q}
    answers = db.session.scalars(sa.select(Answer).where(Answer.session_id == live.id)).all()
    asked = set(states) | {a.quiz_number for a in answers}
    quizzes = [q for q in deck.quizzes if q.number in asked]
    by_key = {(a.participant_id, a.quiz_number): a for a in answers}
    rows = db.session.scalars(sa.select(Attendance).where(Attendance.session_id == live.id)).all()
    attendance = {r.participant_id: r for r in rows}
    ids = set(attendance) | {a.participant_id for a in answers}
    people = db.session.scalars(sa.select(Participant).where(Participant.id.in_(ids))).all() if ids else []
    tallies = []
    for quiz in quizzes:
        counts = [0] * len(quiz.choices)
        picked = [a for a in answers if a.quiz_number == quiz.number]
        for answer in picked:
            for i in answer.choices:
                if 0 <= i < len(counts):
                    counts[i] += 1
        tallies.append(QuestionTally(quiz, states.get(quiz.number), counts, len(picked),
                                     sum(1 for a in picked if verdict(quiz, a.choices) == RIGHT)))
    lines = []
    for person in sorted(people, key=lambda p: p.nickname_key):
        row = attendance.get(person.id)
        state = attendance_state(row.present, row.excused) if row else attendance_state(None, None)
        mine: list[PersonAnswer | None] = []
        for quiz in quizzes:
            given = by_key.get((person.id, quiz.number))
            mine.append(PersonAnswer(letters(quiz, given.choices), verdict(quiz, given.choices)) if given else None)
        lines.append(PersonLine(person, state, mine))
    return SessionResults(live, deck.meta.title, deck.meta.number, tallies, lines)


def results_csv(results: SessionResults) -> str:
    """One line per participant and question asked, for a spreadsheet (semicolons, as French Excel expects)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["participant", "presence", "question", "positionnement", "question_texte", "reponse",
                     "resultat", "bonne_reponse"])
    for line in results.people:
        for tally, answer in zip(results.questions, line.answers, strict=True):
            quiz = tally.quiz
            writer.writerow([_cell(line.participant.nickname), STATE_LABELS[line.state], quiz.number,
                             quiz.check or "", _cell(quiz.question), answer.letters if answer else "",
                             answer.verdict if answer else "sans réponse", tally.key])
    return out.getvalue()


def _cell(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
