"""The frozen data a compiled deck is made of."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

QUIZ_KINDS = ("unique", "multiple", "vrai-faux", "sondage")
LETTERS = "ABCDEF"


@dataclass(frozen=True)
class Image:
    """An image resolved to a URL the app serves; `alt` is always present."""

    src: str
    alt: str


@dataclass(frozen=True)
class Competence:
    """A competence of a reference framework (Pix or DigComp) that a module covers."""

    framework: str
    code: str
    label: str

    def __str__(self) -> str:
        return f"{self.framework} {self.code} : {self.label}"


@dataclass(frozen=True)
class ModuleMeta:
    """What the front matter of a module declares."""

    title: str
    number: int
    minutes: int
    objectives: tuple[str, ...]
    competences: tuple[Competence, ...]
    slack_minutes: int = 0  # `marge`: minutes of `durée` left free of slides, for a late group


@dataclass(frozen=True)
class Choice:
    """One answer of a question; `html` is sanitized inline HTML."""

    letter: str
    html: str
    text: str
    image: Image | None = None


@dataclass(frozen=True)
class Quiz:
    """A question asked to the participants' phones.

    `correct` and `explanation_html` are the answer key: they must only leave the
    server once the animator reveals the answer, so `public()` leaves them out.
    """

    number: int
    kind: str
    question: str
    question_html: str
    choices: tuple[Choice, ...]
    correct: tuple[int, ...]
    explanation_html: str
    image: Image | None = None
    timer_seconds: int | None = None
    # The before/after check (« positionnement »): "avant" (module 1, never revealed) or "apres" (module 4),
    # and the item id that pairs a participant's two answers to the same skill. None for an ordinary quiz.
    check: str | None = None
    check_item: str | None = None

    @property
    def is_poll(self) -> bool:
        """Polls have no right answer."""
        return self.kind == "sondage"

    @property
    def multiple(self) -> bool:
        """Whether a participant may tick several answers."""
        return self.kind == "multiple"

    def public(self) -> dict[str, Any]:
        """The question as phones and the projector may see it before the reveal."""
        return {
            "number": self.number,
            "kind": self.kind,
            "question_html": self.question_html,
            "multiple": self.multiple,
            "image": _image_dict(self.image),
            "timer_seconds": self.timer_seconds,
            "choices": [
                {"letter": c.letter, "html": c.html, "image": _image_dict(c.image)}
                for c in self.choices
            ],
        }

    def key(self) -> dict[str, Any]:
        """The answer key: to the animators' windows at all times, to the phones only once revealed."""
        return {"correct": list(self.correct), "explanation_html": self.explanation_html}


def _image_dict(image: Image | None) -> dict[str, str] | None:
    return {"src": image.src, "alt": image.alt} if image else None


@dataclass(frozen=True)
class Slide:
    """One projected slide, with the animator's notes and its planned minutes."""

    number: int
    line: int
    title: str
    kind: str  # "contenu", "quiz" or "activite"
    style: str  # "" or "titre"
    minutes: int
    html: str
    notes_html: str = ""
    activity_html: str = ""
    quiz: Quiz | None = None
    # The skills an activity practises, by the diagnostic's task ids (kit/evidence/skills.py):
    # the presenter's observation grid shows them.
    skills: tuple[str, ...] = ()


@dataclass(frozen=True)
class Deck:
    """A compiled module: its metadata, its slides and its summary sheet."""

    source: str
    meta: ModuleMeta
    slides: tuple[Slide, ...]
    sheet_html: str
    images: tuple[str, ...] = field(default=())

    @property
    def planned_minutes(self) -> int:
        """The sum of the slides' planned minutes."""
        return sum(s.minutes for s in self.slides)

    @cached_property  # read at every answer and move of a live session: a deck never changes
    def quizzes(self) -> tuple[Quiz, ...]:
        """Every question of the deck, polls included, in order."""
        return tuple(s.quiz for s in self.slides if s.quiz)

    @property
    def activities(self) -> tuple[Slide, ...]:
        """The hands-on activity slides."""
        return tuple(s for s in self.slides if s.kind == "activite")
