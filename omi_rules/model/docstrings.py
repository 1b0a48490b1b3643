"""Field docstrings as descriptions, read once per module, and models built on first use.

Every model documents its fields with a docstring under each (a string literal on the line
after the field), and the published JSON Schemas carry them as ``description``. pydantic's
``use_attribute_docstrings`` reads them class by class at import: it finds each class's source
through the interpreter's frames, tokenizes it and parses it, about 35 ms of every start for
some 100 classes, even for a command that never writes a schema. Here each module's source is
parsed once (the C parser: a few ms for all of them) and each class takes its fields'
docstrings from that tree, by pydantic's rules (``tests/test_fast_start.py`` checks that the
two agree for every model; ``tests/test_schema_model.py`` that the schemas are unchanged).

``Described`` is the base of every model here. It also sets ``defer_build``: a model's
validator and serializer are built when first used, not at import, so a run that takes a
checked ruleset from the cache (unpickled, never validated) builds none of the ruleset's
models. The descriptions are in place before anything is built: they are set as each class
is created.

The model modules do not postpone their annotations (no ``from __future__ import annotations``):
pydantic would compile and evaluate each annotation's text as its class is made, about a sixth
of the time it takes to make the classes (9 ms of every start for some 100 classes).
"""

from __future__ import annotations

import ast
import inspect
import linecache
import sys
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict

_AMBIGUOUS: dict[str, str] = {}
"""Stands for a class name defined more than once in a module (see ``attribute_docstrings``)."""

_READ: dict[str, dict[str, dict[str, str]]] = {}
"""Module name -> class qualified name -> field -> docstring."""


class _Visitor(ast.NodeVisitor):
    """pydantic's rule, as its own ``DocstringVisitor`` has it: a string expression right after
    an annotated assignment to a plain name documents that name. Nested classes and functions
    are not entered (their attributes are not the class's)."""

    def __init__(self) -> None:
        self.target: str | None = None
        self.attrs: dict[str, str] = {}
        self.previous: type[ast.AST] | None = None

    def visit(self, node: ast.AST) -> Any:
        result = super().visit(node)
        self.previous = type(node)
        return result

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if isinstance(node.target, ast.Name):
            self.target = node.target.id

    def visit_Expr(self, node: ast.Expr) -> None:
        value = node.value
        if isinstance(value, ast.Constant) and isinstance(value.value, str) and self.previous is ast.AnnAssign:
            if self.target:
                self.attrs[self.target] = inspect.cleandoc(value.value)
            self.target = None

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        pass

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        pass

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        pass


_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")
"""The fields that hold statements: of ``if``, ``for``, ``while``, ``with``, ``try`` (and its
``except`` handlers) and ``match`` (and its cases)."""


def _classes(nodes: Iterable[ast.AST], prefix: str, found: dict[str, dict[str, str]]) -> None:
    """Every class defined by the statements ``nodes`` (also inside ``if`` and ``try``), by
    qualified name; not the classes inside functions, whose qualified names hold ``<locals>``.
    Only statements are walked, never expressions, which define no class."""
    for node in nodes:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if isinstance(node, ast.ClassDef):
            name = prefix + node.name
            visitor = _Visitor()
            visitor.generic_visit(node)
            found[name] = _AMBIGUOUS if name in found else visitor.attrs
            _classes(node.body, name + ".", found)
            continue
        for block in _BLOCKS:
            _classes(getattr(node, block, ()), prefix, found)


def _read(module_name: str) -> dict[str, dict[str, str]]:
    module = sys.modules.get(module_name)
    filename = getattr(module, "__file__", None)
    if module is None or not filename:
        return {}
    source = "".join(linecache.getlines(filename, vars(module)))
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return {}
    found: dict[str, dict[str, str]] = {}
    _classes(tree.body, "", found)
    return found


def attribute_docstrings(cls: type[Any]) -> dict[str, str]:
    """Field name -> the docstring written under it in ``cls``'s own body.

    A class whose name is defined twice in its module (in both branches of an ``if``, say)
    cannot be told apart by name here; it falls back to pydantic's own reading, which finds the
    class through the frame defining it (it must be called while the class is created).
    """
    classes = _READ.get(cls.__module__)
    if classes is None:
        classes = _READ[cls.__module__] = _read(cls.__module__)
    found = classes.get(cls.__qualname__)
    if found is _AMBIGUOUS:
        from pydantic._internal._docs_extraction import extract_docstrings_from_cls

        return extract_docstrings_from_cls(cls)
    return dict(found or {})


class Described(BaseModel):
    """Base of omi-rules' models: field docstrings become descriptions (``attribute_docstrings``),
    and nothing is built before it is used (``defer_build``)."""

    model_config = ConfigDict(defer_build=True)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        """Runs once each model class is made and before it is built: a field with no
        description of its own takes its docstring (an inherited field keeps the description
        it had in the parent, which pydantic copied)."""
        super().__pydantic_init_subclass__(**kwargs)
        docs = attribute_docstrings(cls)
        for name, info in cls.__pydantic_fields__.items():
            if info.description is None and name in docs:
                info.description = docs[name]
