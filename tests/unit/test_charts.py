"""The SVG charts: accessible, readable without colour, escaped, no inline styles."""

import xml.etree.ElementTree as ET

from cs_handbook.charts import bar_chart, histogram, score_bins

SVG = "{http://www.w3.org/2000/svg}"


def test_bar_chart_is_accessible_and_labelled():
    svg = bar_chart("p", "进度", [("甲", 25), ("乙", None), ("丙", 80.5)], flag_below=50, empty="未入职")
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "进度"
    assert root.get("aria-label") == "进度: 甲: 25%; 乙: 未入职; 丙: 80.5%"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["甲", "25%", "乙", "未入职", "丙", "80.5%"]
    bars = [r for r in root.iter(f"{SVG}rect") if "chart-bar" in (r.get("class") or "")]
    # Below the flag the bar is cross-hatched, not only differently coloured.
    assert [b.get("fill") for b in bars] == ["url(#p-cross)", "url(#p-hatch)"]
    assert [float(b.get("width")) for b in bars] == [80.0, 257.6]
    assert "style=" not in svg


def test_text_is_escaped():
    svg = bar_chart("x", "<b>", [("<script>", 1)])
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ET.fromstring(svg)


def test_histogram_writes_counts_on_bars():
    root = ET.fromstring(histogram("h", "分布", [("0–50", 3), ("50–100", 0)], x_label="分", y_label="人"))
    assert root.get("aria-label") == "分布: 0–50: 3; 50–100: 0"
    assert [t.text for t in root.iter(f"{SVG}text")][:4] == ["3", "0–50", "0", "50–100"]
    heights = [float(r.get("height")) for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-bar"]
    assert heights == [160.0, 0.0]


def test_score_bins_put_100_in_the_last_bin():
    bins = score_bins([0, 9.9, 10, 55, 99.9, 100])
    assert bins[0] == ("0–10", 2) and bins[1] == ("10–20", 1) and bins[5] == ("50–60", 1)
    assert bins[-1] == ("90–100", 2) and len(bins) == 10
