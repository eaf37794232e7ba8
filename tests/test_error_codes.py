"""Every error code a domain's services can raise is in that domain's enum, and a domain's enum holds the
codes of every domain it calls (their failures reach its callers); userErrors carry enums, never strings."""

from __future__ import annotations

import ast
from pathlib import Path

from graphql import GraphQLEnumType, GraphQLList, GraphQLNonNull, GraphQLObjectType

from api.schema import schema
from services.errors import BY_DOMAIN

SERVICES = Path(__file__).resolve().parent.parent / "services"


def _domain(path: Path) -> str:
    return path.relative_to(SERVICES).parts[0].removesuffix(".py")


def _raised_codes(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", None))
        if name == "NotFound":
            found.add("NOT_FOUND")
        elif name == "DomainError":
            code = node.args[2] if len(node.args) > 2 else next((k.value for k in node.keywords if k.arg == "code"),
                                                                 ast.Constant("INVALID"))
            branches = [code.body, code.orelse] if isinstance(code, ast.IfExp) else [code]
            found |= {b.value for b in branches if isinstance(b, ast.Constant)}
    for node in ast.walk(ast.parse(path.read_text())):  # codes chosen into a variable first
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["code"]:
            value = node.value
            branches = [value.body, value.orelse] if isinstance(value, ast.IfExp) else [value]
            found |= {b.value for b in branches if isinstance(b, ast.Constant) and isinstance(b.value, str)}
    return found


def _imported_domains(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("services."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.ImportFrom) and node.module == "services":
            found |= {alias.name for alias in node.names}
    return found & set(BY_DOMAIN) - {_domain(path)}


def _service_files() -> list[Path]:
    return [p for p in sorted(SERVICES.rglob("*.py")) if _domain(p) in BY_DOMAIN]


def test_each_domain_enum_holds_the_codes_its_services_raise():
    missing = {f"{p.relative_to(SERVICES)}: {code}" for p in _service_files()
               for code in _raised_codes(p) - {c.value for c in BY_DOMAIN[_domain(p)]}}
    assert missing == set()


def test_a_domain_enum_holds_the_codes_of_the_domains_it_calls():
    missing = {f"{_domain(p)} calls {other}: {code.value}" for p in _service_files() for other in _imported_domains(p)
               for code in BY_DOMAIN[other] if code.value not in {c.value for c in BY_DOMAIN[_domain(p)]}}
    assert missing == set()


def test_every_mutation_answers_user_errors_with_a_code_enum():
    mutation = schema._schema.mutation_type
    assert mutation is not None
    for name, field in mutation.fields.items():
        payload = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
        assert isinstance(payload, GraphQLObjectType), name
        errors = payload.fields["userErrors"].type
        while isinstance(errors, (GraphQLNonNull, GraphQLList)):
            errors = errors.of_type
        code = errors.fields["code"].type
        assert isinstance(code.of_type if isinstance(code, GraphQLNonNull) else code, GraphQLEnumType), name
