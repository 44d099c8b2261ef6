"""内容雷同 across a district: 300 generated organs × 6 prose parts, each part against the same part of every other
organ (and of its own last year), as ``xxgk audit`` judges them. Repeated; median and spread of the seconds.

    .venv/bin/python benchmarks/similarity.py [--organs 300] [--repeat 5]

Budget: 10 s for 300 organs on the 2-core reference machine (README, “区政务公开办的一年”).
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import time
from pathlib import Path

from helpers.intake.load import load_report
from helpers.report.review import Submission, _alike, _texts

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("overview", "active", "requests", "management", "problems", "other")
WORDS = ("政务公开 依申请 主动公开 平台建设 监督保障 信息管理 "
         "解读回应 标准目录 保密审查 便民服务 政策文件 考核评议").split()


def _text(rng: random.Random) -> str:
    """A part of about 300 characters: sentences drawn at random, so organs differ as real ones do."""
    return "。".join("".join(rng.choice(WORDS) for _ in range(rng.randint(4, 8))) + f"{rng.randint(1, 99)}项"
                     for _ in range(rng.randint(8, 14))) + "。"


def organs(count: int, seed: int = 0) -> list[Submission]:
    rng = random.Random(seed)
    base = load_report(ROOT / "data" / "nanhu" / "2025.yaml")
    found = []
    for i in range(count):
        prose = dataclasses.replace(base.prose, **{p: _text(rng) for p in PARTS})
        before = dataclasses.replace(base.prose, **{p: _text(rng) for p in PARTS})
        organ = dataclasses.replace(base.organ, slug=f"o{i}", town=f"机关{i}")
        found.append(Submission(f"o{i}", f"机关{i}", "", dataclasses.replace(base, organ=organ, prose=prose),
                                dataclasses.replace(base, organ=organ, prose=before)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organs", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    subs = organs(args.organs)
    seconds = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        found = _alike(subs, {s.slug: _texts(s) for s in subs})  # each part read as shown, then compared
        seconds.append(time.perf_counter() - start)
    pairs = len(PARTS) * args.organs * (args.organs - 1) // 2
    print(f"{args.organs} 个机关 × {len(PARTS)} 个部分（{pairs} 对）：中位数 {statistics.median(seconds):.2f} 秒"
          f"（{min(seconds):.2f}—{max(seconds):.2f}，{args.repeat} 次），雷同 {sum(map(len, found.values()))} 条")


if __name__ == "__main__":
    main()
