"""Compile one module's markdown into a Deck, or report every error at its line."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from .errors import DeckError, SourceError
from .evidence import check_items, parse_skills
from .frontmatter import parse_meta, split_front_matter
from .model import Deck, Image, Slide
from .quiz import IMAGE, parse_quiz
from .render import render_block
from .sections import Section, split_sections
from .text import Line, join

HEADING = re.compile(r"^#{1,3}\s+(.+?)\s*#*\s*$")
MINUTES = re.compile(r"^(\d+)\s*(min|mn|minutes?)?$", re.I)
IMAGE_NAME = re.compile(r"^[\w.-]+\.(svg|png|jpe?g|webp)$", re.I)
STYLES = ("", "titre")

ImageUrl = Callable[[str], str | None]


class _Compiler:
    """One compilation: collects errors instead of stopping at the first one."""

    def __init__(self, source: str, image_url: ImageUrl | None, skills: Collection[str] | None) -> None:
        self.source = source
        self.image_url = image_url
        self.skills = tuple(skills) if skills is not None else None
        self.check_lines: dict[int, int] = {}  # the line of each question's `Positionnement :`
        self.errors: list[SourceError] = []
        self.images: set[str] = set()

    def fail(self, line: int, message: str) -> None:
        self.errors.append(SourceError(self.source, line, message))

    def resolve(self, name: str, alt: str, line: int) -> Image | None:
        """Check an image reference and return it with the URL the app serves it at."""
        if not alt:
            self.fail(line, f"l'image « {name} » n'a pas de description : écrivez ![description]({name})")
        if not IMAGE_NAME.match(name):
            self.fail(line, f"image « {name} » refusée : donnez seulement le nom d'un fichier de modules/images "
                            "(.svg, .png, .jpg, .webp), sans adresse web")
            return None
        url = self.image_url(name) if self.image_url else name
        if url is None:
            self.fail(line, f"image introuvable : « {name} » n'est pas dans modules/images")
            return None
        self.images.add(name)
        return Image(url, alt)

    def markdown(self, lines: list[Line]) -> str:
        """Render lines to safe HTML, with image references checked and resolved."""
        prepared = []
        for line in lines:
            def swap(match: re.Match[str], line: Line = line) -> str:
                image = self.resolve(match.group(2), match.group(1).strip(), line.number)
                return f"![{match.group(1)}]({image.src})" if image else ""
            prepared.append(Line(line.number, IMAGE.sub(swap, line.text)))
        return render_block(join(prepared))

    def compile(self, text: str) -> Deck:
        lines = [Line(i, t) for i, t in enumerate(text.replace("\r\n", "\n").lstrip("\ufeff").split("\n"), 1)]
        raw, meta_line, body, lines_of = split_front_matter(lines, self.source, self.errors)
        meta = parse_meta(raw, meta_line, self.source, self.errors, lines_of)
        sections = split_sections(body, self.source, self.errors)
        slides: list[Slide] = []
        sheet_html = ""
        sheets = [s for s in sections if s.block("fiche")]
        for section in sections:
            if section.block("fiche"):
                sheet_html = self.sheet(section, section is sections[-1])
            else:
                slide = self.slide(section, len(slides) + 1, sum(1 for s in slides if s.quiz) + 1)
                if slide:
                    slides.append(slide)
        if not sections or not any(not s.block("fiche") for s in sections):
            self.fail(meta_line, "le module n'a aucune diapo")
        if len(sheets) != 1:
            self.fail(sheets[1].line if len(sheets) > 1 else meta_line,
                      "un module a exactement une fiche résumée « ::: fiche »")
        check_items(slides, meta.number, self.check_lines, self.fail)
        planned = sum(s.minutes for s in slides)
        expected = meta.minutes - meta.slack_minutes
        if meta.minutes and slides and planned != expected and len(slides) == len(sections) - len(sheets):
            slack = f" avec « marge: {meta.slack_minutes} »" if meta.slack_minutes else ""
            self.fail(meta_line, f"les durées des diapos font {planned} min, mais l'en-tête annonce "
                                 f"« durée: {meta.minutes} »{slack} : il faut {expected} min de diapos")
        if self.errors:
            raise DeckError(self.errors)
        return Deck(self.source, meta, tuple(slides), sheet_html, tuple(sorted(self.images)))

    def sheet(self, section: Section, is_last: bool) -> str:
        block = section.block("fiche")
        assert block is not None
        if not is_last:
            self.fail(section.line, "la fiche résumée « ::: fiche » doit être la dernière partie du module")
        if section.attributes:
            self.fail(section.line, "la fiche résumée n'a pas de durée ni de style")
        if any(line.text.strip() for line in section.content) or len(section.blocks) > 1:
            self.fail(section.line, "la partie de la fiche ne contient que le bloc « ::: fiche » : "
                                    "séparez la fiche de la diapo précédente par « --- »")
        return self.markdown(block.body)

    def slide(self, section: Section, number: int, quiz_number: int) -> Slide | None:
        before = len(self.errors)
        minutes = self.minutes(section)
        style, style_line = section.attributes.get("style", ("", section.line))
        if style not in STYLES:
            self.fail(style_line, f"style inconnu « {style} » (attendu : titre)")
        for name in ("notes", "activite"):
            extra = [b for b in section.blocks if b.name == name][1:]
            if extra:
                self.fail(extra[0].line, f"une diapo a au plus un bloc « {name} »")
        questions = [b for b in section.blocks if b.name in ("quiz", "sondage")]
        if len(questions) > 1:
            self.fail(questions[1].line, "une question a sa propre diapo : séparez les questions par « --- »")
        activity = section.block("activite")
        if questions and activity:
            self.fail(activity.line, "une diapo ne peut pas être à la fois un quiz et une activité")
        quiz = None
        if questions:
            q = questions[0]
            quiz = parse_quiz(q.name, q.variant, q.line, q.body, quiz_number, self.resolve, self.source, self.errors,
                              self.check_lines)
        skills = self.declared_skills(section, activity is not None)
        notes = section.block("notes")
        html = self.markdown(section.content)
        activity_html = self.markdown(activity.body) if activity else ""
        notes_html = self.markdown(notes.body) if notes else ""
        if len(self.errors) > before:
            return None
        kind = "quiz" if quiz else "activite" if activity else "contenu"
        return Slide(number=number, line=section.line, title=self.title(section, quiz, number), kind=kind,
                     style=style, minutes=minutes, html=html, notes_html=notes_html,
                     activity_html=activity_html, quiz=quiz, skills=skills)

    def declared_skills(self, section: Section, is_activity: bool) -> tuple[str, ...]:
        """The `compétences:` of an activity slide; an error on any other slide."""
        if "competences" not in section.attributes:
            return ()
        value, line = section.attributes["competences"]
        if not is_activity:
            self.fail(line, "« compétences: » va seulement sur une diapo qui a un bloc « ::: activité »")
            return ()
        return parse_skills(value, line, self.skills, self.fail)

    def minutes(self, section: Section) -> int:
        if "duree" not in section.attributes:
            self.fail(section.line, "la diapo n'a pas de durée : ajoutez une ligne « durée: 5 » en haut de la diapo")
            return 0
        value, line = section.attributes["duree"]
        match = MINUTES.match(value)
        if not match or not 1 <= int(match.group(1)) <= 120:
            self.fail(line, f"durée incorrecte « {value} » : un nombre de minutes entre 1 et 120")
            return 0
        return int(match.group(1))

    @staticmethod
    def title(section: Section, quiz: object, number: int) -> str:
        in_code = False
        for line in section.content:
            if line.text.strip().startswith(("```", "~~~")):
                in_code = not in_code
            match = None if in_code else HEADING.match(line.text.strip())
            if match:
                return re.sub(r"[*_`]", "", match.group(1)).strip()
        question = getattr(quiz, "question", "")
        return re.sub(r"[*_`]", "", question) if question else f"Diapo {number}"


def compile_deck(text: str, source: str = "<module>", *, image_url: ImageUrl | None = None,
                 skills: Collection[str] | None = None) -> Deck:
    """Compile one module's markdown.

    `image_url` maps an image file name to the URL it is served at, or None when
    the image does not exist. `skills` are the skill ids an activity may declare in
    `compétences:` (kit passes the diagnostic guide's task ids); None checks only
    their shape. Raises DeckError listing every `file:line: message`.
    """
    return _Compiler(source, image_url, skills).compile(text)
