"""Synthetic data: valid data files for any towns and years, every rule satisfied, carry-overs chained.

Used for the bundled sample district (样例区), property tests and benchmarks.
Figures are random but plausible; totals are never written, as a clerk would not write them.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .load import dump_yaml
from .model import APPEAL_RESULTS, APPLICANT_COLUMNS, NotProcessed, OtherHandling, Refused, Unable


@dataclass(frozen=True)
class DemoTown:
    """A fictional town or street office."""

    slug: str
    name: str
    urban: bool = False


SAMPLE_DISTRICT = "样例区"
SAMPLE_DISTRICT_SLUG = "yangli"
SAMPLE_CITY = "示例市"
SAMPLE_TOWNS = (
    DemoTown("dongcheng", "东城街道", urban=True),
    DemoTown("xicheng", "西城街道"),
    DemoTown("nanhu", "南湖街道"),
    DemoTown("beiguan", "北关街道"),
    DemoTown("qingshan", "青山镇"),
    DemoTown("baihe", "白河镇"),
    DemoTown("shiqiao", "石桥镇"),
    DemoTown("liulin", "柳林镇"),
    DemoTown("songling", "松岭镇"),
    DemoTown("xinghua", "杏花镇"),
    DemoTown("meixi", "梅溪镇"),
    DemoTown("taoyuan", "桃源镇"),
)
SAMPLE_YEARS = (2020, 2023, 2024, 2025)

_FIRST = "东西南北青白石柳松杏梅桃金银龙凤云水山河"
_SECOND = ("城街道", "湖街道", "关街道", "山镇", "河镇", "桥镇", "林镇", "岭镇", "花镇", "溪镇", "源镇", "口镇")


def format_for(year: int) -> str:
    """The report format in force for a year."""
    return "legacy-2008" if year <= 2018 else "national-2019" if year <= 2020 else "national-2021"


def demo_towns(count: int) -> list[DemoTown]:
    """``count`` distinct fictional towns; the first is an urban street office."""
    towns, seen = [], set()
    for i in range(count):
        name = _FIRST[i % len(_FIRST)] + _SECOND[i % len(_SECOND)]
        if name in seen:
            name = f"{name[:-2]}{i + 1}{name[-2:]}"
        seen.add(name)
        towns.append(DemoTown(f"t{i + 1:03d}", name, urban=i == 0))
    return towns


def district_data(
    towns: Iterable[DemoTown],
    years: Iterable[int],
    *,
    seed: int = 0,
    district: str = SAMPLE_DISTRICT,
    district_slug: str = SAMPLE_DISTRICT_SLUG,
    city: str = SAMPLE_CITY,
    stated_totals: bool = False,
) -> dict[tuple[str, int], dict[str, Any]]:
    """Data for every town and year, keyed by (slug, year); each year's carry-over feeds the next."""
    result = {}
    for town in towns:
        state: dict[str, Any] = {}
        for year in sorted(years):
            rng = random.Random(f"{seed}/{town.slug}/{year}")
            if state.get("year") != year - 1:
                state = {}
            data = _town_year(rng, town, year, (district, district_slug, city), state, stated_totals)
            state["year"] = year
            result[(town.slug, year)] = data
    return result


def write_district(out: Path, data: dict[tuple[str, int], dict[str, Any]]) -> list[Path]:
    """Write ``<out>/<slug>/<year>.yaml`` for every entry; returns the paths written."""
    paths = []
    for (slug, year), content in sorted(data.items()):
        path = out / slug / f"{year}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump_yaml(content), encoding="utf-8")
        paths.append(path)
    return paths


def _split(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """``total`` items spread over len(weights) bins at random."""
    counts = [0] * len(weights)
    for i in rng.choices(range(len(weights)), weights=weights, k=total):
        counts[i] += 1
    return counts


def _applicant_row(values: list[int], stated: bool) -> dict[str, int]:
    row = dict(zip((key for key, _ in APPLICANT_COLUMNS), values, strict=True))
    if stated:
        row["total"] = sum(values)
    return row


def _town_year(
    rng: random.Random, town: DemoTown, year: int, where: tuple[str, str, str], state: dict[str, Any], stated: bool
) -> dict[str, Any]:
    district, district_slug, city = where
    fmt = format_for(year)
    data: dict[str, Any] = {
        "format": fmt,
        "year": year,
        "sample": True,
        "organ": {
            "slug": town.slug,
            "town": town.name,
            "district": district,
            "district_slug": district_slug,
            "city": city,
        },
        "publication": {
            "site": f"{city}{district}人民政府门户网站",
            "url": f"https://www.example.gov.cn/{town.slug}/xxgk/",
            "column": "“政府信息公开年报”栏目",
            "filed_with": f"{district}政务公开办公室",
        },
        "contact": {
            "office": f"{town.name}党政办公室",
            "phone": f"0000-{rng.randint(1000000, 9999999)}",
            "email_name": "电子邮箱",
            "email": f"{town.slug}@example.gov.cn",
        },
    }
    if fmt == "legacy-2008":
        data.update(_legacy_figures(rng, town))
        data["legal_basis"] = "《中华人民共和国政府信息公开条例》（以下简称《条例》）"
        data["prose"] = _legacy_prose(rng)
        return data
    data["active"] = _active(rng, town, fmt, state)
    data["applications"] = _applications(rng, town, fmt, state, stated)
    data["appeals"] = _appeals(rng, town, stated)
    if fmt == "national-2021":
        notices = rng.choice([0, 0, 0, 1, 2]) if town.urban else 0
        billed = round(notices * rng.choice([50, 100, 120.5]), 2)
        data["processing_fees"] = {
            "notices": notices,
            "billed": billed,
            "collected": billed if rng.random() < 0.7 else 0,
        }
    data["prose"] = _national_prose(rng, town, year, fmt)
    return data


def _active(rng: random.Random, town: DemoTown, fmt: str, state: dict[str, Any]) -> dict[str, Any]:
    scale = 4 if town.urban else 1
    if fmt == "national-2019":
        made = rng.randint(0, 4)
        previous_total = state.get("normative_public", rng.randint(5, 30))
        state["normative_public"] = previous_total + made
        items = {
            key: {"previous": p, "change": rng.randint(-2, 3), "decisions": rng.randint(0, d) * scale}
            for key, p, d in (
                ("licensing", rng.randint(5, 40), 120),
                ("other_services", rng.randint(5, 60), 200),
                ("punishment", rng.randint(10, 80), 60),
                ("enforcement", rng.randint(0, 10), 8),
            )
        }
        for item in items.values():
            item["change"] = max(item["change"], -item["previous"])
        fee_previous = rng.randint(0, 6)
        return {
            "rules": {"made": 0, "published": 0, "total_public": 0},
            "normative": {"made": made, "published": made, "total_public": previous_total + made},
            **items,
            "fees": {"previous": fee_previous, "change": max(rng.randint(-1, 1), -fee_previous)},
            "procurement": {"projects": (p := rng.randint(0, 12)), "amount": round(p * rng.uniform(3, 40), 2)},
        }
    issued, in_force_before = rng.randint(0, 4), state.get("in_force", rng.randint(5, 25))
    repealed = min(rng.randint(0, 2), in_force_before)
    state["in_force"] = in_force_before + issued - repealed
    return {
        "rules": {"issued": 0, "repealed": 0, "in_force": 0},
        "normative": {"issued": issued, "repealed": repealed, "in_force": state["in_force"]},
        "licensing": {"decisions": rng.randint(0, 150) * scale},
        "punishment": {"decisions": rng.randint(0, 80) * scale},
        "enforcement": {"decisions": rng.randint(0, 6)},
        "fees": {"amount": round(rng.uniform(0, 30) * scale, 2)},
    }


def _applications(rng: random.Random, town: DemoTown, fmt: str, state: dict[str, Any], stated: bool) -> dict:
    new_total = rng.randint(100, 160) if town.urban else rng.choice([0, 1, 2, 3, 5, 8, 12, 18, 25, 30])
    received = _split(rng, new_total, [70, 10, 1, 1, 3, 4])
    carried_in = state.get("carried_over") or [0] * 6
    carried_over = [
        rng.randint(0, min(2, n // 6)) if n else 0 for n in map(sum, zip(received, carried_in, strict=True))
    ]
    state["carried_over"] = carried_over
    handled = [r + c - o for r, c, o in zip(received, carried_in, carried_over, strict=True)]

    other_rows = list(OtherHandling.LABELS) if fmt == "national-2021" else ["other"]
    groups: list[tuple[str, list[str]]] = [
        ("granted", ["granted"]),
        ("partial", ["partial"]),
        ("refused", list(Refused.LABELS)),
        ("unable", list(Unable.LABELS)),
        ("not_processed", list(NotProcessed.LABELS)),
        ("other", other_rows),
    ]
    slots = [(group, row) for group, rows in groups for row in rows]
    weights = [45, 8] + [0.5] * 8 + [18, 2, 2] + [3, 2, 1, 0.3, 0.7] + [1.5] * len(other_rows)
    per_column = [_split(rng, n, weights) for n in handled]
    results: dict[str, Any] = {}
    for index, (group, row) in enumerate(slots):
        counts = _applicant_row([column[index] for column in per_column], stated)
        if group in ("granted", "partial") or (group == "other" and fmt == "national-2019"):
            results[group] = counts
        else:
            results.setdefault(group, {})[row] = counts
    if stated:
        results["total"] = _applicant_row(handled, True)
    return {
        "received": _applicant_row(received, stated),
        "carried_in": _applicant_row(list(carried_in), stated),
        "results": results,
        "carried_over": _applicant_row(carried_over, stated),
    }


def _appeals(rng: random.Random, town: DemoTown, stated: bool) -> dict[str, Any]:
    def group(most: int) -> dict[str, int]:
        counts = _split(rng, rng.randint(0, most), [5, 2, 1, 1])
        row = dict(zip((key for key, _ in APPEAL_RESULTS), counts, strict=True))
        if stated:
            row["total"] = sum(counts)
        return row

    big = 4 if town.urban else 1
    return {"reconsideration": group(2 * big), "lawsuit_direct": group(big), "lawsuit_after": group(big // 2)}


def _legacy_figures(rng: random.Random, town: DemoTown) -> dict[str, Any]:
    return {
        "figures": {
            "interaction": {
                "policy_interpretations": rng.randint(0, 40),
                "media_appearances": rng.randint(0, 3),
                "questions_handled": rng.randint(0, 60),
            },
            "proposals": {"cppcc_proposals": rng.randint(0, 8)},
            "published": {
                "website": rng.randint(50, 400),
                "weibo": rng.randint(0, 30),
                "wechat": rng.randint(0, 60),
                "other": rng.randint(0, 20),
            },
            "channels": {"service_stations": rng.randint(3, 20)},
            "applications": {"received": rng.choice([0, 0, 1, 2])},
            "appeals": {"reconsiderations": 0, "lawsuits": 0, "complaints": 0},
        }
    }


_OVERVIEW = (
    "{{ year }}年，{{ organ.town }}认真贯彻落实《中华人民共和国政府信息公开条例》，"
    "把政务公开作为建设法治政府、服务型政府的重要抓手。",
    "{{ organ.town }}坚持“以公开为常态、不公开为例外”，全年主动公开各类政府信息，及时回应群众关切。",
    "调整充实了政务公开工作领导小组，由{{ organ.town }}主要负责同志任组长，"
    "党政办公室具体承办，配备专兼职工作人员{n}名。",
    "围绕乡村振兴、安全生产、民生保障等重点领域，细化公开目录{n}项，做到应公开尽公开。",
    "依申请公开方面，严格按照法定时限答复，做到受理、审查、答复全程留痕，全年未发生超期答复。",
    "完善政府信息公开保密审查机制，坚持“先审查、后公开”和“一事一审”，全年未发生泄密事件。",
    "依托{{ publication.site }}和政务新媒体，建设“{label}”专栏，方便群众查询办事指南和政策文件。",
    "在便民服务中心设置政府信息查阅点{n}处，为不便上网的群众提供查阅服务。",
    "组织政务公开业务培训{n}次，覆盖各村（社区）和机关各科室工作人员。",
    "将政务公开工作纳入年度综合考核，对发现的问题限期整改并跟踪问效。",
    "开展政策解读{n}次，采用图解、短视频等形式，使政策更易懂、更易用。",
    "深化基层政务公开标准化规范化建设，在{n}个村（社区）设置村务公开栏并定期更新。",
)
_LABELS = ("政策直通车", "民生信息", "办事指南", "乡村振兴", "重点领域信息", "政策问答")
_PROBLEMS = (
    "部分栏目信息更新不够及时，个别信息发布滞后。",
    "政策解读形式较为单一，图解、视频等群众喜闻乐见的形式运用不多。",
    "工作人员业务能力有待提高，对新条例的理解和把握还不够深入。",
    "依申请公开答复的规范性有待加强，答复文书格式还不够统一。",
    "基层政务公开标准目录与实际工作结合不够紧密。",
    "政务新媒体互动回应还不够及时。",
)
_MEASURES = (
    "建立信息发布台账，明确责任人和更新时限，每月开展一次栏目自查。",
    "丰富解读形式，重要政策文件做到文件与解读材料同步起草、同步审签、同步发布。",
    "定期组织业务培训，邀请专业人员授课，提升工作人员业务水平。",
    "规范依申请公开办理流程，统一答复文书格式，建立法律顾问审核机制。",
    "结合本地实际动态调整公开目录，推动目录与工作同步更新。",
    "完善政务新媒体留言办理机制，确保群众诉求件件有回音。",
)


def _fill_numbers(rng: random.Random, sentence: str) -> str:
    return sentence.replace("{n}", str(rng.randint(2, 30))).replace("{label}", rng.choice(_LABELS))


def _national_prose(rng: random.Random, town: DemoTown, year: int, fmt: str) -> dict[str, str]:
    overview = [_fill_numbers(rng, s) for s in [_OVERVIEW[0], *rng.sample(_OVERVIEW[1:], 5)]]
    if town.urban:
        overview.append("作为城区街道，辖区企业和居民对政府信息需求较多，依申请公开数量居全区前列。")
    count = rng.randint(2, 3)
    problems = rng.sample(_PROBLEMS, count)
    measures = rng.sample(_MEASURES, count)
    numerals = "一二三"
    prose = {
        "overview": "\n\n".join(overview) + "\n",
        "problems": (
            "{{ year }}年，{{ organ.town }}政府信息公开工作取得了一定成效，但仍存在一些不足："
            + "".join(f"{numerals[i]}是{p}" for i, p in enumerate(problems))
            + "\n\n下一步，我们将着力做好以下工作："
            + "".join(f"{numerals[i]}是{m}" for i, m in enumerate(measures))
            + "\n"
        ),
    }
    if fmt == "national-2021":
        closing = rng.choice(["无其他需要报告的事项。", "认真落实年度政务公开工作要点，各项任务均已完成。"])
        prose["other"] = "{{ year }}年，{{ organ.town }}" + closing + "\n"
    return prose


def _legacy_prose(rng: random.Random) -> dict[str, str]:
    sentences = [_fill_numbers(rng, s) for s in [_OVERVIEW[0], *rng.sample(_OVERVIEW[1:], 2)]]
    return {
        "overview": "".join(sentences) + "\n",
        "leadership": "成立了政府信息公开工作领导小组，明确分管领导和具体承办人员。\n",
        "institutions": "建立健全政府信息公开、依申请公开、保密审查等制度。\n",
        "interaction": "{{ year }}年共发布政策解读{{ figures.interaction.policy_interpretations }}条。\n",
        "proposals": "{{ year }}年共承办{{ figures.proposals.cppcc_proposals }}个政协提案，已进行公开。\n",
        "published": "主动公开政府信息主要包括机构信息、政策文件和工作动态。\n",
        "channels": "设立村级便民服务站点{{ figures.channels.service_stations }}个。\n",
        "confidentiality": "坚持“先审查、后公开”，全年未发生泄密事件。\n",
        "public_institutions": "督促所属事业单位做好信息公开工作。\n",
        "problems": rng.choice(_PROBLEMS) + rng.choice(_MEASURES) + "\n",
    }
