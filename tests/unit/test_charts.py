"""The SVG charts: accessible, readable without colour, escaped, no inline styles."""

import xml.etree.ElementTree as ET

from cs_handbook.charts import LABEL_WIDTH_MAX, bar_chart, histogram, score_bins, text_width

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


def _right_edges(svg):
    """Where each text of the chart ends (x + its estimated width), and the chart's width."""
    root = ET.fromstring(svg)
    edges = []
    for t in root.iter(f"{SVG}text"):
        text = "".join(t.itertext()) if t.find(f"{SVG}title") is None else t[0].tail
        width = text_width(text)
        x = float(t.get("x"))
        anchor = t.get("text-anchor", "start")
        edges.append((x - {"start": 0, "middle": width / 2, "end": width}[anchor], x + {
            "start": width, "middle": width / 2, "end": 0}[anchor]))
    return edges, float(root.get("width"))


def test_chinese_figures_and_labels_fit_inside_the_chart():
    # Seen on the dashboard: "未入职培训" (not enrolled) was cut off at the right edge.
    svg = bar_chart("p", "入职培训进度", [("客服000123", None), ("欧阳娜娜", 100), ("Wang Xiaoming", 7.5)],
                    empty="未入职培训")
    edges, width = _right_edges(svg)
    assert all(0 <= left and right <= width for left, right in edges)
    assert [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")][1] == "未入职培训"


def test_a_very_long_label_is_cut_with_its_full_text_in_a_tooltip():
    label = "服务规范与首问负责制——超时处理与升级流程说明"
    root = ET.fromstring(bar_chart("p", "t", [(label, 50)]))
    first = next(root.iter(f"{SVG}text"))
    assert first.find(f"{SVG}title").text == label
    assert first[0].tail.endswith("…") and text_width(first[0].tail) <= LABEL_WIDTH_MAX
    assert label in root.get("aria-label")
    edges, width = _right_edges(ET.tostring(root, encoding="unicode"))
    assert all(0 <= left and right <= width for left, right in edges)


def test_histogram_bin_labels_do_not_overlap():
    root = ET.fromstring(histogram("h", "分布", score_bins([50]), x_label="测验平均分（%）", y_label="人数"))
    labels = [t for t in root.iter(f"{SVG}text") if t.get("class") == "chart-label"]
    spans = [(float(t.get("x")) - text_width(t.text) / 2, float(t.get("x")) + text_width(t.text) / 2)
             for t in labels]
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert spans[-1][1] <= float(root.get("width"))
