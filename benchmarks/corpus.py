"""Benchmark: the importer against the corpus of real published reports (tests/corpus).

    .venv/bin/python benchmarks/corpus.py [--json OUT.json] [--only ID ...] [--types html docx pdf]

For every report of ``tests/corpus/<id>/`` and each of its three files (source.html, source.docx, source.pdf):
import it (``helpers.intake.importer.import_file(..., keep_invalid=True)``) in a fresh temporary project (the
project's ``xxgk.toml`` and an empty ``data/``), load the data file written, and compare it with ``truth.yaml``
leaf by leaf. One row per report and source type:

- imported: yes, or no (refused; the first reason is kept for the summary);
- fields: matching leaves / truth leaves over organ.*, year, format, publication.date, signature.*, contact.*
  and unseen (one leaf: the same set of parts);
- cells: matching table cells / truth cells over active, applications, appeals, processing_fees; for a
  legacy-2008 report, its printed_figures, each found when the import's printed_figures has one of the same part
  and value (labels are free wording, so they are not compared);
- prose: truth prose parts (preamble, overview, problems, other; for legacy-2008 each of its parts, matched to the
  import's part of the same heading) whose whitespace-normalised text equals the import's. The overview is
  compared with the import's overview and its sub-parts (active, requests, management, platforms, oversight)
  joined, sub-part headings and markdown marks removed from both sides.

Numbers: an integer equals only an integer (5 is not 5.0); amounts (float or Decimal, both non-integral types)
are equal when numerically equal; "/" equals "/".
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import io
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
TYPES = ("html", "docx", "pdf")
FIELD_ROOTS = ("organ", "year", "format", "publication", "signature", "contact", "unseen")
CELL_ROOTS = ("active", "applications", "appeals", "processing_fees")
PROSE_KEYS = ("preamble", "overview", "problems", "other")
OVERVIEW_SUBS = ("active", "requests", "management", "platforms", "oversight")
SUB_HEADING = re.compile(r"^[（(][一二三四五六七八九十]+[)）][^。；：:\n]{0,24}?(?:[。：:]|$)", re.M)


def load_yaml(path: Path) -> Any:
    yaml = YAML(typ="safe")
    return yaml.load(path.read_text(encoding="utf-8"))


def leaves(node: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            out.update(leaves(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: node}


def plain(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()[:10]
    return value


def same(truth: Any, got: Any) -> bool:
    truth, got = plain(truth), plain(got)
    if isinstance(truth, bool) or isinstance(got, bool):
        return truth is got
    if isinstance(truth, int) and isinstance(got, int):
        return truth == got
    if isinstance(truth, (float, Decimal)) and isinstance(got, (float, Decimal)):
        return Decimal(str(truth)) == Decimal(str(got))
    if isinstance(truth, (int, float, Decimal)) or isinstance(got, (int, float, Decimal)):
        return False
    if isinstance(truth, str) and isinstance(got, str):
        return truth.strip() == got.strip()
    return truth == got


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def no_headings(text: str) -> str:
    text = re.sub(r"^#+\s*", "", text or "", flags=re.M)
    return squash(SUB_HEADING.sub("", text.replace("\r", "")))


def compare(truth: dict[str, Any], got: dict[str, Any]) -> dict[str, Any]:
    legacy = truth.get("format") == "legacy-2008"
    # fields
    tfields = {k: v for k, v in leaves({r: truth[r] for r in FIELD_ROOTS if r in truth and r != "unseen"}).items()}
    gfields = leaves({r: got.get(r) for r in FIELD_ROOTS if r != "unseen" and got.get(r) is not None})
    field_total = len(tfields) + (1 if "unseen" in truth else 0)
    field_ok = sum(1 for k, v in tfields.items() if k in gfields and same(v, gfields[k]))
    if "unseen" in truth and set(truth["unseen"]) == set(got.get("unseen") or []):
        field_ok += 1
    # cells
    if legacy:
        figures = truth.get("printed_figures") or []
        pool = Counter((f.get("part"), plain(f.get("value"))) for f in got.get("printed_figures") or []
                       if isinstance(f, dict))
        cell_total, cell_ok = len(figures), 0
        for figure in figures:
            key = (figure.get("part"), figure["value"])
            if pool[key] > 0:
                pool[key] -= 1
                cell_ok += 1
    else:
        tcells = leaves({r: truth[r] for r in CELL_ROOTS if r in truth})
        gcells = leaves({r: got.get(r) for r in CELL_ROOTS if got.get(r) is not None})
        cell_total = len(tcells)
        cell_ok = sum(1 for k, v in tcells.items() if k in gcells and same(v, gcells[k]))
    # prose
    gprose = got.get("prose") or {}
    if legacy:
        gparts = {squash(p.get("heading", "")): squash(p.get("text", "")) for p in got.get("parts") or []
                  if isinstance(p, dict)}
        parts = [p for p in truth.get("parts") or [] if p.get("text")]
        prose_total = len(parts)
        prose_ok = sum(1 for p in parts if gparts.get(squash(p.get("heading", ""))) == squash(p["text"]))
    else:
        tprose = truth.get("prose") or {}
        prose_total, prose_ok = 0, 0
        for key in PROSE_KEYS:
            if key not in tprose:
                continue
            prose_total += 1
            if key == "overview":
                subs = [gprose.get("overview", ""), *(gprose.get(s, "") for s in OVERVIEW_SUBS)]
                joined = "\n\n".join(filter(None, subs))
                ok = squash(tprose[key]) == squash(joined) or no_headings(tprose[key]) == no_headings(joined)
            else:
                ok = squash(tprose[key]) == squash(gprose.get(key, ""))
            prose_ok += ok
    return dict(fields=[field_ok, field_total], cells=[cell_ok, cell_total], prose=[prose_ok, prose_total])


def import_one(source: Path) -> tuple[dict[str, Any] | None, str, float]:
    """Import ``source`` into a fresh temporary project; the data written (or None) and the first reason given."""
    from helpers.intake.importer import import_file

    with tempfile.TemporaryDirectory(prefix="corpus-bench-") as tmp:
        project = Path(tmp)
        shutil.copy(ROOT / "xxgk.toml", project / "xxgk.toml")
        data_dir = project / "data"
        data_dir.mkdir()
        start = time.perf_counter()
        cwd = os.getcwd()
        os.chdir(project)
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                result = import_file(source, data_dir, keep_invalid=True)
        except Exception as exc:  # the importer promises never to raise; count it as a refusal if it does
            return None, f"raised {type(exc).__name__}: {exc}", time.perf_counter() - start
        finally:
            os.chdir(cwd)
        seconds = time.perf_counter() - start
        written = result.written if result.written and result.written.is_file() else None
        if written is None:
            found = sorted(data_dir.rglob("*.yaml"))
            written = found[0] if found else None
        reason = next((said for said in result.lines if "警告" not in said and "按空白" not in said),
                      result.summary or "")
        reason = reason.removeprefix(source.name).lstrip("：: ")
        if not result.ok and written is None:
            return None, reason, seconds
        return (load_yaml(written) if written else None), reason, seconds


def run(ids: list[str], types: list[str]) -> list[dict[str, Any]]:
    rows = []
    for folder in sorted(p for p in CORPUS.iterdir() if (p / "truth.yaml").is_file()):
        if ids and folder.name not in ids:
            continue
        truth = load_yaml(folder / "truth.yaml")
        meta = load_yaml(folder / "meta.yaml")
        for kind in types:
            source = folder / f"source.{kind}"
            row: dict[str, Any] = dict(id=folder.name, kind=meta.get("kind"), format=truth.get("format"), type=kind)
            if not source.is_file():
                row.update(imported=False, reason="no such file", seconds=0.0)
            else:
                got, reason, seconds = import_one(source)
                row.update(imported=got is not None, reason=reason, seconds=round(seconds, 2))
                scores = compare(truth, got or {})
                row.update(scores)
            row.setdefault("fields", [0, len(leaves({r: truth[r] for r in FIELD_ROOTS if r in truth and r != "unseen"}))
                                      + (1 if "unseen" in truth else 0)])
            row.setdefault("cells", [0, 0])
            row.setdefault("prose", [0, 0])
            rows.append(row)
            print(line(row), flush=True)
    return rows


HEADER = f"{'id':36} {'kind':4} {'format':13} {'type':4} {'imp':3} {'fields':>7} {'cells':>7} {'prose':>5}"


def ratio(pair: list[int]) -> str:
    return f"{pair[0]}/{pair[1]}"


def line(row: dict[str, Any]) -> str:
    return (f"{row['id']:36} {row['kind']:4} {row['format']:13} {row['type']:4} {'yes' if row['imported'] else 'no':3} "
            f"{ratio(row['fields']):>7} {ratio(row['cells']):>7} {ratio(row['prose']):>5}")


def totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out = {}
    for kind in TYPES:
        mine = [r for r in rows if r["type"] == kind]
        if not mine:
            continue
        pooled = {m: [sum(r[m][0] for r in mine), sum(r[m][1] for r in mine)] for m in ("fields", "cells", "prose")}
        out[kind] = dict(reports=len(mine), imported=sum(r["imported"] for r in mine), **pooled)
    return out


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "    -"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the rows and totals as JSON")
    parser.add_argument("--only", nargs="*", default=[], help="report ids")
    parser.add_argument("--types", nargs="*", default=list(TYPES), choices=TYPES)
    args = parser.parse_args()
    print(HEADER)
    rows = run(args.only, args.types)
    summary = totals(rows)
    print()
    print(f"{'type':5} {'imported':>12} {'fields exact':>20} {'cells exact':>20} {'prose exact':>18}")
    for kind, t in summary.items():
        print(f"{kind:5} {t['imported']:>3}/{t['reports']:<3} {pct(t['imported'], t['reports'])}"
              f" {t['fields'][0]:>5}/{t['fields'][1]:<5} {pct(*t['fields'])}"
              f" {t['cells'][0]:>5}/{t['cells'][1]:<5} {pct(*t['cells'])}"
              f" {t['prose'][0]:>3}/{t['prose'][1]:<3} {pct(*t['prose'])}")
    refused = Counter(r["reason"][:90] for r in rows if not r["imported"])
    if refused:
        print("\nreasons refused (count):")
        for reason, n in refused.most_common(8):
            print(f"  {n:3}  {reason}")
    if args.json:
        args.json.write_text(json.dumps(dict(rows=rows, totals=summary), ensure_ascii=False, indent=1, default=str),
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
