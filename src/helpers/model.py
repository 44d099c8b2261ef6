"""Typed objects a data file is read into, one dataclass tree per report format.

Field names are the data file's keys; type hints drive the loader's checks:
``int`` is a non-negative count, ``str`` a single line of text, ``Url`` an
http(s) address, ``Markdown`` prose, ``bool`` a flag. A field with a default is optional in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NewType

Markdown = NewType("Markdown", str)
Url = NewType("Url", str)


@dataclass(frozen=True)
class Source:
    """Where a report came from: the file, and the line of every field path in it."""

    file: str
    lines: dict[str, int] = field(default_factory=dict)

    def line(self, path: str) -> int | None:
        """Line of ``path`` in the file, or of its nearest parent that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path.rpartition(".")[0]
        return None


@dataclass(frozen=True)
class Organ:
    slug: str
    town: str
    district: str
    city: str


@dataclass(frozen=True)
class Publication:
    site: str
    url: Url
    column: str
    filed_with: str


@dataclass(frozen=True)
class Contact:
    office: str
    phone: str
    email_name: str
    email: str


@dataclass(frozen=True)
class LegacyInteraction:
    policy_interpretations: int
    media_appearances: int
    questions_handled: int


@dataclass(frozen=True)
class LegacyProposals:
    cppcc_proposals: int
    npc_suggestions: int | None = None


@dataclass(frozen=True)
class LegacyPublished:
    website: int
    weibo: int
    wechat: int
    other: int


@dataclass(frozen=True)
class LegacyChannels:
    service_stations: int


@dataclass(frozen=True)
class LegacyApplications:
    received: int


@dataclass(frozen=True)
class LegacyAppeals:
    reconsiderations: int
    lawsuits: int
    complaints: int


@dataclass(frozen=True)
class LegacyFigures:
    interaction: LegacyInteraction
    proposals: LegacyProposals
    published: LegacyPublished
    channels: LegacyChannels
    applications: LegacyApplications
    appeals: LegacyAppeals


@dataclass(frozen=True)
class LegacyProse:
    overview: Markdown
    leadership: Markdown
    institutions: Markdown
    interaction: Markdown
    proposals: Markdown
    published: Markdown
    channels: Markdown
    confidentiality: Markdown
    public_institutions: Markdown
    problems: Markdown
    applications: Markdown = Markdown("")
    appeals: Markdown = Markdown("")


@dataclass(frozen=True)
class Legacy2008Report:
    """A report in the format used for 2008–2018 (the 大信镇 2018 seed)."""

    format: str
    year: int
    organ: Organ
    legal_basis: str
    publication: Publication
    contact: Contact
    figures: LegacyFigures
    prose: LegacyProse
    sample: bool = False
    source: Source = field(default=Source(""), compare=False, repr=False, metadata={"yaml": False})


Report = Legacy2008Report

FORMATS: dict[str, type] = {
    "legacy-2008": Legacy2008Report,
}

TEMPLATES: dict[str, str] = {
    "legacy-2008": "annual_report_2008.ipynb",
}
