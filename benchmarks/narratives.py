"""正文中的数字 on real reports: what ``consistency.read`` finds in each sentence of tests/fixtures/narratives
against what the sentence states, per figure and overall, and what it reads in sentences that state nothing.

    .venv/bin/python benchmarks/narratives.py [--misses]

A figure the text writes no number for (``implied: true``) or only approximately (``approx: true``) is counted
apart: nothing to read, and no reading of it counted wrong.
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ruamel.yaml import YAML

from helpers.report.consistency import plain, read

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "narratives"
Figure = tuple[str, Decimal]


@dataclass
class Measure:
    """Counts over the corpus: per figure found, found and right, stated; and the sentences behind them."""

    reports: int = 0
    sentences: int = 0  # sentences that state at least one figure
    found: Counter[str] = field(default_factory=Counter)
    right: Counter[str] = field(default_factory=Counter)
    stated: Counter[str] = field(default_factory=Counter)
    unwritten: Counter[str] = field(default_factory=Counter)  # implied or approximate: not counted above
    negatives: int = 0  # sentences that state nothing
    false_on_negatives: int = 0
    wrong: list[tuple[str, str, list[Figure]]] = field(default_factory=list)  # (file, sentence, readings not stated)
    missed: list[tuple[str, str, list[Figure]]] = field(default_factory=list)  # (file, sentence, figures not read)

    @staticmethod
    def ratio(right: int, of: int) -> float:
        return right / of if of else 1.0

    def precision(self, label: str | None = None) -> float:
        return self.ratio(*((self.right[label], self.found[label]) if label else
                            (sum(self.right.values()), sum(self.found.values()))))

    def recall(self, label: str | None = None) -> float:
        return self.ratio(*((self.right[label], self.stated[label]) if label else
                            (sum(self.right.values()), sum(self.stated.values()))))


def measure(corpus: Path = CORPUS) -> Measure:
    """Every sentence of the corpus read and compared with its ``states``."""
    m = Measure()
    yaml = YAML(typ="safe")
    for path in sorted(corpus.glob("*.yaml")):
        m.reports += 1
        for sentence in yaml.load(path.read_text(encoding="utf-8"))["sentences"]:
            states = sentence["states"]
            unwritten = {(s["figure"], Decimal(str(s["value"]))) for s in states if s.get("implied") or s.get("approx")}
            stated = Counter((s["figure"], Decimal(str(s["value"]))) for s in states
                             if not (s.get("implied") or s.get("approx")))
            found = Counter((r.label, r.value) for r in read(plain(sentence["text"])))
            found = Counter({k: n for k, n in found.items() if k not in unwritten})
            right = found & stated
            m.sentences += bool(states)
            m.negatives += not states
            m.false_on_negatives += 0 if states else sum(found.values())
            for counter, figures in ((m.found, found), (m.right, right), (m.stated, stated)):
                for (label, _), n in figures.items():
                    counter[label] += n
            for label, _ in unwritten:
                m.unwritten[label] += 1
            if found - stated:
                m.wrong.append((path.name, sentence["text"], sorted((found - stated).elements())))
            if stated - found:
                m.missed.append((path.name, sentence["text"], sorted((stated - found).elements())))
    return m


def table(m: Measure) -> str:
    """Per figure and overall: found, right, stated, precision, recall (a Markdown table)."""
    rows = ["| 名称 | 读出 | 读对 | 写明 | 精确率 | 召回率 | 未写数字 |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    labels = sorted(set(m.found) | set(m.stated) | set(m.unwritten), key=lambda lab: (-m.stated[lab], lab))
    for label in labels:
        rows.append(f"| {label} | {m.found[label]} | {m.right[label]} | {m.stated[label]} | "
                    f"{m.precision(label):.1%} | {m.recall(label):.1%} | {m.unwritten[label]} |")
    rows.append(f"| 合计 | {sum(m.found.values())} | {sum(m.right.values())} | {sum(m.stated.values())} | "
                f"{m.precision():.1%} | {m.recall():.1%} | {sum(m.unwritten.values())} |")
    return "\n".join(rows)


def summary(m: Measure) -> str:
    """The line README.md quotes."""
    return (f"在 tests/fixtures/narratives 的 {m.reports} 份真实报告、{m.sentences} 句含数字的句子上："
            f"精确率 {m.precision():.1%}，召回率 {m.recall():.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list each wrong reading and each figure not read")
    args = parser.parse_args()
    m = measure()
    print(table(m))
    print()
    print(summary(m))
    print(f"反例 {m.negatives} 句，误读 {m.false_on_negatives} 个；"
          f"未写数字的（implied、approx）{sum(m.unwritten.values())} 个另计")
    if args.misses:
        for title, rows in (("读错", m.wrong), ("漏读", m.missed)):
            print(f"\n{title}：")
            for name, text, figures in rows:
                print(f"  {name}: {text}\n    {figures}")


if __name__ == "__main__":
    main()
