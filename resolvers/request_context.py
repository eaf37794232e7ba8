from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.websockets import WebSocket

from models.auth import ApiKey, Principal
from services.rate_limits import Charge
from subscriptions.bus import Bus


@dataclass
class Context:
    """What every resolver sees as `info.context`. Made per request (and per WebSocket)."""

    request: Request | WebSocket
    bus: Bus
    max_page_size: int
    principal: Principal | None = None
    api_key: ApiKey | None = None
    rate_limit: Charge | None = None  # what this operation was charged, once it was
    request_id: str = ""
    response: Any = None
    connection_params: dict[str, Any] | None = None
    loaders: dict[str, Any] = field(default_factory=dict)
