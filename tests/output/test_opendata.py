"""Open data: the JSON validates against its documented schema and gives the tables back; the CSV reads back."""

from __future__ import annotations

import io
import json

import jsonschema
import pandas as pd
import pytest

from helpers.intake import gather
from helpers.intake.load import load_report, write_district
from helpers.output import opendata
from helpers.report import demo, tables
from tests.conftest import ROOT

SCHEMA = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
SAMPLES = ["data/daxin/2018.yaml", "data/nanhu/2020.yaml", "data/nanhu/2025.yaml"]


@pytest.mark.parametrize("path", SAMPLES)
def test_report_json_validates_against_its_schema(path):
    data = json.loads(opendata.dumps(opendata.report_json(load_report(ROOT / path))))
    jsonschema.validate(data, SCHEMA)
    assert data["schema"] == "xxgk-report/1"


@pytest.mark.parametrize("path", SAMPLES[1:])
def test_national_tables_round_trip(path):
    report = load_report(ROOT / path)
    data = json.loads(opendata.dumps(opendata.report_json(report)))
    back = opendata.table_from_json(data["tables"]["applications"][0])
    assert back.equals(tables.applications_table(report))
    assert opendata.table_from_json(data["tables"]["appeals"][0]).equals(
        tables.appeals_table(report).set_axis(range(1), axis=0)
    )
    for block, frame in zip(data["tables"]["active"], tables.active_tables(report), strict=True):
        assert opendata.table_from_json(block).astype(float).equals(frame.astype(float))
    assert data["totals"]["received"] == tables.national_totals(report)["received"]


def test_legacy_json_has_the_seed_total():
    data = opendata.report_json(load_report(ROOT / "data/daxin/2018.yaml"))
    assert data["figures"]["published"]["website"] == 294
    published = opendata.table_from_json(data["tables"]["published"][0])
    assert published.loc["合计", "数量"] == 318


def test_schema_rejects_a_broken_file():
    data = opendata.report_json(load_report(ROOT / SAMPLES[2]))
    del data["tables"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA)


def test_district_csv_reads_back_with_one_row_per_town(tmp_path):
    write_district(tmp_path, demo.district_data(demo.demo_towns(5), [2025], seed=9))
    found = gather.load_district(tmp_path, demo.SAMPLE_DISTRICT_SLUG, 2025)
    text = opendata.district_csv(found)
    assert text.startswith("\ufeff")
    frame = pd.read_csv(io.StringIO(text.removeprefix("\ufeff")))
    assert list(frame.columns) == [
        "镇（街道）",
        "镇街代码",
        "主动公开处理决定（许可、处罚、强制，件）",
        "本年新收申请（件）",
        "本年办结申请（件）",
        "结转下年度继续办理（件）",
        "行政复议（件）",
        "行政诉讼（件）",
    ]
    assert len(frame) == 5 and sorted(frame["镇街代码"]) == [f"t00{i}" for i in range(1, 6)]
    row = frame.set_index("镇街代码").loc["t003"]
    report = load_report(tmp_path / "t003" / "2025.yaml")
    assert row["本年新收申请（件）"] == tables.national_totals(report)["received"]


@pytest.mark.parametrize(
    "name", ["=cmd|' /C calc'!A0", '=HYPERLINK("javascript:alert(1)","点我")', "+1+1", "-2+3", "@SUM(1)", "\t=1"]
)
def test_csv_never_starts_a_cell_with_a_formula_and_numbers_stay_numbers(tmp_path, name):
    data = demo.district_data(demo.demo_towns(2), [2025], seed=9)
    data[("t001", 2025)]["organ"]["town"] = name
    write_district(tmp_path, data)
    found = gather.load_district(tmp_path, demo.SAMPLE_DISTRICT_SLUG, 2025)
    frame = pd.read_csv(io.StringIO(opendata.district_csv(found).removeprefix("\ufeff")), keep_default_na=False)
    cells = [str(v) for v in frame["镇（街道）"]]
    assert "'" + name.strip() in cells  # a town name is one line of text: surrounding white space goes
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    assert all(pd.api.types.is_integer_dtype(frame[c]) for c in frame.columns[2:])
