"""The server-drawn charts: well-formed SVG, labels and values present, bars scaled, empty data."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from flask import render_template_string

from kit.reports.charts import WIDTH, Bar, Bin, bar_chart, bins_for, fr_number, histogram, percent

NS = {"s": "http://www.w3.org/2000/svg"}


def parse(chart):  # type: ignore[no-untyped-def]
    return ET.fromstring(str(chart.svg))


def texts(root):  # type: ignore[no-untyped-def]
    return " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))


def test_bar_chart_is_labelled_well_formed_svg():
    chart = bar_chart([Bar("Groupe A", 0.5), Bar("Groupe <B> & co", 1.0)], title="Taux", desc="Deux groupes",
                      fmt=percent)
    root = parse(chart)
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"s:title[@id='{title_id}']", NS).text == "Taux"
    assert root.find(f"s:desc[@id='{desc_id}']", NS).text == "Deux groupes"
    assert "Groupe A" in texts(root) and "Groupe <B> & co" in texts(root)
    assert "50\u202f%" in texts(root) and "100\u202f%" in texts(root)
    assert "style=" not in str(chart.svg)
    assert chart.rows == (("Groupe A", "50\u202f%"), ("Groupe <B> & co", "100\u202f%"))


def test_bars_are_scaled_to_the_largest_value():
    chart = bar_chart([Bar("a", 2), Bar("b", 4)], title="t", desc="d")
    widths = [float(r.get("width")) for r in parse(chart).iter("{http://www.w3.org/2000/svg}rect")
              if "chart-bar-single" in (r.get("class") or "")]
    assert widths[1] == WIDTH - 230 - 150
    assert widths[0] * 2 == widths[1]


def test_max_value_fixes_the_scale():
    chart = bar_chart([Bar("a", 0.5)], title="t", desc="d", max_value=1.0)
    rect = next(r for r in parse(chart).iter("{http://www.w3.org/2000/svg}rect")
                if "chart-bar-single" in (r.get("class") or ""))
    assert float(rect.get("width")) == (WIDTH - 230 - 150) / 2


def test_pairs_are_hatched_and_told_apart_in_words():
    chart = bar_chart([Bar("Q1", 0.4, 0.8)], title="Avant, après", desc="d", series=("Avant", "Après"), fmt=percent)
    root = parse(chart)
    first = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if "chart-bar-first" in (r.get("class") or "")]
    assert first and all(r.get("fill", "").startswith("url(#") for r in first)
    assert "Avant 40\u202f%" in texts(root) and "Après 80\u202f%" in texts(root)
    assert chart.headers == ("", "Avant", "Après")
    assert chart.rows == (("Q1", "40\u202f%", "80\u202f%"),)


def test_a_suppressed_bar_shows_its_note_and_negative_values_go_left():
    chart = bar_chart([Bar("SIAE X", None, note="moins de 5 personnes"), Bar("SIAE Y", -1.0, interval=(-2.0, 0.5))],
                      title="Gain", desc="d")
    root = parse(chart)
    assert "moins de 5 personnes" in texts(root)
    assert chart.rows[0] == ("SIAE X", "moins de 5 personnes", "—")
    assert chart.rows[1] == ("SIAE Y", "−1", "−2 à 0")  # fr_number rounds 0.5 to 0 with no digits
    assert root.find(".//s:path[@class='chart-whisker']", NS) is not None


def test_empty_data_says_so():
    for chart in (bar_chart([], title="t", desc="d"), histogram([], title="h", desc="d"),
                  histogram([Bin("0", 0)], title="h", desc="d")):
        root = parse(chart)
        assert "Aucune donnée" in texts(root)
        assert chart.rows[0][0] == "Aucune donnée"


def test_histogram_counts_and_bins():
    bins = bins_for([-0.5, 0, 0.1, 0.25, 1.0], [-1, 0, 0.25, 0.5, 1.0])
    assert [b.count for b in bins] == [1, 2, 1, 1]
    chart = histogram(bins, title="Distribution", desc="d", x_label="Gain")
    root = parse(chart)
    heights = [float(r.get("height")) for r in root.iter("{http://www.w3.org/2000/svg}rect")
               if "chart-bar-single" in (r.get("class") or "")]
    assert heights[1] == 180 and heights[0] == 90
    assert chart.rows[1] == (bins[1].label, "2")


def test_long_labels_are_cut_readably():
    chart = bar_chart([Bar("Se connecter à un réseau Wi-Fi ou scanner un QR code de réseau sans fil public", 1)],
                      title="t", desc="d")
    spans = [s.text for s in parse(chart).iter("{http://www.w3.org/2000/svg}tspan")]
    assert len(spans) == 2 and spans[-1].endswith("…")
    assert all(len(s) <= 36 for s in spans)


def test_french_numbers():
    assert fr_number(12.345, 1) == "12,3" and fr_number(-3) == "−3" and fr_number(-0.01, 1) == "0,0"
    assert percent(0.725) == "72\u202f%" or percent(0.725) == "73\u202f%"


def test_macro_renders_the_table_beside_the_chart(app):
    chart = bar_chart([Bar("Groupe A", 3)], title="Participants", desc="d")
    with app.test_request_context():
        html = render_template_string('{% from "_charts.html" import chart %}{{ chart(c) }}', c=chart)
    assert "<svg" in html and "<table" in html and "<caption>Participants</caption>" in html
    assert '<th scope="row">Groupe A</th>' in html
