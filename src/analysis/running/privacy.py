"""A check that no output of a run holds a person identifier or date of birth from the input data.

Every text file a run writes (executed notebooks, tables, results, figures' SVG, the report, and
the text of the board pack's Word and Excel files) is split into tokens and each token is looked
up in the set of the input's person identifiers and dates of birth (in ISO ``YYYY-MM-DD`` and UK
``DD/MM/YYYY`` forms). Identifiers that are short
numbers (fewer than ``MIN_NUMERIC_ID_DIGITS`` digits, e.g. row numbers) cannot be told apart
from counts in a table and are not searched for; give people identifiers with letters or at
least six digits.

Images embedded as base64 (``data:image/...;base64,`` URIs in HTML and SVG, and the PNG, JPEG
and GIF outputs stored in notebooks) are skipped: their text is an encoding of pixels, in which
an identifier could only appear by coincidence. An identifier drawn into an image is pixels, not
text, and no text search finds it; figures label groups, never people.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = ["Finding", "sensitive_tokens", "scan_outputs", "MIN_NUMERIC_ID_DIGITS"]

MIN_NUMERIC_ID_DIGITS = 6
#: File types read as text (PNG images hold no text).
TEXT_SUFFIXES = {".ipynb", ".csv", ".json", ".html", ".svg", ".md", ".txt", ".yaml"}
#: Office documents (the board pack): zip archives whose text is in their XML parts.
OFFICE_SUFFIXES = {".xlsx", ".docx"}
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./:-]*[A-Za-z0-9]|[A-Za-z0-9]")
#: Base64-encoded images: a data URI, or a notebook's raster image output (JSON-escaped).
_EMBEDDED_IMAGE = re.compile(
    r"data:image/[A-Za-z0-9.+-]+;base64,[A-Za-z0-9+/=\s]*"
    r'|"image/(?:png|jpeg|gif)": "[A-Za-z0-9+/=\\n]*"'
)


@dataclass(frozen=True)
class Finding:
    """A file holding a sensitive token: which file, what kind, how many times (never the value)."""

    file: str
    kind: str
    count: int

    def __str__(self) -> str:
        return f"{self.file}: {self.count} {self.kind}(s) from the input data"


def _searchable_id(value: str) -> bool:
    return not (value.isdigit() and len(value) < MIN_NUMERIC_ID_DIGITS) and len(value) >= 3


def sensitive_tokens(person_ids: Iterable[str] | None, dates_of_birth: pd.Series | None
                     ) -> dict[str, str]:
    """Map each sensitive token to its kind (``"person identifier"`` or ``"date of birth"``)."""
    tokens: dict[str, str] = {}
    for pid in person_ids if person_ids is not None else []:
        pid = str(pid).strip()
        if _searchable_id(pid):
            tokens[pid] = "person identifier"
    if dates_of_birth is not None:
        dob = pd.to_datetime(dates_of_birth, errors="coerce").dropna().drop_duplicates()
        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            tokens.update(dict.fromkeys(dob.dt.strftime(fmt), "date of birth"))
    return tokens


_PIECES = re.compile(r"[_.:]")


def _kind(token: str, tokens: dict[str, str]) -> str | None:
    """The kind of sensitive token ``token`` is, or holds as a piece split at the punctuation
    allowed inside a token (the token itself first); None if neither."""
    for piece in (token, *_PIECES.split(token)):
        kind = tokens.get(piece)
        if kind is not None:
            return kind
    return None


def _text(path: Path) -> str:
    """The text of an output file; for an Office document, of its XML parts with tags as spaces."""
    if path.suffix not in OFFICE_SUFFIXES:
        return path.read_text(encoding="utf-8", errors="replace")
    with zipfile.ZipFile(path) as archive:
        parts = [archive.read(n).decode("utf-8", errors="replace") for n in archive.namelist()
                 if n.endswith((".xml", ".rels"))]
    return re.sub(r"<[^>]+>", " ", " ".join(parts))


def scan_outputs(run_dir: Path, tokens: dict[str, str]) -> list[Finding]:
    """Return the files under ``run_dir`` that contain any of ``tokens`` (as whole tokens)."""
    if not tokens:
        return []
    findings = []
    scanned = TEXT_SUFFIXES | OFFICE_SUFFIXES
    for path in sorted(p for p in run_dir.rglob("*") if p.suffix in scanned):
        counts: dict[str, int] = {}
        text = _EMBEDDED_IMAGE.sub(" ", _text(path))
        for token, n in Counter(_TOKEN.findall(text)).items():  # each distinct token once
            kind = _kind(token, tokens)
            if kind is not None:
                counts[kind] = counts.get(kind, 0) + n
        findings += [Finding(str(path.relative_to(run_dir)), k, n) for k, n in counts.items()]
    return findings
