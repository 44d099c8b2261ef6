"""Parsed data files kept between processes, so that a file is parsed once until it changes.

A build reads each data file in many processes: the build itself (its jobs, their districts and digests), every
worker that checks a report, every kernel that draws its history. YAML parsing with line numbers is the
slowest part of reading a file (tens of milliseconds), so ``load_report`` keeps what it parsed as JSON in the
folder named by ``XXGK_PARSED`` (``xxgk build`` sets it to ``outputs/.cache/parsed``), named by a digest of the
file's text, its path and the loader's own code. JSON, not pickle, so that nothing kept is ever run.

Nothing read back from ``outputs/`` is trusted more than a data file: every entry carries an HMAC-SHA256 of its
name and content under a key kept outside ``outputs/`` (``$XXGK_CACHE_KEY``, else
``~/.cache/xxgk/parsed.key``, made on first use, readable by its owner only). An entry whose MAC does not verify
(planted, damaged, from another machine) is ignored with a warning and the file is parsed again; where no key can
be had, nothing is kept. Without ``XXGK_PARSED`` nothing is kept either.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import hmac
import json
import os
import secrets
import sys
import types
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any

from helpers.atomic import write_atomic
from helpers.report import formats
from helpers.report.model import Change, Source

FOLDER = "XXGK_PARSED"
KEY = "XXGK_CACHE_KEY"  # the file holding the key entries are signed with
_LOADER = ("intake/load.py", "intake/parsed.py", "intake/yaml_mistakes.py", "report/model.py", "report/values.py",
           "report/formats.py", "report/national.py", "report/legacy2008.py")
_version: str | None = None


def _loader_version() -> str:
    """A digest of the code that turns a file into a report: a change to it makes every kept file stale."""
    global _version
    if _version is None:
        package = Path(__file__).parent.parent  # helpers/
        digest = hashlib.sha256()
        for name in _LOADER:
            for path in sorted((package / name).rglob("*.py")) if (package / name).is_dir() else [package / name]:
                digest.update(path.read_bytes())
        _version = digest.hexdigest()
    return _version


def _place(text: str, shown: str, path: Path) -> Path | None:
    folder = os.environ.get(FOLDER)
    if not folder:
        return None
    key = hashlib.sha256("\0".join((_loader_version(), shown, str(path.resolve()), text)).encode()).hexdigest()
    return Path(folder) / key[:2] / f"{key}.json"


def _key() -> bytes | None:
    """The signing key (32 random bytes in a file outside ``outputs/``), made on first use; None where the file
    can be neither read nor made."""
    where = Path(os.environ.get(KEY) or Path.home() / ".cache" / "xxgk" / "parsed.key")
    for _ in range(2):
        try:
            key = where.read_bytes()
            return key if len(key) >= 32 else None
        except FileNotFoundError:
            try:
                where.parent.mkdir(parents=True, exist_ok=True)
                handle = os.open(where, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue  # another process made it meanwhile: read that one
            except OSError:
                return None
            with os.fdopen(handle, "wb") as out:
                out.write(secrets.token_bytes(32))
        except OSError:
            return None
    return None


def _mac(key: bytes, place: Path, body: bytes) -> str:
    return hmac.new(key, place.name.encode() + b"\0" + body, hashlib.sha256).hexdigest()


def recall(text: str, shown: str, path: Path) -> Any | None:
    """The report parsed earlier from exactly this text at this path, or None: none kept, or an entry that does
    not verify (then with a warning on standard error)."""
    plain = recall_plain(text, shown, path)
    try:
        fmt = formats.lookup(plain.get("format")) if plain is not None else None
        return None if fmt is None or plain is None else _from_plain(fmt.report_class, plain)
    except (ValueError, TypeError, KeyError, AttributeError, StopIteration, RecursionError):
        return None


def recall_plain(text: str, shown: str, path: Path) -> dict[str, Any] | None:
    """What was kept of the report parsed from exactly this text at this path, as the JSON it is kept as (a
    mapping of the report's fields), verified; None as for ``recall``. For what needs a field or two of many
    files: building the report object is most of the cost of a recall."""
    place = _place(text, shown, path)
    key = _key() if place is not None else None
    if place is None or key is None:
        return None
    try:
        stored = place.read_bytes()
    except OSError:
        return None
    mac, _, body = stored.partition(b"\n")
    if not hmac.compare_digest(mac, _mac(key, place, body).encode()):
        print(f"警告：已解析数据缓存中的 {place.name} 未通过校验（被改动或不是本机生成的），已忽略，"
              f"重新读取 {shown}。", file=sys.stderr)
        return None
    try:
        plain = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return plain if isinstance(plain, dict) else None


def missing(text: str, shown: str, path: Path) -> bool:
    """Whether parsed reports are kept here and none is kept for this text (an entry is not verified here)."""
    place = _place(text, shown, path)
    return place is not None and not place.exists()


def keep(text: str, shown: str, path: Path, report: Any) -> None:
    """Keep a parsed report, signed, for the next process that reads this text (quietly not, where it cannot)."""
    place = _place(text, shown, path)
    key = _key() if place is not None else None
    if place is None or key is None:
        return
    body = json.dumps(_plain(report), ensure_ascii=False).encode()
    try:
        place.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(place, (_mac(key, place, body) + "\n").encode() + body)
    except OSError:
        return


def _plain(value: Any) -> Any:
    if isinstance(value, Change):
        return {"$change": [int(value), value.plus]}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@functools.cache
def _fields(cls: type) -> tuple[tuple[str, Any], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))


def _from_plain(tp: Any, value: Any) -> Any:
    """``value`` (as ``_plain`` wrote it) as type ``tp`` of the data model."""
    if isinstance(value, dict) and "$change" in value:
        number, plus = value["$change"]
        return Change(number, plus)
    if isinstance(value, dict) and "$decimal" in value:
        return Decimal(value["$decimal"])
    if value is None:
        return None
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        choices = [a for a in typing.get_args(tp) if a is not type(None)]
        classes: list[type] = [a for a in choices if isinstance(a, type) and dataclasses.is_dataclass(a)]
        if isinstance(value, dict) and classes:  # the one whose fields the value has
            tp = next(c for c in classes if set(value) <= {name for name, _ in _fields(c)})
        elif len(choices) == 1:
            tp = choices[0]
        else:
            return value
    if tp is Source:
        return Source(**value)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return tp(**{name: _from_plain(hint, value[name]) for name, hint in _fields(tp) if name in value})
    if typing.get_origin(tp) is list:
        (item,) = typing.get_args(tp)
        return [_from_plain(item, v) for v in value]
    return value
