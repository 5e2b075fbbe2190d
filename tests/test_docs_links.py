"""The docs hold together: every relative link in README.md and docs/*.md leads to a file (and
heading) that exists, and every `docs/<file>.md` the code cites exists, with the `§N` sections
of docs/pages.md it names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CODE_DIRS = ("automation", "flows", "fixtures", "sellerauth", "tests", "bench")

# [text](target) and [text](target "title"); images too. Reference-style links are not used.
_LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_FENCE = re.compile(r"^(```|~~~)")
_INLINE_CODE = re.compile(r"`[^`]*`")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# `docs/pages.md §4`, `docs/pages.md §1–§2, §6`, `docs/pages.md §3 ④, §5`,
# `docs/pages.md §2 and §6`, `docs/spapi.md`.
_CITATION = re.compile(r"docs/([\w.-]+\.md)((?:[ ,]*(?:and |or |to |[–-])?\s*§\d+(?: ?[①-⑳]+)?)*)")
_SECTION = re.compile(r"§(\d+)")


def markdown_files() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


def prose_lines(text: str, *, keep_code: bool = False) -> list[tuple[int, str]]:
    """The lines outside fenced code blocks, numbered from 1; inline code removed unless
    `keep_code`."""
    lines, fenced = [], False
    for number, line in enumerate(text.splitlines(), 1):
        if _FENCE.match(line.lstrip()):
            fenced = not fenced
            continue
        if not fenced:
            lines.append((number, line if keep_code else _INLINE_CODE.sub("", line)))
    return lines


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, markup and punctuation dropped, spaces
    as hyphens (`Settings (`SELLERAUTH_*`)` -> `settings-sellerauth_`)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its text
    text = text.replace("`", "").replace("*", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every heading anchor of a Markdown file, repeated headings numbered as GitHub does."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    for _, line in prose_lines(path.read_text(encoding="utf-8"), keep_code=True):
        match = _HEADING.match(line)
        if not match:
            continue
        slug = github_anchor(match.group(2))
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def broken_links(path: Path) -> list[str]:
    """The relative links of `path` whose file or heading does not exist."""
    problems = []
    for number, line in prose_lines(path.read_text(encoding="utf-8")):
        for target in _LINK.findall(line):
            if re.match(r"[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
                continue  # https:, mailto:, ... : not ours to check
            file_part, _, anchor = target.partition("#")
            linked = (path.parent / file_part).resolve() if file_part else path
            where = f"{path.relative_to(ROOT)}:{number}: {target}"
            if not linked.exists():
                problems.append(f"{where}: no such file")
            elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
                problems.append(f"{where}: no heading with anchor #{anchor}")
    return problems


def pages_sections() -> set[int]:
    """The numbers of docs/pages.md's sections: its `## N. Title` headings."""
    text = (DOCS / "pages.md").read_text(encoding="utf-8")
    return {int(n) for n in re.findall(r"^## (\d+)\. ", text, re.MULTILINE)}


def broken_citations(path: Path, sections: set[int]) -> list[str]:
    """`docs/<file>.md` citations in `path` naming no file, or a `§N` docs/pages.md lacks."""
    problems = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for name, cited in _CITATION.findall(line):
            where = f"{path.relative_to(ROOT)}:{number}: docs/{name}{cited}"
            if not (DOCS / name).is_file():
                problems.append(f"{where}: no such file")
                continue
            if name == "pages.md":
                missing = [n for n in _SECTION.findall(cited) if int(n) not in sections]
                if missing:
                    problems.append(f"{where}: no section {', '.join(missing)}")
    return problems


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(path: Path) -> None:
    assert broken_links(path) == []


def test_every_docs_citation_in_the_code_exists() -> None:
    sections = pages_sections()
    assert sections >= {1, 2, 3, 4, 5, 6, 7, 8}
    problems = []
    for folder in CODE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path != Path(__file__).resolve():  # its self-test cites broken ones on purpose
                problems += broken_citations(path, sections)
    assert problems == []


def test_the_checks_find_what_is_broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The finders above report a missing file, a missing heading and a missing section, and
    accept the same links when they resolve; so the tests above can fail."""
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    monkeypatch.setattr(f"{__name__}.DOCS", tmp_path / "docs")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "pages.md").write_text("# Pages\n\n## 1. Sign-in\n\n## 2. The `picker`\n")
    page = tmp_path / "README.md"
    page.write_text(
        "See [pages](docs/pages.md#2-the-picker), [sign-in](docs/pages.md#1-sign-in),\n"
        "[the web](https://example.com/x) and [here](#usage).\n"
        "## Usage\n"
        "```\n[not a link](nowhere.md)\n```\n"
        "Broken: [gone](docs/gone.md) and [no heading](docs/pages.md#3-consent).\n"
    )
    assert broken_links(page) == [
        "README.md:7: docs/gone.md: no such file",
        "README.md:7: docs/pages.md#3-consent: no heading with anchor #3-consent",
    ]
    code = tmp_path / "flows.py"
    code.write_text(
        '"""Reads the picker (docs/pages.md §2, §1–§2); see docs/usage.md."""\n'
        "# docs/pages.md §1, §9 and docs/pages.md §2 and §12; docs/pages.md §2 ④, §10\n"
    )
    assert broken_citations(code, pages_sections()) == [
        "flows.py:1: docs/usage.md: no such file",
        "flows.py:2: docs/pages.md §1, §9: no section 9",
        "flows.py:2: docs/pages.md §2 and §12: no section 12",
        "flows.py:2: docs/pages.md §2 ④, §10: no section 10",
    ]


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        (
            "Settings (`SELLERAUTH_*`, `.env`, or the secrets directory)",
            "settings-sellerauth_-env-or-the-secrets-directory",
        ),
        (
            "3. Granting developer access — screens ① to ⑤",
            "3-granting-developer-access--screens-①-to-⑤",
        ),
        ("What survives what", "what-survives-what"),
    ],
)
def test_github_anchor(heading: str, anchor: str) -> None:
    assert github_anchor(heading) == anchor
