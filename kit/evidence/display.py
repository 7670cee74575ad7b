"""The evaluation as people read it: French numbers, the charts, and the CSV rows (one per aggregate, per item).

Nothing is computed here that kit/evidence/evaluation.py did not already decide to show: a None figure
is written « moins de 5 personnes » (stats.SUPPRESSED), never a number.
"""

from __future__ import annotations

from collections.abc import Iterator

from kit.evidence.evaluation import Cell, Evaluation, ItemRow
from kit.evidence.stats import SUPPRESSED, Estimate, Side, shown
from kit.reports.charts import Bar, Bin, Chart, bar_chart, fr_number, histogram, percent

BREAKDOWN_TITLES = {"structure": "Par structure", "animateur": "Par animateur·rice", "groupe": "Par groupe"}


def points(value: float | None) -> str:
    """A gain (−1 to 1) in points: « +23 pts »; None: suppressed."""
    if value is None:
        return SUPPRESSED
    return ("+" if value > 0.0005 else "") + fr_number(value * 100) + " pts"


def gain_text(gain: Estimate) -> str:
    """« +23 pts [12 ; 34] » or without the interval."""
    if gain.mean is None:
        return SUPPRESSED
    if gain.low is None or gain.high is None:
        return points(gain.mean)
    return f"{points(gain.mean)} [{fr_number(gain.low * 100)} ; {fr_number(gain.high * 100)}]"


def rate(value: float | None) -> str:
    return SUPPRESSED if value is None else percent(value)


def side_rate(found: Side) -> str:
    """An item side's rate of right answers, with its count; not shown under MIN_PEOPLE answers."""
    if not found.answered:
        return "—"
    if not shown(found.answered):
        return SUPPRESSED
    return f"{percent(found.rate or 0)} ({found.right}/{found.answered})"


def chosen_parts(item: ItemRow, found: Side) -> list[str]:
    """["A 3", "B ✓ 5", "C 1"] : counts per choice, the right one marked; [] under MIN_PEOPLE answers."""
    if not shown(found.answered):
        return []
    letters = [choice.split(".", 1)[0] for choice in item.choices]
    return [f"{letter}{' ✓' if i in item.correct else ''} {found.chosen[i]}" for i, letter in enumerate(letters)]


def chosen_text(item: ItemRow, found: Side) -> str:
    """« A 3 · B ✓ 5 · C 1 », or why not."""
    if not shown(found.answered):
        return "—" if not found.answered else SUPPRESSED
    return " · ".join(chosen_parts(item, found))


def gain_chart(evaluation: Evaluation, breakdown: str = "structure") -> Chart:
    """The mean gain, with its interval, for the whole scope and each cell of a breakdown."""
    def bar(label: str, gain: Estimate, hidden: bool = False) -> Bar:
        if hidden or gain.mean is None:
            return Bar(label, None, note=SUPPRESSED if hidden or gain.n else "aucune paire")
        interval = (gain.low * 100, gain.high * 100) if gain.low is not None and gain.high is not None else None
        return Bar(label, gain.mean * 100, interval=interval)

    bars = [bar("Ensemble", evaluation.gain)] if evaluation.gain.n else []
    bars += [bar(cell.label, cell.gain, cell.hidden) for cell in evaluation.breakdowns.get(breakdown, ())]
    return bar_chart(bars, title="Gain moyen avant → après, en points", chart_id="gain",
                     desc="Pour chaque ligne, le gain moyen entre le positionnement du module 1 et celui du "
                          "module 4, en points de pourcentage, avec son intervalle de confiance à 95 %.",
                     fmt=lambda v: ("+" if v > 0.05 else "") + fr_number(v) + " pts", value_header="Gain moyen",
                     label_header="Périmètre")


def distribution_chart(evaluation: Evaluation) -> Chart:
    return histogram([Bin(label, count) for label, count in evaluation.distribution],
                     title="Distribution des gains", chart_id="distribution", x_label="Gain, en points",
                     desc="Nombre de personnes par tranche de gain entre le positionnement avant et après.")


def skills_chart(evaluation: Evaluation) -> Chart:
    bars = [Bar(skill.label + (" (objectif)" if skill.outcome else ""), skill.rate,
                note=SUPPRESSED if skill.observed else "pas observée") for skill in evaluation.skills]
    return bar_chart(bars, title="Compétences observées « seul »", chart_id="competences", max_value=1.0, fmt=percent,
                     value_header="Part « seul »", label_header="Compétence",
                     desc="Pour chaque compétence, la part des personnes observées qui l'ont faite seules au "
                          "moins une fois.")


def items_chart(evaluation: Evaluation) -> Chart:
    bars = []
    for item in evaluation.items:
        before = item.before.rate if shown(item.before.answered) else None
        after = item.after.rate if shown(item.after.answered) else None
        bars.append(Bar(item.id, before, after, note=SUPPRESSED))
    return bar_chart(bars, title="Bonnes réponses par question, avant et après", chart_id="questions",
                     series=("Avant", "Après"), max_value=1.0, fmt=percent, label_header="Question",
                     desc="Pour chaque question du positionnement (par son identifiant), la part de bonnes "
                          "réponses au module 1 (hachuré) et au module 4 (plein).")


AGGREGATE_COLUMNS = ("niveau", "libelle", "personnes", "parcours_termines", "taux_de_parcours_termines",
                     "paires", "gain_moyen_points", "ic95_bas", "ic95_haut")
ITEM_COLUMNS = ("question_id", "question", "reponses_avant", "bonnes_avant", "taux_avant", "reponses_apres",
                "bonnes_apres", "taux_apres", "choix_avant", "choix_apres", "signal")


def _num(value: float | None, scale: float = 100) -> str:
    return SUPPRESSED if value is None else fr_number(value * scale, 1)


def aggregate_rows(evaluation: Evaluation) -> Iterator[list[str]]:
    """One row for the whole scope, then one per cell of each breakdown; hidden cells say so."""
    gain = evaluation.gain
    if evaluation.visible:
        yield ["ensemble", "Ensemble", str(evaluation.people), str(evaluation.completed),
               _num(evaluation.completion), str(gain.n), _num(gain.mean), _num(gain.low), _num(gain.high)]
    else:
        yield ["ensemble", "Ensemble", SUPPRESSED, *[""] * 6]
    for name, cells in evaluation.breakdowns.items():
        for cell in cells:
            yield _cell_row(name, cell)
    for skill in evaluation.skills:
        yield ["competence", f"{skill.label} — part observée « seul »",
               str(skill.observed) if shown(skill.observed) else SUPPRESSED, "", _num(skill.rate), "", "", "", ""]


def _cell_row(name: str, cell: Cell) -> list[str]:
    if cell.hidden:
        return [name, cell.label, SUPPRESSED, "", "", "", "", "", ""]
    gain = cell.gain
    return [name, cell.label, str(cell.people), str(cell.completed), _num(cell.completion), str(gain.n),
            _num(gain.mean) if gain.n else "", _num(gain.low) if gain.low is not None else "",
            _num(gain.high) if gain.high is not None else ""]


def item_rows(evaluation: Evaluation) -> Iterator[list[str]]:
    """One row per check item."""
    for item in evaluation.items:
        cells = [item.id, item.question]
        for found in (item.before, item.after):
            visible = shown(found.answered)
            cells += [str(found.answered) if visible else SUPPRESSED, str(found.right) if visible else "",
                      _num(found.rate) if visible else ""]
        cells += [chosen_text(item, item.before), chosen_text(item, item.after), " ; ".join(item.flags)]
        yield cells
