"""Questionnaires over HTTP (tag ``questionnaires``, in the OpenAPI document).

Thin: the caller (signed in or not), the validated input, then ``Questionnaires``.
Answering is public: no sign-in, an ``Idempotency-Key`` header, a rate limit per
client address (the edge's address key) and a body limit of 512 KiB (413).
"""

from __future__ import annotations

from typing import Annotated, Any

from aiohttp import web
from pydantic import Field, StringConstraints

from server.contract import Api, Call
from server.contract.types import Id
from server.errors import (
    Forbidden,
    IdempotencyKeyReused,
    InvalidTransition,
    NotFound,
    PayloadTooLarge,
    QuestionsFrozen,
    RateLimited,
    Unauthenticated,
    Unavailable,
)
from server.keys import LIMITS, QUESTIONNAIRES
from server.questionnaires import exports
from server.questionnaires import schemas as s

api = Api("questionnaires")

Q = "/api/questionnaires/{qid}"
PARAMS = {
    "gid": "working group id",
    "qid": "questionnaire id",
    "number": "question number",
    "token": "the private draft link's secret",
}
READ = (Unauthenticated, Forbidden, NotFound)
MANAGE = (*READ, InvalidTransition)
ANSWER = (
    NotFound, InvalidTransition, RateLimited, PayloadTooLarge, IdempotencyKeyReused, Unavailable,
)  # fmt: skip
DraftToken = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{16,128}$")]
Number = Annotated[int, Field(ge=1, le=s.MAX_ANSWERS, strict=True)]
KEY_HEADER = {
    "Idempotency-Key": {
        "description": "required: 8-128 visible ASCII characters, one per form",
        "schema": {"type": "string", "minLength": 8, "maxLength": 128},
    }
}


@api.post("/api/groups/{gid}/questionnaires", status=201, errors=MANAGE, params=PARAMS)
async def create_questionnaire(call: Call, gid: Id, body: s.QuestionnaireCreate) -> s.Questionnaire:
    """Draft a questionnaire (chair, secretariat)

    Its draft document (kind questionnaire) starts with the stakeholder question and a
    comments question; members co-edit it live; each paragraph is a question, its
    section A-E the question's grouping."""
    return await call.app[QUESTIONNAIRES].create(await call.signed_in(), gid, body)


@api.get("/api/groups/{gid}/questionnaires", auth="optional", errors=(NotFound,), params=PARAMS)
async def list_questionnaires(call: Call, gid: Id) -> s.QuestionnaireList:
    """The group's questionnaires (published ones for anyone; drafts for its members)"""
    return await call.app[QUESTIONNAIRES].list(await call.caller(), gid)


@api.get(Q, auth="optional", errors=(NotFound,), params=PARAMS)
async def get_questionnaire(call: Call, qid: Id) -> s.Questionnaire:
    """A questionnaire and its questions (public once published)"""
    return await call.app[QUESTIONNAIRES].get(await call.caller(), qid)


@api.post(Q + "/import", errors=MANAGE, params=PARAMS)
async def import_questions(call: Call, qid: Id, body: s.QuestionnaireImport) -> s.Questionnaire:
    """Copy question paragraphs of a draft (a breakout group's) into the questionnaire's"""
    return await call.app[QUESTIONNAIRES].import_questions(await call.signed_in(), qid, body)


@api.post(Q + "/publish", errors=MANAGE, params=PARAMS)
async def publish_questionnaire(
    call: Call, qid: Id, body: s.QuestionnairePublish
) -> s.Questionnaire:
    """Publish with a deadline (a local time in the group's zone)

    Freezes the draft's paragraphs into the questions of a version; once responses
    exist, publishing again makes a new version (responses keep theirs)."""
    return await call.app[QUESTIONNAIRES].publish(await call.signed_in(), qid, body)


@api.post(Q + "/deadline", errors=MANAGE, params=PARAMS)
async def extend_deadline(call: Call, qid: Id, body: s.DeadlineChange) -> s.Questionnaire:
    """Extend the deadline, citing the decision (recorded and audited)"""
    return await call.app[QUESTIONNAIRES].extend(await call.signed_in(), qid, body)


@api.get(Q + "/extensions", auth="optional", errors=(NotFound,), params=PARAMS)
async def list_extensions(call: Call, qid: Id) -> s.ExtensionList:
    """The deadline's extensions and their decisions"""
    return await call.app[QUESTIONNAIRES].extensions(await call.caller(), qid)


@api.patch(Q + "/questions/{number}", errors=(*MANAGE, QuestionsFrozen), params=PARAMS)
async def update_question(
    call: Call, qid: Id, number: Number, body: s.QuestionUpdate
) -> s.Questionnaire:
    """Reword or regroup a published question (409 `questions_frozen` once answered)"""
    return await call.app[QUESTIONNAIRES].update_question(await call.signed_in(), qid, number, body)


def _client(call: Call) -> str:
    return call.app[LIMITS].client(call.request)


@api.post(
    Q + "/responses",
    status=201,
    auth="optional",
    errors=ANSWER,
    params=PARAMS,
    body_limit=s.MAX_BODY,
    responses={
        200: {
            "description": "a resend with the same Idempotency-Key: the same receipt",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ResponseReceipt"}}
            },
        },
    },
)
async def submit_response(
    call: Call, qid: Id, body: s.ResponseIn
) -> s.ResponseReceipt | web.StreamResponse:
    """Answer a published questionnaire (no sign-in)

    Header `Idempotency-Key` (required): a resend returns the same receipt (200), never
    a second response. `submit: false` saves a draft: keep `draft_token`, the secret
    of the private link (`GET`/`PUT .../drafts/{token}`). After the deadline: kept,
    flagged late."""
    key = call.request.headers.get("Idempotency-Key")
    receipt, created = await call.app[QUESTIONNAIRES].respond(
        await call.caller(), qid, key, body, _client(call)
    )
    if created:
        return receipt
    return web.json_response(receipt.model_dump(mode="json"), status=200)


@api.get(Q + "/drafts/{token}", auth="public", errors=(NotFound,), params=PARAMS)
async def get_draft(call: Call, qid: Id, token: DraftToken) -> s.DraftResponse:
    """A respondent's saved response, through its private link"""
    return await call.app[QUESTIONNAIRES].draft(qid, token)


@api.put(
    Q + "/drafts/{token}",
    auth="public",
    errors=(NotFound, InvalidTransition, RateLimited, PayloadTooLarge, Unavailable),
    params=PARAMS,
    body_limit=s.MAX_BODY,
)
async def save_draft(
    call: Call, qid: Id, token: DraftToken, body: s.ResponseIn
) -> s.ResponseReceipt:
    """Save or submit the draft at this link (a submitted response no longer changes)"""
    return await call.app[QUESTIONNAIRES].save_draft(qid, token, body, _client(call))


@api.get(Q + "/responses", auth="optional", errors=READ, params=PARAMS)
async def list_responses(
    call: Call, qid: Id, query: s.ResponsesQuery
) -> s.ResponseList | web.StreamResponse:
    """Contributions by respondent (members, observers, officers)

    Filters: stakeholder group, grouping A-E (the answers to its questions), late, q
    (answers containing every word)."""
    got = await call.app[QUESTIONNAIRES].by_respondent(await call.caller(), qid, query)
    return web.json_response(got)


@api.get(Q + "/by-question", auth="optional", errors=READ, params=PARAMS)
async def responses_by_question(
    call: Call, qid: Id, query: s.ResponsesQuery
) -> s.ByQuestion | web.StreamResponse:
    """Contributions by question, with the same filters"""
    got = await call.app[QUESTIONNAIRES].by_question(await call.caller(), qid, query)
    return web.json_response(got)


@api.get(Q + "/distribution", auth="optional", errors=READ, params=PARAMS)
async def response_distribution(call: Call, qid: Id) -> s.Distribution:
    """Respondents per stakeholder group, late ones apart"""
    return await call.app[QUESTIONNAIRES].distribution(await call.caller(), qid)


@api.get(Q + "/search", auth="optional", errors=READ, params=PARAMS)
async def search_responses(call: Call, qid: Id, query: s.SearchQuery) -> s.SearchResult:
    """Search every answer (case-insensitive; every word must appear)"""
    return await call.app[QUESTIONNAIRES].search(await call.caller(), qid, query)


@api.get(
    Q + "/export",
    auth="optional",
    errors=READ,
    params=PARAMS,
    raw_content={media: {"schema": {"type": "string"}} for media in exports.MEDIA.values()},
)
async def export_responses(call: Call, qid: Id, query: s.ExportQuery) -> web.StreamResponse:
    """A view as a file: by-respondent, by-question or distribution; md, html, csv, docx"""
    data, filename = await call.app[QUESTIONNAIRES].export(await call.caller(), qid, query)
    headers: dict[str, Any] = {"Content-Disposition": f'attachment; filename="{filename}"'}
    media = exports.MEDIA[query.format]
    response = web.Response(body=data, headers=headers, content_type=media)
    if query.format != "docx":
        response.charset = "utf-8"
    return response
