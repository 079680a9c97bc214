"""Matching an offence as an extract writes it (a description or a Home Office code) to a row of
the offence mapping.

Matching ignores case, spaces and punctuation (``"Burglary - dwelling"``, ``"BURGLARY
DWELLING"`` and ``"burglary (dwelling)"`` are one key) and ``&`` reads as ``and``. A value is
looked up, first match wins:

1. as written;
2. without a trailing statute reference (``"Assault occasioning actual bodily harm - Offences
   Against the Person Act 1861 s.47"``, ``"Theft (Theft Act 1968 s.1)"``, ``"... contrary to
   section 47"``);
3. by its leading Home Office offence classification code (``"8N Assault with injury"``,
   ``"105A - Assault without injury"``, ``"028/01"``), leading zeros ignored, with its sub-code
   (``"4/1"``) and then without it (``"28/1"`` finds ``"28"``);
4. by the words after that code.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["match_key", "strip_statute", "candidate_keys", "lookup"]

_STATUTE = r"\b(?:act|order|regulations?|measure)\s+\d{4}\b"
_TRAILING = [
    re.compile(r"\s*\((?:[^()]*" + _STATUTE + r"[^()]*|\s*(?:s|sec|section)\.?\s*\d+[a-z]?"
               r"(?:\(\w+\))*\s*|\s*common law\s*)\)\s*$", re.IGNORECASE),
    re.compile(r"\s+(?:[-–—:,]\s*)?contrary to\b.*$", re.IGNORECASE),
    re.compile(r"\s*[-–—:,]\s*[^-–—:,]*" + _STATUTE + r".*$", re.IGNORECASE),
    re.compile(r"\s*[-–—:,]\s*(?:(?:s|sec|section)\.?\s*\d+[a-z]?(?:\(\w+\))*|common law)\s*$",
               re.IGNORECASE),
]
_CODE = re.compile(r"^0*(\d{1,3})([a-z]?)(?: 0*(\d{1,2}))?(?: (.*))?$")


def match_key(text: object) -> str:
    """The form in which a value and a mapping row are compared.

    Lower case, ``&`` as ``and``, every run of characters other than letters and digits as one
    space: ``"Burglary - Dwelling"`` gives ``"burglary dwelling"``, ``"4/1"`` gives ``"4 1"``.

    Parameters
    ----------
    text : object
        The value (missing values give ``""``).

    Returns
    -------
    str
    """
    if text is None or text is pd.NA or (isinstance(text, float) and text != text):
        return ""
    lowered = str(text).lower().replace("&", " and ")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", lowered).split())


def strip_statute(text: str) -> str:
    """The text without a trailing statute reference (or itself when nothing would be left).

    Parameters
    ----------
    text : str
        An offence as written.

    Returns
    -------
    str
    """
    out = text.strip()
    for pattern in _TRAILING:
        shorter = pattern.sub("", out).strip()
        if shorter:
            out = shorter
    return out


def _code_keys(key: str) -> list[str]:
    """Keys of a value that starts with a Home Office code: code with sub-code, code, the words."""
    m = _CODE.match(key)
    if m is None:
        return []
    number, letter, sub, rest = m.groups()
    code = f"{int(number)}{letter}"
    keys = [f"{code} {int(sub)}", code] if sub is not None else [code]
    if rest:
        keys.append(rest)
    return keys


def candidate_keys(value: object) -> list[str]:
    """The keys tried for one value, in order (see the module's docstring).

    Parameters
    ----------
    value : object
        An offence as written in the extract.

    Returns
    -------
    list of str
        Distinct non-empty keys, the first to try first.
    """
    text = "" if match_key(value) == "" else str(value)
    keys = [match_key(text), match_key(strip_statute(text))]
    keys += _code_keys(keys[-1])
    return [k for k in dict.fromkeys(keys) if k]


def lookup(values: pd.Series, mapping: pd.DataFrame) -> pd.DataFrame:
    """The mapping row each value matches.

    Parameters
    ----------
    values : Series
        Offences as written (descriptions or codes).
    mapping : DataFrame
        The mapping table with ``key`` (:func:`match_key` of ``local_description``),
        ``category`` and ``attempt`` (bool).

    Returns
    -------
    DataFrame
        On ``values``' index: ``category`` (NaN where no row matches) and ``attempt`` (bool;
        False where no row matches).
    """
    rows = mapping.set_index("key")
    found: dict[object, str | None] = {}
    for value in pd.unique(values):
        found[value] = next((k for k in candidate_keys(value) if k in rows.index), None)
    keys = values.map(found)
    return pd.DataFrame({
        "category": keys.map(rows["category"]),
        "attempt": keys.map(rows["attempt"]).eq(True),
    }, index=values.index)
