"""The layers import one way only: api -> simulator -> resolvers -> services -> subscriptions -> models
(the simulator drives services, and nothing but the CLI drives it). A module may
import from its own layer and the layers below it, never above; services know nothing of GraphQL."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["api", "simulator", "resolvers", "services", "subscriptions", "models"]  # top to bottom
GRAPHQL_PACKAGES = {"strawberry", "graphql"}


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
    return found


def _violations(root: Path = ROOT) -> list[str]:
    found = []
    for rank, layer in enumerate(LAYERS):
        above = set(LAYERS[:rank])
        for path in sorted((root / layer).rglob("*.py")):
            for line, module in _imports(path):
                top = module.split(".")[0]
                if top in above:
                    found.append(f"{path.relative_to(root)}:{line} imports {module} from a layer above")
                if layer in ("services", "subscriptions", "models") and top in GRAPHQL_PACKAGES:
                    found.append(f"{path.relative_to(root)}:{line} imports {module}: no GraphQL below resolvers")
    return found


def test_imports_follow_the_layer_order():
    assert _violations() == []


def test_the_check_sees_a_violation(tmp_path):
    bad = tmp_path / "services" / "bad.py"
    bad.parent.mkdir()
    bad.write_text("from resolvers.relay import global_pk\nimport strawberry\n")
    for layer in LAYERS:
        (tmp_path / layer).mkdir(exist_ok=True)
    assert len(_violations(tmp_path)) == 2
