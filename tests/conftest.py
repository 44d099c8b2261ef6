"""Shared test helpers: fixture files, and reading a built page the way a reader sees it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import settings

# Every random choice is seeded: hypothesis draws the same examples on every run and machine.
settings.register_profile("seeded", derandomize=True, print_blob=True, deadline=None)  # no timed tests
settings.load_profile("seeded")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


class _Text(HTMLParser):
    """Collects the text a browser would show: no <style>, <script>, <title> or comments."""

    HIDDEN = {"style", "script", "title", "head"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.HIDDEN:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The page's visible text with all whitespace removed (Chinese text has no word spaces)."""
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", "", "".join(parser.parts))


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line of ``text`` that contains ``needle``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


# Every problem the suite provokes in this process is read for a field path as a user would see it: the place
# a message names and what it says was found, without the values and names quoted in it (“organ.twn” is what the
# clerk typed, {{ year }} a placeholder, a URL an address).
_SAID: list[str] = []
_FIELD_PATH = re.compile(r"(?<![\w./@:-])[a-z_]+(?:\.[a-z_]+)+(?![\w./@-])")
_QUOTED = re.compile(r"“[^”]*”|\{\{.*?\}\}|https?://\S+|\S+@\S+|`[^`]*`")


def pytest_configure(config: pytest.Config) -> None:
    from helpers.errors import Problem

    described = Problem.describe

    def recorded(self: Problem) -> str:
        text = described(self)
        _SAID.append(text)
        return text

    Problem.describe = recorded  # type: ignore[method-assign]


def field_paths(message: str) -> list[str]:
    """The dotted field paths a message shows its reader, outside what it quotes and its hint."""
    named = message.partition("。")[0]  # the hint after the first full stop may name a placeholder to use
    return _FIELD_PATH.findall(_QUOTED.sub("", named))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """No message the suite provoked names a field by its path (issue 22): the run fails if one did."""
    leaks = sorted({message for message in _SAID if field_paths(message)})
    if leaks:
        print("\n消息中出现了字段路径：\n" + "\n".join(leaks[:30]))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every end-to-end and browser test is slow: ``make test-fast`` (-m "not slow") leaves them out."""
    for item in items:
        parts = Path(str(item.fspath)).relative_to(ROOT).parts
        if parts[:2] in (("tests", "e2e"), ("tests", "browser")):
            item.add_marker(pytest.mark.slow)


def make_project(root: Path) -> Path:
    """A project folder: the marker and a copy of the template notebooks (data is the caller's)."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "xxgk.toml", root / "xxgk.toml")
    shutil.copytree(ROOT / "notebooks", root / "notebooks", dirs_exist_ok=True)
    return root


@pytest.fixture
def minimal_text() -> str:
    """The text of a small valid legacy-2008 data file."""
    return (FIXTURES / "legacy_minimal.yaml").read_text(encoding="utf-8")


@pytest.fixture
def write_data(tmp_path: Path):
    """Write data-file text to ``<tmp>/data/<town>/<year>.yaml`` and return the path."""

    def write(text: str, town: str = "daxin", year: str = "2018") -> Path:
        path = tmp_path / "data" / town / f"{year}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


def tool(name: str, package: str) -> str:
    """The path of a command the test needs; a skip saying which Debian package gives it (a failure in CI, where
    XXGK_REQUIRE_TOOLS=1)."""
    found = shutil.which(name)
    if found is None:
        if os.environ.get("XXGK_REQUIRE_TOOLS") == "1":
            pytest.fail(f"XXGK_REQUIRE_TOOLS=1，但没有 {name}（Debian 软件包 {package}）")
        pytest.skip(f"没有 {name}（Debian 软件包 {package}）")
    return found


def libreoffice(source: Path, kind: str, folder: Path) -> Path:
    """``source`` converted by LibreOffice to ``kind`` (pdf, docx, ``pdf:writer_web_pdf_Export`` …) in ``folder``,
    with a profile of its own there."""
    soffice = tool("soffice", "libreoffice-writer")
    run = subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{folder}/profile",
                          "--convert-to", kind, "--outdir", str(folder), str(source)],
                         capture_output=True, text=True, timeout=300)
    made = folder / f"{source.stem}.{kind.partition(':')[0]}"
    assert run.returncode == 0 and made.exists(), run.stdout + run.stderr
    return made
