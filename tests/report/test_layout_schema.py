"""The layout schema says what the section notebooks really ask for, and the layouts README shows exactly that.

The notebooks are read, not run: every ``ctx.heading``, ``ctx.say`` and
``ctx.option`` call is found in their code cells.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

from crmlib.report import layout_schema
from crmlib.report.layout_schema import SECTIONS, render_table, table_in, with_table
from crmlib.resources import section_notebooks

README = Path(__file__).resolve().parents[2] / "params" / "layouts" / "README.md"
NOTEBOOKS = section_notebooks()
ASKS = ("heading", "say", "option")
# Keywords of ReportContext.say that are not slots.
SAY_KEYWORDS = {"figures", "plain"}


def layout_calls(path: Path) -> tuple[list[ast.Call], dict[str, ast.expr]]:
    """Every ctx.heading/say/option call of a notebook's code cells, and what each name is assigned (to read a
    ``**values`` dict)."""
    calls, assigned = [], {}
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                assigned[node.targets[0].id] = node.value
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ASKS
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "ctx"):
                calls.append(node)
    return calls, assigned


def key_of(call: ast.Call, path: Path) -> str:
    first = call.args[0] if call.args else None
    assert isinstance(first, ast.Constant) and isinstance(first.value, str), (
        f"{path.name}, line {call.lineno}: ctx.{call.func.attr} takes its key as a literal, so this test can see it")
    return first.value


def dict_keys(node: ast.expr | None) -> list[str] | None:
    """The keys of a dict literal, or None when it is not one (a function's result)."""
    if isinstance(node, ast.Dict) and all(isinstance(k, ast.Constant) for k in node.keys):
        return [k.value for k in node.keys]
    return None


def slots_of(call: ast.Call, assigned: dict[str, ast.expr]) -> list[str] | None:
    """The slots a ctx.say call fills, or None when they cannot be read without running it."""
    slots = []
    for keyword in call.keywords:
        if keyword.arg is None:  # **values
            spread = dict_keys(assigned.get(keyword.value.id) if isinstance(keyword.value, ast.Name) else keyword.value)
            if spread is None:
                return None
            slots += spread
        elif keyword.arg == "plain":
            plain = dict_keys(keyword.value)
            if plain is None:
                return None
            slots += plain
        elif keyword.arg not in SAY_KEYWORDS:
            slots.append(keyword.arg)
    return slots


def test_every_section_notebook_is_declared_and_every_declared_one_ships():
    assert [p.stem for p in NOTEBOOKS] == list(SECTIONS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_notebook_asks_for_exactly_the_keys_the_schema_declares_for_it(path):
    calls, assigned = layout_calls(path)
    schema = SECTIONS[path.stem]
    used: dict[str, set[str]] = {ask: set() for ask in ASKS}
    for call in calls:
        key = key_of(call, path)
        used[call.func.attr].add(key)
        if call.func.attr == "option":
            # The default is declared once, in the schema.
            assert len(call.args) == 1 and not call.keywords, f"{path.name}: ctx.option({key!r}) gives a default"
        if call.func.attr == "say" and key in schema.sentences:
            slots = slots_of(call, assigned)
            # Slots a function makes are checked when the section runs (ReportContext.say).
            if slots is not None:
                assert sorted(slots) == sorted(schema.sentences[key]), f"{path.name}: slots of sentence {key!r}"
    assert used["heading"] == set(schema.headings)
    assert used["say"] == set(schema.sentences)
    assert used["option"] == set(schema.options)


def test_slots_are_read_from_keywords_a_dict_literal_and_plain():
    """The reader above, on a call of each form (so that a notebook's slots are not silently skipped)."""
    tree = ast.parse("values = {'a': 1, 'b': 2}\nctx.say('k', '', **values, c=3, plain={'d': 'x'}, figures={'a': 'f'})\n"
                     "ctx.say('k', '', **made())")
    assigned = {n.targets[0].id: n.value for n in tree.body if isinstance(n, ast.Assign)}
    first, second = [n.value for n in tree.body if isinstance(n, ast.Expr)]
    assert slots_of(first, assigned) == ["a", "b", "c", "d"] and slots_of(second, assigned) is None


def test_the_layouts_readme_shows_the_schemas_table():
    """Regenerate it with: python -m crmlib.report.layout_schema --write params/layouts/README.md"""
    assert table_in(README.read_text(encoding="utf-8")) == render_table()


def test_the_readme_table_is_rewritten_in_place(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# Layouts\n\n{layout_schema.TABLE_START}\n| old |\n{layout_schema.TABLE_END}\n\nAfter.\n")
    assert layout_schema.main(["--write", str(readme)]) == 0
    assert readme.read_text() == f"# Layouts\n\n{layout_schema.TABLE_START}\n{render_table()}\n" \
                                 f"{layout_schema.TABLE_END}\n\nAfter.\n"
    with pytest.raises(ValueError, match="no lines"):
        with_table("# A README without the table's place\n", render_table())


def test_every_option_default_is_of_its_type_and_every_key_is_a_word():
    for name, schema in SECTIONS.items():
        for key, option in schema.options.items():
            assert option.accepts(option.default) and option.meaning, (name, key)
        for key in [*schema.headings, *schema.sentences, *schema.options]:
            assert key.isidentifier(), (name, key)
        for slots in schema.sentences.values():
            assert all(slot.isidentifier() for slot in slots) and len(set(slots)) == len(slots), name
