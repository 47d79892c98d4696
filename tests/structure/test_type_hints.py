"""Every public function of the product says what it takes and what it gives back.

mypy checks the bodies (strictly in delivery/ and every services and selectors module); this
checks the signatures everywhere else too: each function or method whose name does not start
with ``_`` annotates all its parameters (``self`` and ``cls`` aside) and its return.
"""

import ast
from pathlib import Path

from tests.structure import APPS

ROOT = Path(__file__).resolve().parents[2]


def _unhinted(tree: ast.AST, where: str) -> list[str]:
    found = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            found += _unhinted(node, f"{where}{node.name}.")
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if node.name.startswith("_"):
                continue
            a = node.args
            params = [*a.posonlyargs, *a.args, *a.kwonlyargs, *filter(None, (a.vararg, a.kwarg))]
            params = [p for p in params if p.arg not in ("self", "cls")]
            if node.returns is None or any(p.annotation is None for p in params):
                found.append(f"{where}{node.name}")
    return found


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_every_public_function_is_annotated():
    missing = [
        name
        for path in _modules()
        for name in _unhinted(ast.parse(path.read_text()), f"{path.relative_to(ROOT).as_posix()}: ")
    ]
    assert missing == []


def test_the_check_sees_a_missing_return_and_a_bare_parameter():
    tree = ast.parse(
        "def ok(a: int) -> int: ...\n"
        "def no_return(a: int): ...\n"
        "def bare(a) -> None: ...\n"
        "def _private(a): ...\n"
        "class C:\n"
        "    def method(self, b: str) -> str: ...\n"
        "    def loose(self, b): ...\n"
    )
    assert _unhinted(tree, "") == ["no_return", "bare", "C.loose"]
