"""What the input boundary costs per request, next to its floor (the plain `json.loads` every request
pays anyway): the strict decoding of a body (UTF-8, nesting, numbers) and the check of the strings of
its variables (no NUL, no lone surrogate), for a small mutation and an 80 KB snapshot.

    python -m bench.request_boundary"""

from __future__ import annotations

import json
import timeit

from api.input_strings import ESCAPED_SUSPECT, _faults
from api.request_body import decode
from bench.common import machine

SMALL = {"query": "mutation T($input: TokenTransferInput!) { tokenTransfer(input: $input) { transfer { id } } }",
         "variables": {"input": {"to": "bob", "amount": 5, "idempotencyKey": "k-123", "memo": "thanks"}}}
SNAPSHOT = {"query": "mutation S($s: JSON!) { snapshotRecord(input: {correlationId: \"x\", step: 1, phase: INPUT, "
                     "state: $s}) { snapshot { id } } }",
            "variables": {"s": {"files": [{"path": f"src/m{i}.py", "lines": [f"line {j} of code" for j in range(20)]}
                                          for i in range(200)]}}}


def _best_us(work, number: int) -> float:
    return min(timeit.repeat(work, number=number, repeat=7)) / number * 1e6


def _string_check(variables: dict) -> list:
    return list(_faults(variables, "$")) if ESCAPED_SUSPECT.search(json.dumps(variables)) else []


def main() -> None:
    rows = []
    for name, body, number in (("small mutation", SMALL, 20_000), ("80 KB snapshot", SNAPSHOT, 100)):
        raw = json.dumps(body).encode()
        floor = _best_us(lambda: json.loads(raw), number)
        strict = _best_us(lambda: decode(raw, max_depth=64), number)
        strings = _best_us(lambda: _string_check(body["variables"]), number)
        rows.append({"body": name, "bytes": len(raw), "json_loads_us": round(floor, 1),
                     "boundary_decode_us": round(strict, 1), "string_check_us": round(strings, 1),
                     "boundary_over_floor": round((strict + strings) / floor, 2)})
    print(json.dumps({"machine": machine(), "results": rows}, indent=2))


if __name__ == "__main__":
    main()
