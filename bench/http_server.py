"""The server `bench/http.py` loads: the real app plus a bare Starlette JSON route, one process."""

from __future__ import annotations

import os

import uvicorn
from starlette.requests import Request
from starlette.responses import JSONResponse

from api.app import create_app


async def bare(request: Request) -> JSONResponse:
    await request.body()
    return JSONResponse({"data": {"viewer": None}})


app = create_app()
app.add_route("/bare", bare, methods=["POST"])

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ["PORT"]), log_level="warning", access_log=False)
