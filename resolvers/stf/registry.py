"""The STF registry: `stf`, `stfs`, `stfRegister`, `stfUpdate`, `stfDeprecate`."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import orjson
import strawberry
from strawberry.types import Info

from models import contributors as cm
from models import stf as m
from resolvers.loaders import load_one
from resolvers.node import register_node
from resolvers.payload import attempt
from resolvers.permissions import IsAuthenticated
from resolvers.relay import Connection, Node, build, global_pk, paginate, to_global_id
from resolvers.scalars import BigInt
from resolvers.stf import StfUserError
from services.rows import Record
from services.stf import registry as stf_service

if TYPE_CHECKING:
    from resolvers.contributors import Contributor
    from resolvers.stf.usage import StfUsage
    from resolvers.stf.verification import StfVerification

STATUSES = {**{s.value: s for s in m.StfStatus}, **{s: s for s in m.StfStatus}}  # a column's text or the enum
StfStatus = strawberry.enum(
    m.StfStatus, description="DRAFT, ACTIVE, DEPRECATED; VERIFIED is given by stfVerify verdicts."
)
StfOrderField = strawberry.enum(
    stf_service.StfOrder, name="StfOrderField", description="CREATED, QUALITY (score) or USAGE (executions)."
)


@strawberry.enum
class OrderDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.type(description="Where the code of an STF lives: a file's lines at one commit.")
class CodePointer:
    repository: str
    commit_sha: str
    file_path: str
    line_start: int
    line_end: int


@strawberry.type(description="One version of a reusable code transformation (STF).")
class Stf(Node):
    name: str
    description: str
    language: str
    tags: list[str]
    code_pointer: CodePointer
    code_sha256: str
    version: int
    is_latest: bool = strawberry.field(description="False once stfUpdate made a newer version.")
    status: StfStatus
    quality_score: float = strawberry.field(description="In [0, 1].")
    usage_count: BigInt = strawberry.field(description="Executions started with this version.")
    deprecation_reason: str | None
    created_at: datetime
    updated_at: datetime
    contributor_pk: strawberry.Private[int]
    lineage_pk: strawberry.Private[int]

    @classmethod
    def of(cls, row: m.Stf | Record) -> "Stf":
        """From a row of the services' plain reads, or a model instance (what writes return). The
        row's columns become attributes as they are (most fields are columns of the same name)."""
        values = dict(row) if isinstance(row, Record) else {c: getattr(row, c) for c in stf_service.STF_COLUMNS}
        tags = values["tags"]
        values.update(
            id=to_global_id("Stf", values["id"]), tags=orjson.loads(tags) if isinstance(tags, str) else list(tags),
            status=STATUSES[values["status"]], contributor_pk=values["contributor_id"], lineage_pk=values["lineage_id"],
            code_pointer=build(CodePointer, {"repository": values["repository"], "commit_sha": values["commit_sha"],
                                             "file_path": values["file_path"], "line_start": values["line_start"],
                                             "line_end": values["line_end"]}))
        return build(cls, values)

    @strawberry.field(description="The contributor who registered it.")
    async def contributor(self, info: Info) -> Annotated["Contributor", strawberry.lazy("resolvers.contributors")]:
        from resolvers.contributors import Contributor

        return await load_one(info, cm.Contributor, self.contributor_pk, Contributor.of)

    @strawberry.field(description="Applications, successes and quality of this version, from the usage view.")
    async def usage(self, info: Info) -> Annotated["StfUsage", strawberry.lazy("resolvers.stf.usage")]:
        from resolvers.stf.usage import usage_loader

        return await usage_loader(info).load(global_pk(self.id, "Stf"))

    @strawberry.field(description="The verifications of this version, oldest first (see stfVerify).")
    async def verifications(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated["StfVerification", strawberry.lazy("resolvers.stf.verification")]]:
        from resolvers.stf.verification import StfVerification
        from services.stf.verification import of_stf

        return await paginate(of_stf(global_pk(self.id, "Stf")), first=first, after=after, order=["id"],
                              to_node=StfVerification.of, max_page_size=info.context.max_page_size)

    @strawberry.field(description="Every version of this STF, newest first.")
    async def versions(self, info: Info, first: int | None = None, after: str | None = None) -> Connection["Stf"]:
        return await paginate(stf_service.search(lineage_id=self.lineage_pk), first=first, after=after,
                              order=["-version"], to_node=Stf.of, max_page_size=info.context.max_page_size)


async def _load_stf(pk: int, info: Info) -> Stf | None:
    row = await stf_service.get(pk)
    return Stf.of(row) if row else None


register_node("Stf", _load_stf)


@strawberry.input
class CodePointerInput:
    repository: str = strawberry.field(description="e.g. github.com/org/repo")
    commit_sha: str = strawberry.field(description="The full commit SHA: 40 hexadecimal characters.")
    file_path: str = strawberry.field(description="Relative to the repository root.")
    line_start: int = strawberry.field(description="First line, from 1.")
    line_end: int = strawberry.field(description="Last line, >= lineStart.")

    def to_service(self) -> stf_service.CodePointer:
        return stf_service.CodePointer(self.repository, self.commit_sha, self.file_path, self.line_start, self.line_end)


@strawberry.input
class StfRegisterInput:
    name: str
    language: str = strawberry.field(description="Lower case: python, typescript, c++, ...")
    code_pointer: CodePointerInput
    code_sha256: str = strawberry.field(description="SHA-256 of the code the pointer names, 64 hexadecimal characters.")
    description: str = ""
    tags: list[str] = strawberry.field(default_factory=list, description="Lower-case tags, at most 20.")
    quality_score: float = strawberry.field(default=0.0, description="In [0, 1].")
    status: StfStatus = strawberry.field(default=m.StfStatus.DRAFT, description="DRAFT or ACTIVE.")
    contributor: strawberry.ID | None = strawberry.field(
        default=None, description="ADMIN only: register for this contributor. Others register as their own.")


@strawberry.type
class StfRegisterPayload:
    stf: Stf | None
    created: bool = strawberry.field(description="False when this pointer and hash were registered before.")
    user_errors: list[StfUserError]


@strawberry.input
class StfUpdateInput:
    id: strawberry.ID = strawberry.field(description="The latest version.")
    name: str | None = None
    description: str | None = None
    language: str | None = None
    tags: list[str] | None = None
    code_pointer: CodePointerInput | None = None
    code_sha256: str | None = None
    quality_score: float | None = None
    status: StfStatus | None = strawberry.field(default=None, description="DRAFT or ACTIVE.")


@strawberry.type
class StfUpdatePayload:
    stf: Stf | None = strawberry.field(description="The new version.")
    user_errors: list[StfUserError]


@strawberry.input
class StfDeprecateInput:
    id: strawberry.ID
    reason: str


@strawberry.type
class StfDeprecatePayload:
    stf: Stf | None
    user_errors: list[StfUserError]


@strawberry.input
class StfFilter:
    status: StfStatus | None = None
    tags: list[str] | None = strawberry.field(default=None, description="STFs with all of these tags.")
    contributor: strawberry.ID | None = None
    search: str | None = strawberry.field(default=None, description="Matches name or description, any case.")


@strawberry.input
class StfOrder:
    field: StfOrderField = stf_service.StfOrder.CREATED
    direction: OrderDirection = OrderDirection.DESC


def _pk(global_id: str | None, type_name: str, field: str) -> int | None:
    return None if global_id is None else global_pk(global_id, type_name, field)


@strawberry.type
class StfQuery:
    @strawberry.field(description="One STF version by id (old versions stay readable); public.")
    async def stf(self, id: strawberry.ID) -> Stf | None:
        row = await stf_service.get(global_pk(id, "Stf"))
        return Stf.of(row) if row else None

    @strawberry.field(description="Latest versions of STFs, newest first unless `orderBy` says otherwise; public.")
    async def stfs(self, info: Info, first: int | None = None, after: str | None = None,
                   filter: StfFilter | None = None, order_by: StfOrder | None = None) -> Connection[Stf]:
        given = filter or StfFilter()
        order = order_by or StfOrder()
        query = stf_service.search(status=given.status, tags=given.tags, text=given.search,
                                   contributor_id=_pk(given.contributor, "Contributor", "filter.contributor"))
        sign = "-" if order.direction is OrderDirection.DESC else ""
        column = stf_service.ORDER_FIELD[stf_service.StfOrder(order.field.value)]
        return await paginate(query, first=first, after=after, order=[sign + column, sign + "id"], to_node=Stf.of,
                              max_page_size=info.context.max_page_size)


@strawberry.type
class StfMutation:
    @strawberry.mutation(permission_classes=[IsAuthenticated], description=(
        "Register an STF as the caller's contributor. The same code pointer and hash again returns the "
        "existing STF (`created: false`)."))
    async def stf_register(self, info: Info, input: StfRegisterInput) -> StfRegisterPayload:
        draft = stf_service.StfDraft(
            name=input.name, description=input.description, language=input.language, tags=input.tags,
            code_pointer=input.code_pointer.to_service(), code_sha256=input.code_sha256,
            quality_score=input.quality_score, status=m.StfStatus(input.status.value))
        result, errors = await attempt(stf_service.register(
            info.context.principal, draft, _pk(input.contributor, "Contributor", "contributor")))
        if result is None:
            return StfRegisterPayload(stf=None, created=False, user_errors=errors)
        return StfRegisterPayload(stf=Stf.of(result[0]), created=result[1], user_errors=[])

    @strawberry.mutation(permission_classes=[IsAuthenticated], description=(
        "Make a new version of the latest version with the given fields changed (its registrant or ADMIN)."))
    async def stf_update(self, info: Info, input: StfUpdateInput) -> StfUpdatePayload:
        changes = stf_service.StfChanges(
            name=input.name, description=input.description, language=input.language, tags=input.tags,
            code_pointer=input.code_pointer.to_service() if input.code_pointer else None,
            code_sha256=input.code_sha256, quality_score=input.quality_score,
            status=m.StfStatus(input.status.value) if input.status else None)
        row, errors = await attempt(stf_service.update(info.context.principal, global_pk(input.id, "Stf"), changes))
        return StfUpdatePayload(stf=Stf.of(row) if row else None, user_errors=errors)

    @strawberry.mutation(permission_classes=[IsAuthenticated],
                         description="Mark the latest version DEPRECATED with a reason (its registrant or ADMIN).")
    async def stf_deprecate(self, info: Info, input: StfDeprecateInput) -> StfDeprecatePayload:
        row, errors = await attempt(stf_service.deprecate(info.context.principal, global_pk(input.id, "Stf"),
                                                          input.reason))
        return StfDeprecatePayload(stf=Stf.of(row) if row else None, user_errors=errors)
