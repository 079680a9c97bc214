"""The data dictionary: the data contract's role tables and rule messages as Markdown.

``docs/data_dictionary.md`` holds the text of :func:`data_dictionary_markdown` between its
``BEGIN generated`` and ``END generated`` markers.
"""

from __future__ import annotations

from collections.abc import Iterable

from analysis.contract import ROLES, Role
from analysis.data.checks import RULES

__all__ = ["data_dictionary_markdown"]

_KIND_TEXT: dict[str, str] = {
    "id": "identifier (text)",
    "date": "date",
    "integer": "whole number",
    "number": "number",
    "flag": "0/1 flag",
    "text": "text",
}


def _role_table(roles: Iterable[Role]) -> str:
    """Return a Markdown table of roles."""
    lines = ["| role | type | required | blank allowed | description |",
             "| --- | --- | --- | --- | --- |"]
    for r in roles:
        lines.append(f"| `{r.name}` | {_KIND_TEXT[r.kind]} | {'yes' if r.required else 'no'} | "
                     f"{'yes' if r.nullable else 'no'} | {r.description} |")
    return "\n".join(lines)


def data_dictionary_markdown() -> str:
    """Return the role tables and rule messages of the data contract as Markdown.

    ``docs/data_dictionary.md`` includes this text verbatim; a test checks that it does, so the
    document cannot drift from :mod:`analysis.contract` and :data:`RULES`.
    """
    parts = []
    for table, title in (("survival", "Survival form: the `survival` table"),
                         ("people", "Records form: the `people` table"),
                         ("offences", "Records form: the `offences` table")):
        parts.append(f"### {title}\n\n{_role_table(ROLES[table])}\n")
    rules = ["| rule | message |", "| --- | --- |"]
    rules += [f"| `{key}` | {text} |" for key, text in RULES.items()]
    parts.append("### Rule messages\n\n" + "\n".join(rules) + "\n")
    return "\n".join(parts)
