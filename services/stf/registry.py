"""The STF registry: reusable code transformations, registered idempotently by code pointer and
hash, versioned on update (old versions stay readable), deprecated with a reason."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, fields, replace
from enum import Enum

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from models.auth import Principal, Role
from models.contributors import Contributor
from models.stf import Stf, StfStatus
from services.contributors import check_tags
from services.errors import DomainError, NotFound
from services.rows import Record, Rows, like_pattern
from services.stf import similar as stf_index
from subscriptions.outbox import record_event

COMMIT_SHA = re.compile(r"^[0-9a-f]{40}$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
LANGUAGE = re.compile(r"^[a-z][a-z0-9+#._-]{0,31}$")
REPOSITORY = re.compile(r"^[^\s]{1,300}$")
MAX_DESCRIPTION = 10_000
MAX_SEARCH = 100


@dataclass(frozen=True)
class CodePointer:
    repository: str
    commit_sha: str
    file_path: str
    line_start: int
    line_end: int


@dataclass(frozen=True)
class StfDraft:
    name: str
    description: str
    language: str
    tags: list[str]
    code_pointer: CodePointer
    code_sha256: str
    quality_score: float = 0.0
    status: StfStatus = StfStatus.DRAFT


@dataclass(frozen=True)
class StfChanges:
    """What `stfUpdate` changes; None keeps the value of the version updated."""

    name: str | None = None
    description: str | None = None
    language: str | None = None
    tags: list[str] | None = None
    code_pointer: CodePointer | None = None
    code_sha256: str | None = None
    quality_score: float | None = None
    status: StfStatus | None = None


class StfOrder(str, Enum):
    CREATED = "CREATED"
    QUALITY = "QUALITY"
    USAGE = "USAGE"


ORDER_FIELD = {StfOrder.CREATED: "created_at", StfOrder.QUALITY: "quality_score", StfOrder.USAGE: "usage_count"}


def check_pointer(pointer: CodePointer) -> CodePointer:
    repository = pointer.repository.strip()
    if not REPOSITORY.match(repository):
        raise DomainError("codePointer.repository", "must be 1-300 characters without spaces, e.g. github.com/org/repo")
    sha = pointer.commit_sha.strip().lower()
    if not COMMIT_SHA.match(sha):
        raise DomainError("codePointer.commitSha", "must be a full commit SHA: 40 hexadecimal characters")
    path = pointer.file_path.strip()
    parts = path.split("/")
    if not path or len(path) > 500 or path.startswith("/") or ".." in parts or "" in parts or "\\" in path:
        raise DomainError("codePointer.filePath", "must be a relative path inside the repository (a/b.py), "
                                                  "1-500 characters, without '..' or empty segments")
    if pointer.line_start < 1:
        raise DomainError("codePointer.lineStart", "must be 1 or more")
    if pointer.line_end < pointer.line_start:
        raise DomainError("codePointer.lineEnd", f"must be >= lineStart ({pointer.line_start}), got {pointer.line_end}")
    return CodePointer(repository, sha, path, pointer.line_start, pointer.line_end)


def check_status(status: StfStatus) -> StfStatus:
    if status is StfStatus.VERIFIED:
        raise DomainError("status", "VERIFIED is given by stfVerify verdicts, not set directly", "FORBIDDEN")
    if status is StfStatus.DEPRECATED:
        raise DomainError("status", "use stfDeprecate to deprecate an STF")
    return status


def check_fields(draft: StfDraft) -> StfDraft:
    name = draft.name.strip()
    if not name:
        raise DomainError("name", "must not be empty")
    if len(name) > 200:
        raise DomainError("name", "at most 200 characters")
    if len(draft.description) > MAX_DESCRIPTION:
        raise DomainError("description", f"at most {MAX_DESCRIPTION} characters")
    language = draft.language.strip().lower()
    if not LANGUAGE.match(language):
        raise DomainError("language", "must be a lower-case language name like python, typescript or c++")
    tags = check_tags(draft.tags, "tags")
    pointer = check_pointer(draft.code_pointer)
    code_sha = draft.code_sha256.strip().lower()
    if not SHA256.match(code_sha):
        raise DomainError("codeSha256", "must be a SHA-256: 64 hexadecimal characters")
    if not (math.isfinite(draft.quality_score) and 0 <= draft.quality_score <= 1):
        raise DomainError("qualityScore", f"must be between 0 and 1, got {draft.quality_score}")
    return replace(draft, name=name, language=language, tags=tags, code_pointer=pointer, code_sha256=code_sha)


async def _registrant(by: Principal, contributor_id: int | None) -> Contributor:
    """The caller's contributor; an ADMIN may register on behalf of another one."""
    if contributor_id is not None:
        if by.role is not Role.ADMIN:
            raise DomainError("contributor", "only an ADMIN may register an STF for another contributor", "FORBIDDEN")
        found = await Contributor.get_or_none(id=contributor_id)
        if found is None:
            raise NotFound("contributor", "no such contributor")
        return found
    own = await Contributor.get_or_none(principal_id=by.id)
    if own is None:
        raise DomainError("contributor", "this API key acts for no contributor: use a key issued by "
                                         "contributorRegister(issueKey: true), or (ADMIN) name the contributor",
                          "NO_CONTRIBUTOR")
    return own


def _pointer_filter(draft: StfDraft) -> dict:
    p = draft.code_pointer
    return {"repository": p.repository, "commit_sha": p.commit_sha, "file_path": p.file_path,
            "line_start": p.line_start, "line_end": p.line_end, "code_sha256": draft.code_sha256}


def _event_payload(stf: Stf) -> dict:
    return {"stfId": stf.id, "lineageId": stf.lineage_id, "version": stf.version, "name": stf.name,
            "status": stf.status, "contributorId": stf.contributor_id, "codeSha256": stf.code_sha256,
            "tags": stf.tags}


async def register(by: Principal, draft: StfDraft, contributor_id: int | None = None) -> tuple[Stf, bool]:
    """The STF at this code pointer with this hash: the existing one (False) or a new one (True)."""
    draft = check_fields(draft)
    check_status(draft.status)
    contributor = await _registrant(by, contributor_id)
    async with in_transaction() as conn:
        # registrations of one pointer+hash queue here, so the second finds the first
        await conn.execute_query("SELECT pg_advisory_xact_lock(hashtext($1))",
                                 ["stf:" + "|".join(map(str, _pointer_filter(draft).values()))])
        existing = await Stf.filter(**_pointer_filter(draft)).using_db(conn).order_by("-version").first()
        if existing is not None:
            return existing, False
        stf = await Stf.create(lineage_id=0, version=1, is_latest=True, name=draft.name,
                               description=draft.description, language=draft.language, tags=draft.tags,
                               **{k: v for k, v in _pointer_filter(draft).items()}, status=draft.status,
                               quality_score=draft.quality_score, contributor_id=contributor.id, using_db=conn)
        stf.lineage_id = stf.id
        await stf.save(using_db=conn, update_fields=["lineage_id"])
        await record_event("stf.stf.registered.v1", _event_payload(stf), conn)
    await stf_index.index([stf.id])  # after the commit: Qdrant is not transactional
    return stf, True


async def _latest_for_change(conn, stf_id: int, by: Principal) -> Stf:
    stf = await Stf.filter(id=stf_id).using_db(conn).select_for_update().first()
    if stf is None:
        raise NotFound("id", "no such STF")
    if not stf.is_latest:
        latest = await Stf.get(lineage_id=stf.lineage_id, is_latest=True).using_db(conn)
        raise DomainError("id", f"version {stf.version} is not the latest; change version {latest.version} "
                                f"(id of Stf:{latest.id})", "NOT_LATEST")
    if by.role is not Role.ADMIN:
        own = await Contributor.get_or_none(principal_id=by.id).using_db(conn)
        if own is None or own.id != stf.contributor_id:
            raise DomainError("id", "only the contributor who registered this STF, or an ADMIN, may change it",
                              "FORBIDDEN")
    if stf.status is StfStatus.DEPRECATED:
        raise DomainError("id", "this STF is deprecated", "DEPRECATED")
    return stf


async def update(by: Principal, stf_id: int, changes: StfChanges) -> Stf:
    """A new version with the changes; the updated version stays readable, no longer latest."""
    async with in_transaction() as conn:
        old = await _latest_for_change(conn, stf_id, by)
        current = StfDraft(old.name, old.description, old.language, list(old.tags),
                           CodePointer(old.repository, old.commit_sha, old.file_path, old.line_start, old.line_end),
                           old.code_sha256, old.quality_score, old.status)
        given = {f.name: getattr(changes, f.name) for f in fields(changes) if getattr(changes, f.name) is not None}
        if not given:
            raise DomainError(None, "nothing to change: give at least one field", "NO_CHANGE")
        if "status" in given:
            check_status(given["status"])
        elif old.status is StfStatus.VERIFIED and ({"code_pointer", "code_sha256"} & given.keys()):
            given["status"] = StfStatus.ACTIVE  # the verification was of the old code
        draft = check_fields(replace(current, **given))
        if draft == current:
            raise DomainError(None, f"nothing differs from version {old.version}", "NO_CHANGE")
        old.is_latest = False
        await old.save(using_db=conn, update_fields=["is_latest", "updated_at"])
        stf = await Stf.create(lineage_id=old.lineage_id, version=old.version + 1, is_latest=True, name=draft.name,
                               description=draft.description, language=draft.language, tags=draft.tags,
                               **_pointer_filter(draft), status=draft.status, quality_score=draft.quality_score,
                               contributor_id=old.contributor_id, using_db=conn)
        await record_event("stf.stf.updated.v1", _event_payload(stf) | {"previousId": old.id}, conn)
    await stf_index.index([stf.id], replaced_ids=[old.id])  # after the commit: Qdrant is not transactional
    return stf


async def deprecate(by: Principal, stf_id: int, reason: str) -> Stf:
    reason = reason.strip()
    if not reason or len(reason) > 2000:
        raise DomainError("reason", "must be 1-2000 characters: why it should no longer be used")
    async with in_transaction() as conn:
        stf = await _latest_for_change(conn, stf_id, by)
        stf.status = StfStatus.DEPRECATED
        stf.deprecation_reason = reason
        await stf.save(using_db=conn, update_fields=["status", "deprecation_reason", "updated_at"])
        await record_event("stf.stf.deprecated.v1", _event_payload(stf) | {"reason": reason}, conn)
    return stf


STF_COLUMNS = ("id", "lineage_id", "version", "is_latest", "name", "description", "language", "tags", "repository",
               "commit_sha", "file_path", "line_start", "line_end", "code_sha256", "status", "quality_score",
               "usage_count", "contributor_id", "deprecation_reason", "created_at", "updated_at")


async def get(stf_id: int) -> Record | None:
    """The row of one STF version (any version), or None."""
    return await Rows("stfs", STF_COLUMNS).where('"id" = ?', stf_id).one()


def search(*, status: StfStatus | None = None, tags: list[str] | None = None, contributor_id: int | None = None,
           text: str | None = None, lineage_id: int | None = None) -> Rows:
    """Latest versions (all versions of one lineage when `lineage_id` is given) matching every filter."""
    rows = Rows("stfs", STF_COLUMNS)
    rows = rows.where('"lineage_id" = ?', lineage_id) if lineage_id is not None else rows.where('"is_latest"')
    if status is not None:
        rows = rows.where('"status" = ?', status.value)
    if tags:
        rows = rows.where('"tags" @> ?::jsonb', json.dumps(check_tags(tags, "filter.tags")))
    if contributor_id is not None:
        rows = rows.where('"contributor_id" = ?', contributor_id)
    if text is not None and text.strip():
        if len(text) > MAX_SEARCH:
            raise DomainError("filter.search", f"at most {MAX_SEARCH} characters")
        # the expressions of the trigram indexes stfs_search_name and stfs_search_description
        rows = rows.where('UPPER("name"::varchar) LIKE UPPER(?) OR UPPER("description"::varchar) LIKE UPPER(?)',
                          *[like_pattern(text.strip())] * 2)
    return rows


async def count_use(stf_id: int, conn) -> Stf:
    """An execution names this STF: one more use of this version (in the caller's transaction)."""
    stf = await Stf.get_or_none(id=stf_id).using_db(conn)
    if stf is None:
        raise NotFound("stfId", "no such STF")
    if stf.status is StfStatus.DEPRECATED:
        raise DomainError("stfId", f"this STF is deprecated: {stf.deprecation_reason}", "DEPRECATED")
    await Stf.filter(id=stf_id).using_db(conn).update(usage_count=F("usage_count") + 1)
    return stf
