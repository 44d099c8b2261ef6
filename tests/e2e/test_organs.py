"""Organs of every kind, built for real: titles, the district summary's captions by kind, the five sub-parts of
一、总体情况, no bare part heading, and the 落款."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT, make_project, visible_text
from tests.e2e.test_build import xxgk


def _organ(text: str, block: str) -> str:
    return re.sub(r"organ:\n(  .*\n)+", "organ:\n" + block, text, count=1)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = make_project(tmp_path_factory.mktemp("organs"))
    nanhu = (ROOT / "data/nanhu/2025.yaml").read_text(encoding="utf-8")
    files = {
        "nanhu/2025.yaml": nanhu.replace(
            "  filed_with: 样例区政务公开办公室\n", "  filed_with: 样例区政务公开办公室\n  date: 2026-01-20\n", 1
        ).replace(
            "prose:\n",
            "prose:\n  active: 全年主动公开政府信息二百余条。\n  oversight: 将政务公开纳入年度考核。\n",
            1,
        ),
        "nanhu/2020.yaml": (ROOT / "data/nanhu/2020.yaml").read_text(encoding="utf-8"),
        "lujiao/2025.yaml": _organ(
            nanhu, "  slug: lujiao\n  town: 鹿角乡\n  kind: 乡\n  district: 样例区\n  district_slug: yangli\n"
            "  city: 示例市\n"
        ),
        "fagai/2025.yaml": _organ(
            nanhu,
            "  slug: fagai\n  town: 发展和改革局\n  kind: 部门\n  name: 样例区发展和改革局\n  district: 样例区\n"
            "  district_slug: yangli\n  city: 示例市\n",
        ),
        "xuwang/2025.yaml": _organ(
            nanhu,
            "  slug: xuwang\n  town: 徐望镇\n  name: 徐望镇人民政府\n  district: 样例区\n"
            "  district_slug: yangli\n  city: 示例市\n",
        ),
        "fengdong/2025.yaml": _organ(
            nanhu, "  slug: fengdong\n  town: 沣东新城管委会\n  kind: 其他\n  city: 西咸新区\n"
        ),
    }
    for name, text in files.items():
        (base / "data" / name).parent.mkdir(parents=True, exist_ok=True)
        (base / "data" / name).write_text(text, encoding="utf-8")
    run = xxgk("build", "-j", "2", cwd=base)
    assert run.returncode == 0, run.stdout + run.stderr
    return base, run


def page(base, name: str) -> str:  # noqa: ANN001
    return visible_text((base / "outputs" / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("2025/nanhu.html", "示例市样例区南湖街道2025年政府信息公开工作年度报告"),
        ("2025/lujiao.html", "示例市样例区鹿角乡2025年政府信息公开工作年度报告"),
        ("2025/fagai.html", "示例市样例区发展和改革局2025年政府信息公开工作年度报告"),
        ("2025/xuwang.html", "示例市样例区徐望镇人民政府2025年政府信息公开工作年度报告"),
        ("2025/fengdong.html", "西咸新区沣东新城管委会2025年政府信息公开工作年度报告"),
    ],
)
def test_each_kind_of_organ_has_its_title(built, name, title):
    html = (built[0] / "outputs" / name).read_text(encoding="utf-8")
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    assert f"<title>{title}</title>" in html and visible_text(heading) == title


def test_the_summary_captions_its_organs_by_kind_and_leaves_out_an_organ_of_no_district(built):
    base, run = built
    summary = page(base, "2025/yangli-summary.html")
    assert "根据样例区4个镇（乡、街道）和部门报送的" in summary
    assert "2025年各镇（乡、街道）和部门主要数据对比" in summary
    assert summary.index("鹿角乡") < summary.index("南湖街道") < summary.index("徐望镇") < summary.index("发展和改革局")
    assert "沣东新城管委会" not in summary
    assert not list((base / "outputs" / "2025").glob("*fengdong*summary*"))


def test_sub_parts_of_the_overview_the_signature_and_no_bare_part(built):
    base, _ = built
    text = page(base, "2025/nanhu.html")
    assert "（一）主动公开全年主动公开政府信息二百余条。" in text
    assert "（五）监督保障将政务公开纳入年度考核。" in text and "（二）依申请公开" not in text
    assert text.endswith("南湖街道2026年1月20日")
    old = page(base, "2020/nanhu.html")
    assert "六、其他需要报告的事项无其他需要报告的事项。" in old
    assert old.endswith("南湖街道")
