"""One file never stops the year: a published file of each format with each of its fields removed or blanked in
turn fails (or passes) alone, in the form's words, in check, build, audit and the index."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from helpers.cli import main
from helpers.intake.load import UNREADABLE
from tests.conftest import ROOT, make_project

LEGACY_PUBLISHED = """\
format: legacy-2008
year: 2013
source: published
organ: {slug: x, town: 新河镇, district: 样例区, district_slug: yangli}
publication: {site: 新河镇人民政府网站, url: "http://example.gov.cn/", date: 2014-03-20}
signature: {name: 新河镇人民政府, date: 2014-03-20}
contact: {office: 新河镇党政办公室, phone: 0000-1234567}
parts:
  - heading: 一、概述
    text: 2013年，新河镇扎实推进政府信息公开工作。
  - heading: 二、主动公开政府信息情况
    text: 全年主动公开政府信息5条。
printed_figures:
  - {part: 二、主动公开政府信息情况, label: 主动公开政府信息, value: 5, unit: 条}
  - {part: 四、收费及减免情况, label: 收费及减免, value: 0, as_printed: 无}
figures:
  published: {website: 5, weibo: 0, wechat: 0, other: 0}
  appeals: {reconsiderations: 0, lawsuits: 0, complaints: 0}
prose:
  overview: 概述。
"""
# Each format's published file: a bundled report made published, and a real-shaped 2008 one.
SOURCES = {
    "national-2021": (ROOT / "data" / "nanhu" / "2025.yaml", 2025),
    "national-2019": (ROOT / "data" / "nanhu" / "2020.yaml", 2020),
    "legacy-2008": (None, 2013),
}
yaml = YAML()
yaml.width = 4096


def _published(fmt: str) -> CommentedMap:
    path, _ = SOURCES[fmt]
    doc = yaml.load(LEGACY_PUBLISHED if path is None else path.read_text(encoding="utf-8"))
    doc["source"] = "published"
    return doc


def _paths(node: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key and list item of a YAML tree, as the keys that lead to it."""
    items: Any = ()
    if isinstance(node, CommentedMap):
        items = node.items()
    elif isinstance(node, CommentedSeq):
        items = enumerate(node)
    for key, value in items:
        yield (*at, key)
        yield from _paths(value, (*at, key))


def _variant(doc: CommentedMap, path: tuple[Any, ...], how: str, slug: str) -> str:
    """The file with ``path`` removed or blanked, for organ ``slug`` (unless the variant takes its code away)."""
    copy = yaml.load(_text(doc))
    copy["organ"]["slug"] = slug
    copy["organ"]["town"] = f"{copy['organ']['town']}{slug}"  # one district: every organ's name its own
    holder = copy
    for key in path[:-1]:
        holder = holder[key]
    if how == "removed":
        del holder[path[-1]]
    else:
        holder[path[-1]] = None
    return _text(copy)


def _text(doc: CommentedMap) -> str:
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[str, tuple[Any, ...], str]]]:
    """A project whose organs are every variant of every format's published file, beside a good report."""
    root = make_project(tmp_path_factory.mktemp("one-file"))
    variants: dict[str, tuple[str, tuple[Any, ...], str]] = {}
    for fmt, (_, year) in SOURCES.items():
        doc = _published(fmt)
        for path in _paths(doc):
            for how in ("removed", "blank"):
                slug = f"v{len(variants)}"
                file = root / "data" / slug / f"{year}.yaml"
                file.parent.mkdir(parents=True)
                file.write_text(_variant(doc, path, how, slug), encoding="utf-8")
                variants[slug] = (fmt, path, how)
    good = root / "data" / "nanhu" / "2025.yaml"
    good.parent.mkdir(parents=True)
    good.write_text((ROOT / "data" / "nanhu" / "2025.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return root, variants


def _said(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    return captured.out + captured.err


def test_check_judges_every_variant_alone_in_the_forms_words(district, capsys, monkeypatch):
    root, variants = district
    monkeypatch.chdir(root)
    assert main(["check"]) in (0, 1)
    out = _said(capsys)
    assert "程序出错" not in out and UNREADABLE not in out and "Traceback" not in out
    for slug in variants:
        assert f"data/{slug}/" in out  # every file was judged, none skipped by another's failure
    assert re.search(r"nanhu/2025\.yaml：通过", out)


def test_audit_and_index_complete_over_every_variant(district, capsys, monkeypatch):
    root, variants = district
    monkeypatch.chdir(root)
    for year in sorted({year for _, year in SOURCES.values()}):
        assert main(["audit", "--year", str(year), "--as-of", f"{year + 1}-03-01"]) in (0, 1)
        out = _said(capsys)
        assert "错误：" not in out and "Traceback" not in out, out[-2000:]
        assert list((root / "outputs" / str(year)).glob("*-audit.html"))


def test_build_completes_with_the_variants_failing_alone(district, capsys, monkeypatch):
    """A real build of a sample of the variants (every format, every kind of removal) beside a good report: the
    run completes, the good report is built and every failure is named with its file."""
    root, variants = district
    monkeypatch.chdir(root)
    sample = [slug for i, slug in enumerate(variants) if i % 12 == 0 or variants[slug][1][0] in ("organ", "format")]
    towns = [arg for slug in sample[:40] for arg in ("--town", slug)]
    code = main(["build", "--quiet", "-j", "2", *towns, "--town", "nanhu"])
    out = _said(capsys)
    assert code in (0, 1), out[-2000:]
    assert "错误：" not in out.splitlines()[-1] and "Traceback" not in out
    assert (root / "outputs" / "2025" / "nanhu.html").is_file()
    assert (root / "outputs" / "index.html").is_file()
    for line in out.splitlines():
        if line.startswith("失败"):
            assert "（" in line  # named with its organ, the reason on the next line


def test_a_file_of_a_year_no_calendar_has_fails_alone_and_the_index_is_written(tmp_path, capsys, monkeypatch):
    root = make_project(tmp_path / "p")
    text = (ROOT / "data" / "nanhu" / "2025.yaml").read_text(encoding="utf-8")
    (root / "data" / "nanhu").mkdir(parents=True)
    (root / "data" / "nanhu" / "2025.yaml").write_text(text, encoding="utf-8")
    (root / "data" / "nanhu" / "9999.yaml").write_text(text.replace("year: 2025", "year: 9999"), encoding="utf-8")
    monkeypatch.chdir(root)
    assert main(["build", "--quiet"]) == 1
    out = _said(capsys)
    assert "失败    9999/nanhu" in out and "应为2008—" in out and "Traceback" not in out
    assert (root / "outputs" / "2025" / "nanhu.html").is_file() and (root / "outputs" / "index.html").is_file()


def test_the_filing_package_completes_beside_a_2008_report_it_cannot_print_as_a_2021_one(tmp_path, capsys,
                                                                                       monkeypatch):
    """The issue's case: a real 2008-format report entered as published with the figures it does not print left
    out, in the same district as a good report: package builds, audits and packs both."""
    root = make_project(tmp_path / "p")
    (root / "data" / "xinhe").mkdir(parents=True)
    (root / "data" / "xinhe" / "2013.yaml").write_text(
        LEGACY_PUBLISHED.replace("slug: x,", "slug: xinhe,").split("figures:\n  published")[0], encoding="utf-8")
    good = (ROOT / "data" / "daxin" / "2018.yaml").read_text(encoding="utf-8").replace("year: 2018", "year: 2013")
    (root / "data" / "daxin").mkdir()
    (root / "data" / "daxin" / "2013.yaml").write_text(good.replace("district_slug: jimo", "district_slug: yangli"),
                                                       encoding="utf-8")
    monkeypatch.chdir(root)
    code = main(["package", "--year", "2013", "--district", "yangli", "--as-of", "2014-03-01"])
    out = _said(capsys)
    assert code == 0, out[-3000:]
    assert "Traceback" not in out and "错误：" not in out
    archive = next((root / "outputs").rglob("*.zip"))
    import zipfile

    names = zipfile.ZipFile(archive).namelist()
    assert any(n.endswith("xinhe.pdf") for n in names) and any(n.endswith("daxin.pdf") for n in names), names
