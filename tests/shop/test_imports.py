"""The store stands on its own: personalization plugs into it through settings and signals, never the reverse."""

import ast
from pathlib import Path

import shop


def imported_modules(source: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.append(node.module or "")
    return names


def test_no_module_of_the_shop_imports_personalization():
    package = Path(shop.__file__).parent
    sources = sorted(package.rglob("*.py"))
    assert len(sources) > 20  # the walk really found the package

    offenders = {
        str(source.relative_to(package.parent)): [
            name for name in imported_modules(source) if name.split(".")[0] == "personalization"
        ]
        for source in sources
    }
    assert not {path: names for path, names in offenders.items() if names}, "shop must not import personalization"
