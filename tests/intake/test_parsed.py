"""Parsed data files kept between processes: what is recalled is the report the loader parses (every field,
its lines, the "+" of a change), a changed file is parsed anew, and a damaged or planted entry is never used."""

from __future__ import annotations

import dataclasses
import json
import shutil

import pytest

from helpers.intake import load, parsed
from helpers.report.model import Change
from tests.conftest import FIXTURES, ROOT

FILES = sorted(ROOT.glob("data/*/*.yaml")) + sorted(FIXTURES.glob("published/*/*/*.yaml"))


@pytest.fixture
def kept(tmp_path, monkeypatch):
    folder = tmp_path / "parsed"
    monkeypatch.setenv(parsed.FOLDER, str(folder))
    monkeypatch.setenv(parsed.KEY, str(tmp_path / "key" / "parsed.key"))
    return folder


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_a_recalled_report_is_the_parsed_one(kept, path):
    text = path.read_text(encoding="utf-8")
    shown = load.display_path(path)
    report = load.parse_report(text, shown, path)
    parsed.keep(text, shown, path, report)
    recalled = parsed.recall(text, shown, path)
    assert recalled == report and type(recalled) is type(report)
    assert recalled.origin == report.origin
    assert _changes(recalled) == _changes(report)  # the "+" a change was written with, too


def _changes(value: object) -> list[str]:
    """Every signed change of a report, as it prints (``+19``)."""
    if isinstance(value, Change):
        return [str(value)]
    if dataclasses.is_dataclass(value):
        return [c for f in dataclasses.fields(value) for c in _changes(getattr(value, f.name))]
    return []


def test_a_changed_file_is_parsed_anew_and_nothing_is_kept_without_the_folder(tmp_path, kept, monkeypatch):
    path = tmp_path / "data" / "nanhu" / "2025.yaml"
    path.parent.mkdir(parents=True)
    shutil.copy(ROOT / "data" / "nanhu" / "2025.yaml", path)
    first = load.load_report(path)
    assert list(kept.rglob("*.json"))
    path.write_text(path.read_text(encoding="utf-8").replace("licensing: {decisions: 183}",
                                                             "licensing: {decisions: 184}"), encoding="utf-8")
    assert load.load_report(path).active.licensing.decisions == first.active.licensing.decisions + 1
    monkeypatch.delenv(parsed.FOLDER)
    assert parsed.recall(path.read_text(encoding="utf-8"), "x", path) is None


def test_a_damaged_entry_is_not_used(tmp_path, kept):
    path = ROOT / "data" / "nanhu" / "2025.yaml"
    text, shown = path.read_text(encoding="utf-8"), load.display_path(path)
    report = load.parse_report(text, shown, path)
    parsed.keep(text, shown, path, report)
    (entry,) = kept.rglob("*.json")
    entry.write_text('{"format": "national-2021", "year": "not a year"', encoding="utf-8")
    assert parsed.recall(text, shown, path) is None
    entry.write_text('{"format": "no-such-format"}', encoding="utf-8")
    assert parsed.recall(text, shown, path) is None


def _planted(kept, path, plain):
    """An entry an attacker writes under the name a build will look for: the name is no secret, the key is."""
    text, shown = path.read_text(encoding="utf-8"), load.display_path(path)
    place = parsed._place(text, shown, path)
    place.parent.mkdir(parents=True, exist_ok=True)
    return text, shown, place


def test_a_planted_entry_is_ignored_with_a_warning_and_the_file_read(tmp_path, kept, capsys):
    path = tmp_path / "data" / "nanhu" / "2025.yaml"
    path.parent.mkdir(parents=True)
    shutil.copy(ROOT / "data" / "nanhu" / "2025.yaml", path)
    real = load.parse_report(path.read_text(encoding="utf-8"), load.display_path(path), path)
    hostile = parsed._plain(real)
    hostile["publication"]["url"] = "javascript:alert(1)"
    hostile["active"]["licensing"]["decisions"] = -1000
    hostile["organ"]["district_slug"] = "../../../../../x"
    text, shown, place = _planted(kept, path, hostile)
    body = json.dumps(hostile, ensure_ascii=False)
    for planted in (body, "0" * 64 + "\n" + body, parsed._mac(b"k" * 32, place, body.encode()) + "\n" + body):
        place.write_text(planted, encoding="utf-8")
        assert parsed.recall(text, shown, path) is None
        assert "未通过校验" in capsys.readouterr().err
    load._cache.clear()
    report = load.load_report(path)
    assert report.publication.url == real.publication.url and report.organ.district_slug == "yangli"
    assert report.active.licensing.decisions == real.active.licensing.decisions
    assert parsed.recall(text, shown, path) == real  # the entry was replaced by a signed one


def test_a_deep_entry_is_ignored_without_a_recursion_error(kept, tmp_path):
    path = ROOT / "data" / "nanhu" / "2025.yaml"
    text, shown, place = _planted(kept, path, None)
    place.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    assert parsed.recall(text, shown, path) is None
    key = parsed._key()
    body = b"[" * 100_000 + b"]" * 100_000  # even signed (a key leaked): no RecursionError escapes
    place.write_bytes(parsed._mac(key, place, body).encode() + b"\n" + body)
    assert parsed.recall(text, shown, path) is None


def test_without_a_key_nothing_is_kept(tmp_path, monkeypatch):
    monkeypatch.setenv(parsed.FOLDER, str(tmp_path / "parsed"))
    blocked = tmp_path / "file"
    blocked.write_text("x")
    monkeypatch.setenv(parsed.KEY, str(blocked / "parsed.key"))  # its folder is a file: no key can be made
    path = ROOT / "data" / "nanhu" / "2025.yaml"
    text, shown = path.read_text(encoding="utf-8"), load.display_path(path)
    parsed.keep(text, shown, path, load.parse_report(text, shown, path))
    assert not (tmp_path / "parsed").exists()


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_a_glance_at_a_kept_file_says_what_loading_it_says(kept, path, monkeypatch):
    report = load.load_report(path)  # parsed and kept
    monkeypatch.setattr(load, "_cache", {})  # as another process: nothing loaded here
    monkeypatch.setattr(load, "_glances", {})
    monkeypatch.setattr(parsed, "_from_plain", lambda *a: pytest.fail("the report object was built"))
    seen = load.glance(path)
    assert (seen.format, seen.town, seen.district_slug, seen.file) == (
        report.format, report.organ.town, report.organ.district_slug, report.origin.file)


def test_a_glance_at_a_changed_or_planted_file_reads_the_file(tmp_path, kept, monkeypatch):
    path = tmp_path / "data" / "nanhu" / "2025.yaml"
    path.parent.mkdir(parents=True)
    shutil.copy(ROOT / "data" / "nanhu" / "2025.yaml", path)
    assert load.glance(path).town == "南湖街道"
    path.write_text(path.read_text(encoding="utf-8").replace("南湖街道", "北湖街道"), encoding="utf-8")
    assert load.glance(path).town == "北湖街道"  # a changed file is read anew, in this process too
    monkeypatch.setattr(load, "_cache", {})
    monkeypatch.setattr(load, "_glances", {})
    for entry in kept.rglob("*.json"):  # every entry planted: its MAC no longer verifies
        mac, _, body = entry.read_bytes().partition(b"\n")
        entry.write_bytes(mac + b"\n" + body.replace("北湖街道".encode(), "西湖街道".encode()))
    assert load.glance(path).town == "北湖街道"

