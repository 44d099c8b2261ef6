"""Synthetic data: valid data files for any towns and years, every rule satisfied, carry-overs chained.

Used for the bundled sample district (样例区), property tests and benchmarks.
Figures are random but plausible; totals are never written, as a clerk would not write them.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from helpers.report import formats

# What every page of sample data says first (and what an import of such a page leaves out of its preamble).
SAMPLE_NOTICE = "示例数据：本报告使用虚构的演示数据生成，仅供演示，不是真实的政府信息公开工作年度报告。"


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


def split(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """``total`` items spread over len(weights) bins at random."""
    counts = [0] * len(weights)
    for i in rng.choices(range(len(weights)), weights=weights, k=total):
        counts[i] += 1
    return counts


def _town_year(
    rng: random.Random, town: DemoTown, year: int, where: tuple[str, str, str], state: dict[str, Any], stated: bool
) -> dict[str, Any]:
    district, district_slug, city = where
    fmt = formats.for_year(year)
    data: dict[str, Any] = {
        "format": fmt.name,
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
    data.update(fmt.demo(rng, town.urban, state, stated))
    return data


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


def overview(rng: random.Random, sentences: int, *, urban: bool = False, joiner: str = "\n\n") -> str:
    """An 总体情况 of the opening sentence and ``sentences`` others, as paragraphs (or one run with joiner "")."""
    chosen = [_fill_numbers(rng, s) for s in [_OVERVIEW[0], *rng.sample(_OVERVIEW[1:], sentences)]]
    if urban:
        chosen.append("作为城区街道，辖区企业和居民对政府信息需求较多，依申请公开数量居全区前列。")
    return joiner.join(chosen)


def problems(rng: random.Random) -> str:
    """存在的主要问题及改进情况: two or three problems and as many measures."""
    count = rng.randint(2, 3)
    found = rng.sample(_PROBLEMS, count)
    measures = rng.sample(_MEASURES, count)
    numerals = "一二三"
    return (
        "{{ year }}年，{{ organ.town }}政府信息公开工作取得了一定成效，但仍存在一些不足："
        + "".join(f"{numerals[i]}是{p}" for i, p in enumerate(found))
        + "\n\n下一步，我们将着力做好以下工作："
        + "".join(f"{numerals[i]}是{m}" for i, m in enumerate(measures))
    )


def problem_and_measure(rng: random.Random) -> str:
    """One problem and one measure, as one sentence pair."""
    return rng.choice(_PROBLEMS) + rng.choice(_MEASURES)


def closing(rng: random.Random) -> str:
    """其他需要报告的事项, in one sentence."""
    ending = rng.choice(["无其他需要报告的事项。", "认真落实年度政务公开工作要点，各项任务均已完成。"])
    return "{{ year }}年，{{ organ.town }}" + ending
