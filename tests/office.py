"""A fixture district for the office's year: every finding an audit must make, once each, among clean towns.

- 南湖街道: the narrative states 共受理政府信息公开申请41个 while 表三 says 0;
- 北关街道 and 东城街道: the same part 五;
- 样例区统计局: on the roster (added for 2025), no file;
- 白河镇: published on 2026-02-05, after the 1月31日 deadline;
- 柳林镇: part 五 is one generic sentence;
- 梅溪镇: charged 120 元 of information-processing fees and says nothing of it in part 六;
- 青山镇 and 石桥镇: clean. Every other report is published on 2026-01-20.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

from tests.conftest import ROOT, make_project

TOWNS = ("baihe", "beiguan", "dongcheng", "liulin", "meixi", "nanhu", "qingshan", "shiqiao")
CLEAN = ("qingshan", "shiqiao")
AS_OF = "2026-02-10"
GENERIC = "我镇政府信息公开工作还存在一些不足，今后将进一步加强"
ROSTER = """\
add:
  - slug: yangli-tjj
    name: 样例区统计局
    district: yangli
    district_name: 样例区
    year: 2025
"""


def _edit(path: Path, change) -> None:
    yaml = YAML()
    yaml.preserve_quotes = True
    doc = yaml.load(path.read_text(encoding="utf-8"))
    change(doc)
    out = io.StringIO()
    yaml.dump(doc, out)
    path.write_text(out.getvalue(), encoding="utf-8")


LAST_YEAR = "上年度报告提出的问题均已按期整改。"
ACCOUNTS = "考核、评议和责任追究结果另行公开。"  # short: a part under 60 characters is never 雷同


def _as_reviewers_want(doc, town: str) -> None:  # noqa: ANN001
    """What every report of the fixture gives, so that each town has only the finding planted in it: the day
    published, part 五 reporting last year's 改进情况, part 六 a government's 考核、社会评议和责任追究 (梅溪镇's stays
    silent on its fees), no applicant who failed to pay a fee that was never billed."""
    doc["publication"]["date"] = "2026-02-05" if town == "baihe" else "2026-01-20"
    doc["prose"]["problems"] = LiteralScalarString(str(doc["prose"]["problems"]).rstrip("\n") + LAST_YEAR + "\n")
    doc["prose"]["other"] = LiteralScalarString(str(doc["prose"]["other"]).rstrip("\n") + ACCOUNTS + "\n")
    other = doc["applications"]["results"]["other"]
    for key in list(other["no_fee"]):  # counted under （六）3.其他 instead: every balance still holds
        other["other"][key] = (other["other"][key] or 0) + (other["no_fee"][key] or 0)
        other["no_fee"][key] = 0


def office_district(root: Path, towns: tuple[str, ...] = TOWNS) -> Path:
    """A project at ``root`` with the fixture district's 2024 and 2025 files and its roster."""
    base = make_project(root)
    for town in towns:
        for year in (2024, 2025):
            target = base / "data" / town / f"{year}.yaml"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / "data" / town / f"{year}.yaml", target)
        _edit(base / "data" / town / "2025.yaml", lambda doc, town=town: _as_reviewers_want(doc, town))
    (base / "roster.yaml").write_text(ROSTER, encoding="utf-8")
    data = base / "data"
    if "nanhu" in towns:
        _edit(data / "nanhu/2025.yaml", lambda doc: doc["prose"].__setitem__(
            "overview", LiteralScalarString(doc["prose"]["overview"] + "\n全年共受理政府信息公开申请41个。\n")))
    if "beiguan" in towns and "dongcheng" in towns:
        shared = YAML().load((data / "beiguan/2025.yaml").read_text(encoding="utf-8"))["prose"]["problems"]
        _edit(data / "dongcheng/2025.yaml", lambda doc: doc["prose"].__setitem__(
            "problems", LiteralScalarString(shared)))
    if "liulin" in towns:
        _edit(data / "liulin/2025.yaml", lambda doc: doc["prose"].__setitem__("problems", GENERIC + "。"))
    if "meixi" in towns:
        def fees(doc):
            for key, value in (("notices", 1), ("billed", 120.0), ("collected", 120.0)):
                doc["processing_fees"][key] = value
        _edit(data / "meixi/2025.yaml", fees)
    return base
