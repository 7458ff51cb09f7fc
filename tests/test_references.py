"""The repository cites only what it holds: files, sections of docs/references.md, constants.

docs/references.md gives the source of every figure the code relies on. These tests keep the
citations honest: no file names a document or a source file the repository does not have, every
`<file>.md#<section>` names a heading of that file, and every constant of
flightsw/physics/constants.py is listed in docs/references.md with the value the code uses.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from flightsw.physics import constants

ROOT = Path(__file__).resolve().parents[1]
REFERENCES = ROOT / "docs" / "references.md"
CONSTANTS = ROOT / "flightsw" / "physics" / "constants.py"

# Directories that are not the project's own text: tools' caches and environments (every hidden
# directory, `venv`, `__pycache__`, `*.egg-info`), build output and what runs write.
SKIPPED_DIRS = {"venv", "build", "dist", "data", "runs", "__pycache__"}
SKIPPED_PATHS = {("bench", "out")}
TEXT_SUFFIXES = {".py", ".md", ".toml", ".txt", ".cfg", ".ini", ".yml", ".yaml", ".rst"}
# The repository's own top-level directories: a path under one of them is a citation of a file.
OWN_DIRS = ("bench", "configs", "docs", "flightsw", "ground", "scenarios", "tests")
# Paths under those directories that stand for a user's file in an example, not for a file of
# ours, each with where it appears and why it need not exist.
EXAMPLE_PATHS = {
    "configs/x.toml": "README: a bad config in an example error message",
    "configs/leo.toml": "tests/ground/archive: a config path stored as archive metadata",
}

_PATH_CHARS = r"[\w./-]"
_DOCUMENT = re.compile(rf"(?<![\w./:-])({_PATH_CHARS}*[\w-]\.md)(?:#([\w-]+))?")
_OWN_PATH = re.compile(
    rf"(?<![\w./:-])((?:{'|'.join(OWN_DIRS)})/{_PATH_CHARS}*[\w-]\.(?:py|md|toml))(?![\w/])"
)


def text_files() -> Iterator[Path]:
    """Every text file of the project, outside tools' caches and environments."""
    for path in sorted(ROOT.rglob("*")):
        relative = path.relative_to(ROOT).parts
        if relative[:2] in SKIPPED_PATHS or any(
            part in SKIPPED_DIRS or part.startswith(".") or part.endswith(".egg-info")
            for part in relative[:-1]
        ):
            continue
        if path.is_file() and path.suffix in TEXT_SUFFIXES:
            yield path


def resolves(name: str, citing: Path, basenames: set[str]) -> bool:
    """True if `name` is a file of the repository, from its root, the citing file or by name."""
    if (ROOT / name).is_file() or (citing.parent / name).is_file():
        return True
    return "/" not in name and name in basenames


def heading_anchors(markdown: Path) -> set[str]:
    """The anchors a Markdown renderer gives the file's headings (GitHub's rule)."""
    anchors = set()
    for line in markdown.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"#{1,6}\s+(.*?)\s*$", line)
        if heading:
            text = re.sub(r"[^\w\- ]", "", heading.group(1).lower())
            anchors.add(text.replace(" ", "-"))
    return anchors


def citations() -> Iterator[tuple[Path, str, str | None]]:
    """Every (citing file, cited path, cited anchor or None) in the repository."""
    for path in text_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in _DOCUMENT.finditer(text):
            yield path, match.group(1), match.group(2)
        for match in _OWN_PATH.finditer(text):
            if not match.group(1).endswith(".md"):  # documents were taken above
                yield path, match.group(1), None


def test_no_file_cites_a_file_the_repository_does_not_have() -> None:
    files = list(text_files())
    basenames = {path.name for path in files}
    missing = sorted(
        f"{citing.relative_to(ROOT)}: {name}"
        for citing, name, _ in citations()
        if name not in EXAMPLE_PATHS and not resolves(name, citing, basenames)
    )
    assert not missing, "cited but not in the repository:\n" + "\n".join(missing)


def test_every_cited_section_of_a_document_is_one_of_its_headings() -> None:
    broken = []
    for citing, name, anchor in citations():
        if anchor is None:
            continue
        document = ROOT / name if (ROOT / name).is_file() else citing.parent / name
        if document.is_file() and anchor not in heading_anchors(document):
            broken.append(f"{citing.relative_to(ROOT)}: {name}#{anchor}")
    assert not broken, "no such heading:\n" + "\n".join(sorted(broken))


def test_the_citation_scan_finds_the_citations_of_the_code() -> None:
    # Guards the two tests above against passing because the scan found nothing.
    cited = {anchor for _, name, anchor in citations() if name == "docs/references.md"}
    assert {"physics-constants", "crewed-vehicle", "link-formats"} <= cited


def test_every_link_within_a_document_names_one_of_its_headings() -> None:
    broken = []
    for document in (path for path in text_files() if path.suffix == ".md"):
        anchors = heading_anchors(document)
        for anchor in re.findall(r"\]\(#([\w-]+)\)", document.read_text(encoding="utf-8")):
            if anchor not in anchors:
                broken.append(f"{document.relative_to(ROOT)}: #{anchor}")
    assert not broken, "no such heading:\n" + "\n".join(sorted(broken))


def constant_names() -> list[str]:
    """The module-level constants of flightsw/physics/constants.py, in source order."""
    tree = ast.parse(CONSTANTS.read_text(encoding="utf-8"))
    return [
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and target.id.isupper()
    ]


def evaluate(expression: str) -> float:
    """The value of a numeric literal or a quotient of literals, as written in a table cell."""

    def value(node: ast.expr) -> float:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            return value(node.left) / value(node.right)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return float(node.value)
        raise ValueError(f"{expression!r} is not a number or a quotient of numbers")

    return value(ast.parse(expression, mode="eval").body)


def listed_constants() -> dict[str, str]:
    """Constant name -> value cell of the table in docs/references.md#physics-constants."""
    rows = re.findall(r"^\| `([A-Z0-9_]+)` \| `([^`]+)` \|", REFERENCES.read_text("utf-8"), re.M)
    return dict(rows)


@pytest.mark.parametrize("name", constant_names())
def test_every_physical_constant_is_listed_in_the_references_with_its_value(name: str) -> None:
    listed = listed_constants()
    assert name in listed, f"{name} is not in the table of docs/references.md#physics-constants"
    assert math.isclose(evaluate(listed[name]), getattr(constants, name), rel_tol=1e-15), (
        f"docs/references.md lists {name} = {listed[name]}; the code has "
        f"{getattr(constants, name)!r}"
    )


def test_the_constants_module_cites_the_references() -> None:
    assert "docs/references.md#physics-constants" in CONSTANTS.read_text(encoding="utf-8")
