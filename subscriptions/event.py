from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

EVENT_NAME = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*\.[a-z][a-z_]*\.v[0-9]+$")


@dataclass(frozen=True, slots=True)
class Event:
    """A published outbox row. `seq` is contiguous in publish order: the resume cursor."""

    seq: int
    id: int
    name: str
    payload: dict[str, Any]
    created_at: datetime

    def to_json(self) -> str:
        return json.dumps(
            {"seq": self.seq, "id": self.id, "name": self.name, "payload": self.payload,
             "created_at": self.created_at.isoformat()},
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, raw: str | bytes) -> "Event":
        data = json.loads(raw)
        return cls(seq=data["seq"], id=data["id"], name=data["name"], payload=data["payload"],
                   created_at=datetime.fromisoformat(data["created_at"]))
