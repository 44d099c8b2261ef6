"""Make each report's Word and PDF file from its page, as offices export their attachments.

    .venv/bin/python tests/corpus/make.py [ID ...]

For every ``tests/corpus/<id>/source.html`` (or the ids named): ``source.docx`` (MS Word 2007 XML) and
``source.pdf`` (writer_pdf_Export), by LibreOffice headless with a private profile, one conversion at a time.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TIMEOUT = 120  # seconds per conversion
TARGETS = (("docx", 'docx:"MS Word 2007 XML"'.replace('"', "")), ("pdf", "pdf:writer_pdf_Export"))


def convert(source: Path, suffix: str, target: str, profile: Path, work: Path) -> None:
    command = ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--infilter=HTML (StarWriter)", "--convert-to", target, "--outdir", str(work), str(source)]
    subprocess.run(command, check=True, capture_output=True, timeout=TIMEOUT)
    made = work / f"{source.stem}.{suffix}"
    if not made.is_file():
        raise RuntimeError(f"{source}: LibreOffice made no .{suffix}")
    shutil.move(made, source.with_suffix(f".{suffix}"))


def main(ids: list[str]) -> int:
    soffice = shutil.which("soffice")
    if soffice is None:
        print("soffice not found: apt-get install -y libreoffice-writer", file=sys.stderr)
        return 1
    sources = sorted(HERE.glob("*/source.html")) if not ids else [HERE / i / "source.html" for i in ids]
    failed = 0
    with tempfile.TemporaryDirectory(prefix="corpus-lo-") as tmp:
        profile, work = Path(tmp) / "profile", Path(tmp) / "out"
        work.mkdir()
        for source in sources:
            for suffix, target in TARGETS:
                try:
                    convert(source, suffix, target, profile, work)
                    print(f"{source.parent.name}/source.{suffix}")
                except (subprocess.SubprocessError, RuntimeError) as exc:
                    failed += 1
                    print(f"{source.parent.name}: .{suffix} failed: {exc}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
