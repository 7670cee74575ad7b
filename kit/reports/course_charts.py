"""The course's figures as the monthly CSV's columns, and drawn as accessible charts (kit/reports/charts.py)."""

from __future__ import annotations

from collections.abc import Sequence

from kit.reports.charts import Bar, Chart, bar_chart
from kit.reports.enrolment_figures import CourseFigures

# The CSV's columns of the course between SIAE (issue 15), appended after the older ones.
COURSE_COLUMNS = (
    ("formation_inscrits", "Salariés inscrits à une formation par la structure (place obtenue dans le mois)"),
    ("formation_venus", "Salariés inscrits venus à au moins une demi-journée du mois"),
    ("formation_terminee", "Salariés inscrits qui ont terminé les 4 demi-journées dans le mois"),
    ("heures_animees", "Heures de formation animées par les animateurs de la structure (pour leur paiement)"),
    ("places_attendues", "Places attendues (inscrits × demi-journées du mois)"),
    ("absences", "Absences (non excusées)"),
    ("taux_absence", "Taux d'absence (%)"),
    ("excuses", "Absences excusées"),
    ("delai_orientation_jours", "Délai médian de l'orientation à la première demi-journée suivie (jours)"),
)


def decimal(value: float | None) -> str:
    """« 12,5 », or « — » when there is nothing to count (French spreadsheets read a decimal comma)."""
    return "—" if value is None else f"{round(value, 1):g}".replace(".", ",")


def course_row(courses: CourseFigures) -> dict[str, str | int]:
    """The course's columns of a CSV row (one SIAE, or a region's sum)."""
    rate = courses.no_show_rate
    return {"formation_inscrits": courses.enrolled, "formation_venus": courses.attended,
            "formation_terminee": courses.completed, "heures_animees": decimal(courses.animator_hours),
            "places_attendues": courses.expected, "absences": courses.no_shows,
            "taux_absence": decimal(None if rate is None else rate * 100), "excuses": courses.excused,
            "delai_orientation_jours": decimal(courses.median_wait_days)}


def people_chart(courses: CourseFigures, where: str) -> Chart:
    """Enrolled → attended → completed: the month's funnel of one SIAE (or a region)."""
    bars = [Bar("Inscrit·es (place obtenue dans le mois)", courses.enrolled),
            Bar("Venu·es à au moins une demi-journée", courses.attended),
            Bar("Formation terminée (4 demi-journées)", courses.completed)]
    return bar_chart(bars, title=f"Salarié·es et formation, {where}", value_header="Personnes",
                     desc=f"{courses.enrolled} inscrit·es, {courses.attended} venu·es, "
                          f"{courses.completed} formation terminée.", chart_id="formation-personnes")


def seats_chart(courses: CourseFigures, where: str) -> Chart:
    """The half-days expected, and of them the absences and the excused ones."""
    bars = [Bar("Places attendues (inscrit·es × demi-journées)", courses.expected),
            Bar("Absences non excusées", courses.no_shows), Bar("Absences excusées", courses.excused)]
    return bar_chart(bars, title=f"Présence aux demi-journées, {where}", value_header="Demi-journées",
                     desc=f"{courses.expected} places attendues, {courses.no_shows} absences, "
                          f"{courses.excused} excusées.", chart_id="formation-places")


def region_chart(regions: Sequence[tuple[str, CourseFigures]], month: str) -> Chart:
    """Per region: enrolled (hatched) and attended, side by side."""
    bars = [Bar(region, c.enrolled, c.attended) for region, c in regions]
    return bar_chart(bars, title=f"Formation entre SIAE par région, {month}", series=("Inscrit·es", "Venu·es"),
                     desc="; ".join(f"{r} : {c.enrolled} inscrit·es, {c.attended} venu·es" for r, c in regions)
                     or "Aucune région.", chart_id="formation-regions")
