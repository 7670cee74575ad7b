"""Cutting a module's body into sections (slides, summary sheet) and their blocks.

A section is what lies between two `---` lines. Its top-level `::: name` blocks
(notes, quiz, activité, fiche) are taken out here; the editors' boxes (iphone,
astuce…) stay in the markdown and are rendered by the callout extension.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .callouts import CALLOUT_TITLES
from .errors import SourceError
from .text import Line, fold

OPEN = re.compile(r"^:::\s*(\w[\w-]*)(?:\s+(\w[\w-]*))?\s*$")
CLOSE = re.compile(r"^:::\s*$")
FENCE = re.compile(r"^(```|~~~)")
ATTRIBUTE = re.compile(r"^([\w-]+)\s*:\s*(.*?)\s*$")

STRUCTURAL = ("notes", "quiz", "sondage", "activite", "fiche")
SLIDE_ATTRIBUTES = ("duree", "style", "competences")
KNOWN = "attendu : notes, quiz, sondage, activité, fiche, iphone, android, astuce, attention"


@dataclass
class Block:
    """A top-level `::: name variant` … `:::` block of a section."""

    name: str
    variant: str
    line: int
    body: list[Line] = field(default_factory=list)


@dataclass
class Section:
    """The lines between two `---` separators."""

    line: int
    attributes: dict[str, tuple[str, int]] = field(default_factory=dict)
    content: list[Line] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)

    def block(self, name: str) -> Block | None:
        """The first block of this name, if any."""
        return next((b for b in self.blocks if b.name == name), None)


def split_sections(lines: list[Line], source: str, errors: list[SourceError]) -> list[Section]:
    """Split the body on `---` lines that are outside code and `:::` blocks."""
    chunks: list[list[Line]] = [[]]
    depth = 0
    in_code = False
    for line in lines:
        stripped = line.text.strip()
        if FENCE.match(stripped):
            in_code = not in_code
        elif not in_code and OPEN.match(stripped):
            depth += 1
        elif not in_code and CLOSE.match(stripped):
            depth = max(0, depth - 1)
        elif not in_code and depth == 0 and stripped == "---":
            chunks.append([])
            continue
        chunks[-1].append(line)
    sections = []
    for chunk in chunks:
        if any(line.text.strip() for line in chunk):
            sections.append(_parse_section(chunk, source, errors))
    return sections


def _parse_section(lines: list[Line], source: str, errors: list[SourceError]) -> Section:
    first = next(line for line in lines if line.text.strip())
    section = Section(line=first.number)
    index = _read_attributes(lines, section, source, errors)
    _read_blocks(lines[index:], section, source, errors)
    return section


def _read_attributes(lines: list[Line], section: Section, source: str, errors: list[SourceError]) -> int:
    """Read the `durée: 5` lines at the top of a section; return where content starts."""
    for index, line in enumerate(lines):
        if not line.text.strip():
            continue
        match = ATTRIBUTE.match(line.text.strip())
        if not match or fold(match.group(1)) not in SLIDE_ATTRIBUTES:
            return index
        key = fold(match.group(1))
        if key in section.attributes:
            errors.append(SourceError(source, line.number, f"« {match.group(1)} » est écrit deux fois"))
        section.attributes[key] = (match.group(2), line.number)
    return len(lines)


def _read_blocks(lines: list[Line], section: Section, source: str, errors: list[SourceError]) -> None:
    """Take structural blocks out of the content, checking every `:::` pairs up."""
    stack: list[Block] = []  # open blocks, outermost first; callouts are Blocks too
    in_code = False
    for line in lines:
        stripped = line.text.strip()
        if FENCE.match(stripped):
            in_code = not in_code
        opened = None if in_code else OPEN.match(stripped)
        closed = None if in_code else CLOSE.match(stripped)
        if opened:
            name = fold(opened.group(1))
            variant = fold(opened.group(2) or "")
            if name not in STRUCTURAL and name not in CALLOUT_TITLES:
                errors.append(SourceError(source, line.number, f"bloc inconnu « ::: {opened.group(1)} » ({KNOWN})"))
            elif name in STRUCTURAL and stack:
                errors.append(SourceError(source, line.number, f"le bloc « {name} » ne peut pas être dans un autre "
                                          f"bloc : fermez d'abord le bloc ouvert ligne {stack[0].line} avec « ::: »"))
            elif name in CALLOUT_TITLES and any(b.name in CALLOUT_TITLES for b in stack):
                errors.append(SourceError(source, line.number, "un encadré ne peut pas être dans un autre encadré"))
            block = Block(name, variant, line.number)
            if stack:
                stack[0].body.append(line)
            elif name not in STRUCTURAL:
                section.content.append(line)
            stack.append(block)
            if not stack[:-1] and name in STRUCTURAL:
                section.blocks.append(block)
            continue
        if closed:
            if not stack:
                errors.append(SourceError(source, line.number, "« ::: » ferme un bloc qui n'a pas été ouvert"))
                continue
            done = stack.pop()
            if stack:
                stack[0].body.append(line)
            elif done.name not in STRUCTURAL:
                section.content.append(line)
            continue
        if stack and stack[0].name in STRUCTURAL:
            stack[0].body.append(line)
        else:
            section.content.append(line)
    for block in stack:
        message = f"le bloc « ::: {block.name} » n'est pas fermé : ajoutez une ligne « ::: »"
        errors.append(SourceError(source, block.line, message))
