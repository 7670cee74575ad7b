"""Reading a `::: quiz` or `::: sondage` block into a Quiz."""

from __future__ import annotations

import re
from collections.abc import Callable

from .errors import SourceError
from .evidence import parse_check
from .model import LETTERS, Choice, Image, Quiz
from .render import render_block, render_inline
from .text import Line, fold

IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*([^)\s]+)(?:\s+\"[^\"]*\")?\s*\)")
LEADING_IMAGE = re.compile(r"^" + IMAGE.pattern + r"\s*(.*)$")
ANSWER = re.compile(r"^[-*]\s*\[([ xX])\]\s*(.*)$")
FIELD = re.compile(r"^(\w+)\s*:\s*(.*)$")
TIMER = re.compile(r"^(\d+)\s*(s|sec|secondes?)?$", re.I)

VARIANTS = {("quiz", ""): "unique", ("quiz", "multiple"): "multiple",
            ("quiz", "vrai-faux"): "vrai-faux", ("sondage", ""): "sondage"}

ImageResolver = Callable[[str, str, int], Image | None]


def parse_quiz(
    name: str, variant: str, opening_line: int, body: list[Line], number: int,
    resolve: ImageResolver, source: str, errors: list[SourceError], check_lines: dict[int, int] | None = None,
) -> Quiz | None:
    """Build a Quiz from the block's lines, or record why it cannot be built.

    `check_lines` receives the line of its `Positionnement :`, by question number, if it has one.
    """
    before = len(errors)

    def fail(line: int, message: str) -> None:
        errors.append(SourceError(source, line, message))

    kind = VARIANTS.get((name, variant))
    if kind is None:
        fail(opening_line, f"sorte de question inconnue « {variant} » (attendu : ::: quiz, ::: quiz multiple, "
                           "::: quiz vrai-faux ou ::: sondage)")
        return None
    question = ""
    image: Image | None = None
    answers: list[tuple[bool, str, Image | None, int]] = []
    explanation: list[str] = []
    timer: int | None = None
    check: tuple[str, str] | None = None
    check_line = 0
    in_explanation = False
    for line in body:
        text = line.text.strip()
        if not text:
            continue
        answer = ANSWER.match(text)
        field = FIELD.match(text)
        key, value = (fold(field.group(1)), field.group(2)) if field else ("", "")
        if answer:
            in_explanation = False
            answers.append((answer.group(1) != " ", *_answer_body(answer.group(2), line, resolve, fail)))
        elif key == "question":
            question = value.strip()
            if not question:
                fail(line.number, "« Question : » est vide")
        elif key == "explication":
            explanation.append(value)
            in_explanation = True
        elif key == "minuteur":
            match = TIMER.match(value.strip())
            if match and 5 <= int(match.group(1)) <= 600:
                timer = int(match.group(1))
            else:
                fail(line.number, "« Minuteur : » doit être un nombre de secondes entre 5 et 600")
        elif key == "positionnement":
            in_explanation = False
            if check_line:
                fail(line.number, f"« Positionnement : » est déjà écrit ligne {check_line}")
            elif kind == "sondage":
                fail(line.number, "un sondage ne sert pas au positionnement : il n'a pas de bonne réponse "
                                  "(écrivez « ::: quiz »)")
            else:
                check = parse_check(value, line.number, fail)
            check_line = check_line or line.number
        elif image_match := IMAGE.fullmatch(text):
            image = _image(image_match, line, resolve)
        elif in_explanation:
            explanation.append(text)
        else:
            fail(line.number, f"ligne non reconnue dans la question : « {text[:40]} » (attendu : Question :, "
                              "une réponse « - [ ] … », une image, Explication :, Minuteur : ou Positionnement :)")
    if not question:
        fail(opening_line, "la question n'a pas de ligne « Question : … »")
    _check_answers(kind, answers, opening_line, fail)
    if kind != "sondage" and not " ".join(explanation).strip():
        fail(opening_line, "un quiz doit avoir une « Explication : … »")
    if len(errors) > before:
        return None
    if check and check_lines is not None:
        check_lines[number] = check_line
    choices = tuple(Choice(LETTERS[i], render_inline(text), text, img) for i, (_, text, img, _) in enumerate(answers))
    return Quiz(
        number=number, kind=kind, question=question, question_html=render_inline(question), choices=choices,
        correct=tuple(i for i, (ok, *_rest) in enumerate(answers) if ok),
        explanation_html=render_block("\n".join(explanation).strip()), image=image, timer_seconds=timer,
        check=check[0] if check else None, check_item=check[1] if check else None,
    )


def _answer_body(text: str, line: Line, resolve: ImageResolver, fail: Callable[[int, str], None]
                 ) -> tuple[str, Image | None, int]:
    match = LEADING_IMAGE.match(text.strip())
    image = _image(match, line, resolve) if match else None
    label = (match.group(3) if match else text).strip()
    if not label and image:
        label = image.alt
    if not label:
        fail(line.number, "une réponse est vide")
    return label, image, line.number


def _image(match: re.Match[str], line: Line, resolve: ImageResolver) -> Image | None:
    return resolve(match.group(2), match.group(1).strip(), line.number)


def _check_answers(kind: str, answers: list[tuple[bool, str, Image | None, int]], line: int,
                   fail: Callable[[int, str], None]) -> None:
    count = len(answers)
    right = sum(1 for ok, *_ in answers if ok)
    if not 2 <= count <= len(LETTERS):
        fail(line, f"une question a de 2 à {len(LETTERS)} réponses « - [ ] … » (ici : {count})")
    if kind == "unique" and right != 1:
        fail(line, f"un quiz a exactement une bonne réponse « - [x] » (ici : {right}) ; "
                   "pour plusieurs bonnes réponses, écrivez « ::: quiz multiple »")
    elif kind == "multiple" and right < 1:
        fail(line, "un quiz multiple a au moins une bonne réponse « - [x] »")
    elif kind == "sondage" and right:
        fail(line, "un sondage n'a pas de bonne réponse : écrivez toutes les réponses avec « - [ ] »")
    elif kind == "vrai-faux":
        labels = [fold(text) for _, text, *_ in answers]
        if labels != ["vrai", "faux"] or right != 1:
            fail(line, "un quiz vrai-faux a deux réponses, « Vrai » puis « Faux », et une seule « - [x] »")
