"""正文与表格一致: every figure the narrative states (新收申请…件, 办结…件, 行政复议…件 …) against the tables.

Reviewers deduct for a narrative that says 共受理申请41个 while 表三 says 17; a clerk sees it in ``check``
before publishing. The narrative is read as published: placeholders filled, white space removed.

Reading goes number by number: each count in a sentence (in digits or Chinese numerals, with its unit) is named
by the words before it back to the last number or clause break (受理政府信息公开申请41件), or, where those name
nothing, by the words after it (1646件已按规定在法定期限内予以答复). A number it cannot name is never a finding.
The measure on real sentences is ``benchmarks/narratives.py`` (tests/fixtures/narratives).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation

import cn2an

from helpers.errors import PlaceholderError, Problem
from helpers.report import formats, placeholders, tables
from helpers.report.model import (
    RESULT_LABELS,
    Active2019,
    Active2021,
    National2021Report,
    NationalReport,
    Report,
    known_sum,
)

_ESCAPE = re.compile(r"\\(.)")
_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")
_CN = "零〇一二两三四五六七八九十百千万"
_UNITS = "万元|元|件|个|条|份|起|宗|次|例|部"
_TOKEN = re.compile(
    rf"(?<![\d.,A-Za-z\-/#~·{_CN}第])(?P<num>\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+(?:\.\d+)?|[{_CN}]+)"
    rf"(?P<about>余|多)?(?P<unit>{_UNITS})?"
)
_BREAK = "，。；：！？（）,;:!?()\n"  # a clause ends here (ASCII , and . only where no digit follows)
_CLAUSE = re.compile(r"[，。；：！？（）;:!?()\n]|,(?!\d{3})|\.(?!\d)")
_SENTENCE = re.compile(r"[^。！？!?]*(?:[。！？!?]|$)")
_NOT_COUNT = re.compile(r"工作日|日|天|月|年|小时|周|星期|分钟|人|期|届|倍|批|轮|%|％|余|多|左右|以上|万|亿|号")
_APPROX = re.compile(r"(?:约|近|超过?|逾|大约|将近|多达)$")

_APPLICATION_UNITS = {"件", "个", "条", "份", "起", "宗", "次", ""}
_APPEAL_UNITS = {"件", "个", "起", "宗", "次", "例", ""}
_DOCUMENT_UNITS = {"件", "个", "份", "部", ""}
_MONEY_UNITS = {"元", "万元"}

_APPEAL = re.compile(r"复议|诉讼")
_FEE = re.compile(r"信息处理费|处理费|(?<!行政事业性)收费金额|实际收取|收取费用")
_NORMATIVE = re.compile(r"(?:制发|印发|制定|出台|新制定).*规范性文件")
_CARRIED_OVER = re.compile(
    r"结转(?:至|到)?(?:下一?年|\d{4}年)|(?<!年)(?<!年度)转结|转入下一?年|下一?年度?继续办理|结转下期")
_CARRIED_IN = re.compile(r"(?:上一?年度?|去年|往年|\d{4}年度?)的?(?:结转|转结)|结转上一?年")
_BOTH = re.compile(r"公开(?:或者|或|和|及|与|、)部分公开")
_SUB_ROWS = (  # table 三's sub-rows a sentence may name instead of its row: (the row's figure, its path, words)
    ("不予公开", "refused.state_secret", "国家秘密"),
    ("不予公开", "refused.law_prohibited", "法律行政法规禁止|法律、行政法规禁止"),
    ("不予公开", "refused.three_safety", "三安全一稳定|危及"),
    ("不予公开", "refused.third_party", "第三方合法权益"),
    ("不予公开", "refused.internal_affairs", "内部事务"),
    ("不予公开", "refused.process_info", "过程性"),
    ("不予公开", "refused.enforcement_files", "执法案卷"),
    ("不予公开", "refused.query_items", "行政查询|查询事项"),
    ("无法提供", "unable.not_held", "不掌握|信息不存在|非本机关"),
    ("无法提供", "unable.needs_creation", "没有现成|另行制作"),
    ("无法提供", "unable.unclear", "不明确"),
    ("不予处理", "not_processed.petition", "信访|举报投诉"),
    ("不予处理", "not_processed.repeated", "重复申请"),
    ("不予处理", "not_processed.publication", "公开出版物"),
    ("不予处理", "not_processed.excessive", "大量反复"),
    ("不予处理", "not_processed.confirmation", "重新出具"),
    ("其他处理", "other.no_correction", "逾期不补正"),
    ("其他处理", "other.no_fee", "逾期未按收费通知|未按收费通知"),
)
_ROWS = (  # an outcome row named whole: (figure, path, words)
    ("部分公开", "partial", r"部分公开|区分处理"),
    ("不予公开", "refused", r"不予公开(?!信息)"),
    ("无法提供", "unable", r"无法提供"),
    ("不予处理", "not_processed", r"不予处理"),
    ("其他处理", "other", r"其他处理"),
)
_GRANTED = re.compile(r"予以公开|同意公开|全部公开|已主动公开|主动公开答复")
_OUTCOMES = {"予以公开", "部分公开", "予以公开及部分公开", "不予公开", "无法提供", "不予处理", "其他处理"}
_APPLICATION_FIGURES = _OUTCOMES | {
    "本年新收申请", "本年办结申请", "按时办结申请", "上年结转申请", "结转下年度继续办理"}
_NOT_APPLICATIONS = re.compile(r"留言|信件|来信|来电|咨询|诉求|建议|提案|热线|工单|行政许可|网民|来访")
_RECEIVED = re.compile(r"受理|收到|接收|接到|收悉|新收|新增")
_NEW = re.compile(r"新接收|新收")
_CHANGE = re.compile(r"较|比上|同比|增加|减少|增长|下降|上升")  # 较上年增加3件: a change, not a count
_BARE_REQUEST = re.compile(r"依申请公开(?:事项|请求)?(?:共计|共|总数)?$")
_HANDLED = re.compile(r"办结|答复|回复|办理|办复")
_ON_TIME = re.compile(r"按时|按期|如期|期限内|时限内|时间内")
_NUMBER_FIRST = re.compile(  # 1646件已按规定…予以答复, 共收到8份政府信息公开申请: the words after name the number
    r"^(?:已|均|全部|被|予以|按|在|依|结转|转结|申请|政府信息|信息公开|公开申请|行政复议|行政诉讼)")
_BOTH_COUNTED = re.compile(r"^[（(](?:含|包含|包括|其中)(?:上一?年度?|\d{4}年度?)?(?:结转|转结)")
_APPLIED = re.compile(r"申请")
_FILLER = re.compile(r"^(?:其中|另有|另|并|已|均|共计|总计|合计|累计|共|“|\")+|(?:”|\"|数|共计|共)+$")

_PUBLISH_VERB = r"(?:主动公开|公开|发布|上传|更新|公布)"
_GENERIC_TOTAL = re.compile(
    rf"{_PUBLISH_VERB}(?:和更新|并更新)?的?(?:各类|各项|全部)?(?:政府|政务)?信息(?:总数|数量|总量)?(?:共计|共|累计|总计|合计|达)?$"
    rf"|{_PUBLISH_VERB}.*等(?:方面|各类|领域)?的?(?:政府|政务)?信息(?:总数|数量)?(?:共计|共|累计|总计|合计)?$"
    r"|信息主动公开(?:总数)?(?:共计|共|累计|总计|合计)?$"
    r"|主动公开(?:政府|政务)?(?:信息)?总[数计](?:共计|共)?$"
)
_PUBLISHING = re.compile(r"主动公开|公开|发布|上传|更新|公布|刊发")
_NEW_MEDIA = re.compile(r"微信|微博|公众号|新媒体|头条|抖音|快手|视频号|客户端|订阅号")
_NOT_ITEM = re.compile(  # words of a number that is no part of what was published
    r"申请|留言|访问|浏览|阅读|报送|上报|采用|收到|受理|办结|答复|处理|不予|网民|来信|信件|热线|转载|推送")
_OPENER = re.compile(r"其中|包括|内有|含|[：:]")
_LIST_START = re.compile(r"^(?:其中|在?主动公开的(?:政府|各类)?信息中)")
_NESTED = re.compile(r"^(?:其中|内有|含|包括)")


@dataclass(frozen=True)
class Stated:
    """A kind of figure narratives state, and where the table has it."""

    label: str  # the figure, as the tables name it
    value: Callable[[NationalReport], int | Decimal | None]  # the table's cell (None: the format has none, or blank)
    table: str  # the table's cell, as it prints it


@dataclass(frozen=True)
class Reading:
    """A figure one sentence states: which, how much, and where (offsets into the text read)."""

    label: str
    value: Decimal
    said: str  # the number as the sentence writes it
    start: int
    end: int
    rows: tuple[str, ...] = ()  # table 三's rows it counts, where the sentence names sub-rows (refused.process_info)
    listed: tuple[Decimal, ...] = ()  # 主动公开分项合计: the items
    total: Decimal | None = None  # 主动公开分项合计: the total the sentence (or the one before it) states
    clean: bool = True  # 主动公开分项合计: every number after the total was read as an item


def _totals(key: str) -> Callable[[NationalReport], int | None]:
    return lambda report: tables.national_totals(report)[key]


def _row(report: NationalReport, path: str) -> int | None:
    """A row of table 三's 本年度办理结果 (``refused``) or one of its sub-rows (``refused.process_info``): 总计."""
    counts = [c.shown_total() for p, _, c in report.applications.results.outcomes("")
              if p == f".{path}" or p.startswith(f".{path}.")]
    return known_sum(counts) if counts else None


def _rows(*paths: str) -> Callable[[NationalReport], int | None]:
    return lambda report: known_sum([_row(report, p) for p in paths])


def _normative_issued(report: NationalReport) -> int | None:
    active = report.active
    if isinstance(active, Active2021):
        return active.normative.issued
    return active.normative.made if isinstance(active, Active2019) else None


def _collected(report: NationalReport) -> Decimal | None:
    return report.processing_fees.collected if isinstance(report, National2021Report) else None


def _notices(report: NationalReport) -> int | None:
    return report.processing_fees.notices if isinstance(report, National2021Report) else None


def _appeal(key: str) -> Callable[[NationalReport], int | None]:
    return lambda report: getattr(report.appeals.reconsideration, key)


def _none(report: NationalReport) -> None:
    return None


def _result(label: str) -> str:
    return f"表三“三、本年度办理结果{label}”行“总计”列"


STATED = (
    Stated("本年新收申请", _totals("received"), "表三“一、本年新收政府信息公开申请数量”行“总计”列"),
    Stated("上年结转申请", _totals("carried_in"), "表三“二、上年结转政府信息公开申请数量”行“总计”列"),
    Stated("本年办结申请", _totals("handled"), "表三“三、本年度办理结果（七）总计”行“总计”列"),
    Stated("按时办结申请", _none, "表三（无按时办结的栏目）"),
    Stated("结转下年度继续办理", _totals("carried_over"), "表三“四、结转下年度继续办理”行“总计”列"),
    Stated("予以公开", _rows("granted"), _result(RESULT_LABELS["granted"])),
    Stated("部分公开", _rows("partial"), _result("（二）部分公开")),
    Stated("予以公开及部分公开", _rows("granted", "partial"), "表三“（一）予以公开”与“（二）部分公开”两行“总计”列之和"),
    Stated("不予公开", _rows("refused"), _result(RESULT_LABELS["refused"])),
    Stated("无法提供", _rows("unable"), _result(RESULT_LABELS["unable"])),
    Stated("不予处理", _rows("not_processed"), _result(RESULT_LABELS["not_processed"])),
    Stated("其他处理", _rows("other"), _result(RESULT_LABELS["other"])),
    Stated("行政复议", _totals("reconsiderations"), "表四“行政复议”的“总计”"),
    Stated("复议结果维持", _appeal("upheld"), "表四“行政复议”的“结果维持”"),
    Stated("复议结果纠正", _appeal("corrected"), "表四“行政复议”的“结果纠正”"),
    Stated("行政诉讼", _totals("lawsuits"), "表四“行政诉讼”两栏“总计”之和"),
    Stated("主动公开政府信息", _none, "表二（无主动公开总数的栏目）"),
    Stated("主动公开分项合计", _none, "同一处正文所写的主动公开总数"),
    Stated("制发规范性文件", _normative_issued, "表二“规范性文件”行“本年制发件数”"),
    Stated("收取信息处理费", _collected, "表（六）“实际收取金额（元）”"),
    Stated("收费通知", _notices, "表（六）“发出收费通知的件数”"),
)
BY_LABEL = {s.label: s for s in STATED}


def plain(text: str) -> str:
    """Text as the reading sees it: white space removed, full-width digits in their ASCII form."""
    return "".join(text.translate(_DIGITS).split())


def plain_prose(report: Report) -> dict[str, str]:
    """Each prose part as a reader sees it: placeholders filled (left as written where they cannot be),
    Markdown escapes and white space removed, digits in their ASCII form."""
    values = placeholders.namespace(report)
    found = {}
    for f in fields(report.prose):
        text = getattr(report.prose, f.name)
        if not isinstance(text, str) or not text.strip():
            continue
        try:
            text = _ESCAPE.sub(r"\1", placeholders.fill(text, values, f.name))
        except PlaceholderError:
            pass
        found[f.name] = plain(text)
    return found


def quote(text: str, start: int, end: int, around: int = 12) -> str:
    """The words around ``text[start:end]``, with … where they were cut."""
    left, right = max(0, start - around), min(len(text), end + around)
    return ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")


@dataclass
class _Token:
    """A number in a sentence with the words around it."""

    value: Decimal
    said: str
    unit: str
    start: int
    end: int
    before: str = ""  # words back to the previous number or clause break
    after: str = ""  # words on to the next number or clause break
    paren: bool = False  # inside （…）
    approx: bool = False  # 100余条, 约2100条: no figure to hold a table to
    labels: list[tuple[str, tuple[str, ...]]] = dataclasses.field(default_factory=list)  # the figures it states


def _number(said: str) -> Decimal | None:
    if said[0].isdigit():
        return Decimal(said.replace(",", ""))
    try:
        return Decimal(int(cn2an.cn2an(said, "smart")))
    except (ValueError, KeyError, TypeError, InvalidOperation):
        return None


def _tokens(sentence: str) -> list[_Token]:
    """The counts of a sentence: numbers with a unit, or digits standing alone before a clause break."""
    found: list[_Token] = []
    for m in _TOKEN.finditer(sentence):
        num, unit = m.group("num"), m.group("unit") or ""
        if m.group("about") and not unit:
            continue
        rest = sentence[m.end():]
        chinese = not num[0].isdigit()
        if unit and _NOT_COUNT.match(rest) and unit not in _MONEY_UNITS:
            continue  # 15个工作日
        if not unit and (chinese or not (rest == "" or rest[0] in _BREAK or rest[0] == "、")):
            continue  # 2020年, 100%, 100余条, 12345热线
        value = _number(num)
        if value is None:
            continue
        if unit == "万元":
            value *= 10000
        approx = bool(m.group("about") or _APPROX.search(sentence[:m.start()]))
        depth = sentence[:m.start()].count("（") + sentence[:m.start()].count("(")
        depth -= sentence[:m.start()].count("）") + sentence[:m.start()].count(")")
        found.append(_Token(value, m.group(), unit, m.start(), m.end(), paren=depth > 0, approx=approx))
    for i, t in enumerate(found):
        left = found[i - 1].end if i else 0
        breaks = [b.end() for b in _CLAUSE.finditer(sentence, left, t.start)]
        t.before = sentence[max([left, *breaks]):t.start]
        right = found[i + 1].start if i + 1 < len(found) else len(sentence)
        stop = _CLAUSE.search(sentence, t.end, right)
        t.after = sentence[t.end:stop.start() if stop else right]
    return found


@dataclass
class _Context:
    """What a sentence has said before the number being read."""

    applied: bool  # the sentence is about applications (申请, 答复, 办结)
    fees: bool  # … about fees
    appeal: str = ""  # the last of 复议/诉讼 it named
    applications: bool = False  # an application figure was read
    outcomes: bool = False  # an outcome (予以公开 …) was read


Named = list[tuple[str, tuple[str, ...]]]


def _classify(text: str, t: _Token, ctx: _Context, after: str) -> Named:
    """The figures ``text`` (the words naming a number) gives it: (label, table 三's rows) each."""
    tail = text.rsplit("、", 1)[-1]
    unit = t.unit
    if unit in _MONEY_UNITS:
        if "行政事业性" not in text and _FEE.search(text) and (ctx.fees or "处理费" in text):
            return [("收取信息处理费", ())] if "收费金额" not in text else []
        return []
    if _CHANGE.search(tail):
        return []
    appeal = [m.group() for m in _APPEAL.finditer(tail)]
    if appeal and unit in _APPEAL_UNITS:
        return [("行政复议" if appeal[-1] == "复议" else "行政诉讼", ())]
    if ctx.appeal == "复议" and unit in _APPEAL_UNITS:
        if "维持" in tail:
            return [("复议结果维持", ())]
        if "纠正" in tail:
            return [("复议结果纠正", ())]
    if "收费通知" in text and unit in _DOCUMENT_UNITS | {"次"}:
        return [("收费通知", ())]
    if "规范性文件" in tail and _NORMATIVE.search(text) and unit in _DOCUMENT_UNITS:
        return [("制发规范性文件", ())]
    if unit not in _APPLICATION_UNITS:
        return []
    if _CARRIED_OVER.search(text):
        return [("结转下年度继续办理", ())]
    if _CARRIED_IN.search(text):
        return [("上年结转申请", ())]
    if _BOTH.search(text):
        return [("予以公开及部分公开", ("granted", "partial"))]
    if ctx.applied or ctx.outcomes:
        for label, path, words in _SUB_ROWS:
            if re.search(words, tail):
                return [(label, (path,))]
    for label, path, words in _ROWS:
        if re.search(words, tail):
            return [(label, (path,))]
    bare = _FILLER.sub("", tail)
    if ctx.outcomes and bare in ("其他", "其他情形"):
        return [("其他处理", ("other",))]
    if (((ctx.applied or "答复" in tail) and _GRANTED.search(tail)) or bare == "予以公开"
            or (ctx.applications and bare == "公开")):
        return [("予以公开", ("granted",))]
    if _NOT_APPLICATIONS.search(text):
        return []
    if ((_RECEIVED.search(text) and "申请" in tail) or (ctx.applied and _NEW.search(tail))
            or (_BARE_REQUEST.search(tail) and not re.search("处理|办理", text))):
        return [] if _BOTH_COUNTED.match(after) else [("本年新收申请", ())]
    if ctx.applied and _HANDLED.search(tail):
        handled: Named = [("本年办结申请", ())]
        return handled + [("按时办结申请", ())] if _ON_TIME.search(text) else handled
    return []


def _merge(readings: list[Reading]) -> list[Reading]:
    """Adjacent readings of one outcome's sub-rows summed (属于国家秘密1件，属于过程性信息2件: 不予公开 3)."""
    merged: list[Reading] = []
    for r in readings:
        last = merged[-1] if merged else None
        if (last is not None and last.label == r.label and r.label in _OUTCOMES - {"予以公开及部分公开"}
                and (r.label == "予以公开" or not any(a == b or a.startswith(f"{b}.") or b.startswith(f"{a}.")
                                                    for a in last.rows for b in r.rows))):
            merged[-1] = dataclasses.replace(last, value=last.value + r.value, said=f"{last.said}+{r.said}",
                                             end=r.end, rows=tuple(dict.fromkeys(last.rows + r.rows)))
        else:
            merged.append(r)
    return merged


def _total_candidate(t: _Token) -> str:
    """Whether ``t`` is a stated 主动公开 total: "strong" (主动…), "weak" (发布信息…), or ""."""
    if t.unit not in ("条", "件") or t.paren or t.approx or t.labels or not _GENERIC_TOTAL.search(t.before):
        return ""
    if "主动" in t.before:
        return "strong"
    return "" if _NEW_MEDIA.search(t.before) else "weak"


def _item(t: _Token, unit: str) -> bool:
    return t.unit == unit and not t.labels and not _NOT_ITEM.search(t.before + t.after)


def _listing(items: list[_Token], total: Decimal | None, clean: bool) -> list[Reading]:
    """主动公开分项合计 where a sentence lists two items or more (held to ``total`` where one is stated)."""
    if len(items) < 2:
        return []
    return [Reading("主动公开分项合计", sum((i.value for i in items), Decimal(0)), "+".join(i.said for i in items),
                    items[0].start, items[-1].end, listed=tuple(i.value for i in items), total=total, clean=clean)]


def _published(sentence: str, tokens: list[_Token], previous: Decimal | None) -> tuple[list[Reading], Decimal | None]:
    """主动公开: the total a sentence states and the sum of the items it lists; and the total, for the next sentence."""
    free = [t for t in tokens if not t.labels]
    if _LIST_START.match(sentence):  # 其中，…信息20条，…6条: the items of the total the sentence before states
        parts, whole = _items(sentence, free, "条", site=False)
        if listing := _listing(parts, previous, whole):
            return listing, None
    strength = [_total_candidate(t) for t in free]
    first = next((i for i, s in enumerate(strength) if s), None)
    items: list[_Token] = []
    total: _Token | None = None
    clean = True
    if first is not None:
        total, rest = free[first], free[first + 1:]
        nxt = rest[0] if rest else None
        if nxt is not None and _OPENER.search(sentence[total.end:nxt.start]):
            if strength[first] == "weak" and _total_candidate(nxt) == "strong":
                total, rest = nxt, []  # 发布信息4583条，其中主动公开政府信息2107条
            items, clean = _items(sentence, rest, total.unit, site="网站" in total.before)
        elif (nxt is not None and _total_candidate(nxt) == strength[first]
              and not re.search(r"[；;]", sentence[total.end:nxt.start])):
            items, clean = _items(sentence, [total, *rest], total.unit, site=False)
            total = None  # 门户网站主动公开信息26条，微博主动公开信息750条: two parts, no total
    elif free and _PUBLISHING.search(sentence[:free[0].start]):
        items, clean = _items(sentence, free, "条", site=False)
    found = [] if total is None else [Reading("主动公开政府信息", total.value, total.said, total.start, total.end)]
    listing = _listing(items, total.value if total else None, clean)
    return found + listing, (total.value if total is not None and not listing else None)


def _items(sentence: str, tokens: list[_Token], unit: str, site: bool) -> tuple[list[_Token], bool]:
    """The items a list names, top level only (not 其中/内有 sub-lists, not （…）); whether every number was one."""
    items: list[_Token] = []
    clean, nested, last = True, False, tokens[0].start if tokens else 0
    for t in tokens:
        if re.search(r"[；;]", sentence[last:t.start]):
            nested = False
        last = t.end
        if t.paren:
            continue
        if items and _NESTED.match(t.before):
            nested = True
        if nested:
            continue
        if site and _NEW_MEDIA.search(t.before):
            clean = False
            break  # 县政府网站发布…，其中…，微信公众号发布…: another channel, not a part of the site's total
        if t.approx or not _item(t, unit):
            clean = clean and t.unit != unit
            continue
        items.append(t)
    return items, clean


def _read_sentence(sentence: str, previous: Decimal | None) -> tuple[list[Reading], Decimal | None]:
    """The figures one sentence states, and its 主动公开 total (for a list in the next sentence)."""
    ctx = _Context(applied=bool(_APPLIED.search(sentence.replace("行政许可申请", ""))),
                   fees=bool(re.search(r"处理费|收费", sentence)))
    tokens = _tokens(sentence)
    readings: list[Reading] = []
    for t in tokens:
        appeals = _APPEAL.findall(sentence[:t.start])
        ctx.appeal = appeals[-1] if appeals else ""
        if t.approx:
            continue
        after = sentence[t.end:]
        t.labels = _classify(t.before, t, ctx, after) or (
            _classify(t.before + t.after, t, ctx, after) if _NUMBER_FIRST.match(t.after) else [])
        for label, rows in t.labels:
            readings.append(Reading(label, t.value, t.said, t.start, t.end, rows))
            ctx.applications = ctx.applications or label in _APPLICATION_FIGURES
            ctx.outcomes = ctx.outcomes or label in _OUTCOMES
    published, total = _published(sentence, tokens, previous)
    return sorted(_merge(readings) + published, key=lambda r: r.start), total


def _sentences(text: str) -> Iterator[tuple[int, str]]:
    for m in _SENTENCE.finditer(text):
        if m.group():
            yield m.start(), m.group()


def read(text: str) -> list[Reading]:
    """Every figure ``text`` (as ``plain`` gives it) states, sentence by sentence, offsets into ``text``."""
    found: list[Reading] = []
    previous: Decimal | None = None
    for start, sentence in _sentences(text):
        readings, previous = _read_sentence(sentence, previous)
        found += [dataclasses.replace(r, start=r.start + start, end=r.end + start) for r in readings]
    return found


@dataclass(frozen=True)
class Contradiction:
    """A figure the narrative states that its table (or, for listed items, its own total) contradicts."""

    part: str  # the prose field
    title: str  # its part's heading
    stated: Stated
    table: int | Decimal  # what the table (or the stated total) has
    said: str  # the number as the sentence writes it
    quote: str  # the words around it

    @property
    def listing(self) -> bool:
        """Whether it is listed items against the total the narrative states, not a figure against a table."""
        return self.stated.label == "主动公开分项合计"

    @property
    def heading(self) -> str:
        """The finding in a line."""
        if self.listing:
            return f"正文“{self.title}”所列各项之和与所写总数不一致"
        return f"正文“{self.title}”写的数字与表格不一致"

    @property
    def detail(self) -> str:
        """The sentence and what it is held to."""
        if self.listing:
            return f"正文：“{self.quote}”（各项之和 {self.said}）；所写总数为 {self.table}"
        return f"正文：“{self.quote}”（{self.stated.label} {self.said}）；表格：{self.stated.table}为 {self.table}"


def _held_to(report: NationalReport, reading: Reading) -> tuple[Stated, int | Decimal | None]:
    """What the table (or the narrative's own total) has for a reading, and where."""
    stated = BY_LABEL[reading.label]
    if reading.label == "主动公开分项合计":
        return stated, reading.total if reading.clean else None
    if len(reading.rows) == 1 and "." in reading.rows[0]:
        outcome, sub = reading.rows[0].split(".")
        group = getattr(report.applications.results, outcome)
        labels = getattr(type(group), "LABELS", {})
        if sub not in labels:
            return stated, None
        table = f"表三“{RESULT_LABELS[outcome]} {labels[sub]}”行“总计”列"
        return dataclasses.replace(stated, table=table), _row(report, reading.rows[0])
    if any("." in r for r in reading.rows):  # 属于国家秘密1件，属于过程性信息2件: the sum of the rows it names
        return dataclasses.replace(stated, table=f"{stated.table}中所写各分项之和"), _rows(*reading.rows)(report)
    return stated, stated.value(report)


def contradictions(report: Report, prose: dict[str, str] | None = None) -> list[Contradiction]:
    """Each figure the narrative states that its table contradicts; ``prose`` is ``plain_prose(report)`` where
    the caller has it already."""
    if not isinstance(report, NationalReport):
        return []
    parts = formats.of(report).prose_parts
    found = []
    for name, text in (plain_prose(report) if prose is None else prose).items():
        for reading in read(text):
            stated, table = _held_to(report, reading)
            if table is None:
                continue  # a blank cell, or none in this format: nothing to hold the sentence to
            if reading.value != Decimal(table):
                found.append(Contradiction(name, parts.get(name, name), stated, table, reading.said,
                                           quote(text, reading.start, reading.end)))
    return found


def stated_figures(report: Report) -> list[Problem]:
    """Each figure the narrative states that its table contradicts (a warning each, quoting the sentence)."""
    return [
        Problem(report.origin.file, report.origin.line(f"prose.{c.part}"), f"prose.{c.part}",
                f"所列各项之和等于所写的主动公开总数（{c.table}）" if c.listing else
                f"与{c.stated.table}一致的{c.stated.label}数（{c.table}）",
                f"“{c.quote}”（{'各项之和' if c.listing else c.stated.label} {c.said}）", severity="warning",
                table=f"正文“{c.title}”")
        for c in contradictions(report)
    ]
