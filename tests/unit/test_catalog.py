"""The message catalog keeps up with the code: every marked string is translated.

A string is marked for translation with ``_("…")`` or, where it is only
declared (the kind table), ``N_("…")``. ``make catalog`` extracts them; this
test fails when the code marks a string that the catalog or the German
translation lacks, or when the catalog holds strings the code no longer has.
"""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

PACKAGE = Path(__file__).parents[2] / "sphinx_spec"
LOCALE = PACKAGE / "locale"
#: an entry; a long string continues on the following lines, one quoted piece each
MSGID = re.compile(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"(?:\n|\Z))+)', re.M)
PIECE = re.compile(r'^"(.*)"$', re.M)


def joined(pieces: str) -> str:
    return "".join(PIECE.findall(pieces))


def marked_strings() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "N_")
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(node.args[0].value)
    return found


def catalog(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    entries = ((joined(msgid), joined(msgstr)) for msgid, msgstr in MSGID.findall(text))
    return {msgid: msgstr for msgid, msgstr in entries if msgid}


def test_the_template_holds_exactly_the_marked_strings():
    assert set(catalog(LOCALE / "sphinx_spec.pot")) == marked_strings()


def test_every_marked_string_has_a_german_translation():
    german = catalog(LOCALE / "de" / "LC_MESSAGES" / "sphinx_spec.po")
    assert sorted(s for s in marked_strings() if not german.get(s)) == []


def test_the_compiled_german_catalog_matches_its_source():
    po = LOCALE / "de" / "LC_MESSAGES" / "sphinx_spec.po"
    assert "#, fuzzy" not in po.read_text(encoding="utf-8")  # pybabel would not compile it
    with po.with_suffix(".mo").open("rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    german = catalog(po)
    assert {msgid: translations.gettext(msgid) for msgid in german} == german
