"""Correspondence groups over HTTP (tag "correspondence"); live on ``/group|<gid>``.
Thin: caller, validated input, ``CorrespondenceService``."""

from __future__ import annotations

from server.contract import Api, Call
from server.contract.types import Id
from server.correspondence import schemas as s
from server.errors import Conflict, Forbidden, StaleRevision, Unauthenticated
from server.keys import CORRESPONDENCE

api = Api("correspondence")

G = "/api/groups/{gid}/correspondence"
C = "/api/correspondence/{cid}"
PARAMS = {
    "gid": "working group id",
    "cid": "correspondence group id",
    "pid": "person id",
    "aid": "mapping area id",
}
READ = (Unauthenticated, Forbidden)


@api.post(G, status=201, errors=READ, params=PARAMS)
async def create_correspondence(
    call: Call, gid: Id, body: s.CorrespondenceCreate
) -> s.CorrespondenceGroup:
    """Create a correspondence group, with its terms of reference document (officers)"""
    return await call.app[CORRESPONDENCE].create(await call.signed_in(), gid, body)


@api.get(G, errors=READ, params=PARAMS)
async def list_correspondence(call: Call, gid: Id) -> s.CorrespondenceList:
    """The working group's correspondence groups (members, observers, officers)"""
    return await call.app[CORRESPONDENCE].list_groups(await call.signed_in(), gid)


@api.get(C, errors=READ, params=PARAMS)
async def get_correspondence(call: Call, cid: Id) -> s.CorrespondenceGroup:
    """One correspondence group: terms of reference, chair, members, documents"""
    return await call.app[CORRESPONDENCE].get(await call.signed_in(), cid)


@api.patch(C, errors=READ, params=PARAMS)
async def edit_correspondence(
    call: Call, cid: Id, body: s.CorrespondencePatch
) -> s.CorrespondenceGroup:
    """Change its title, chair, deadline or meeting (officers)"""
    return await call.app[CORRESPONDENCE].patch(await call.signed_in(), cid, body)


@api.route("PUT", C + "/members/{pid}", errors=READ, params=PARAMS)
async def add_correspondence_member(call: Call, cid: Id, pid: Id) -> s.CorrespondenceGroup:
    """Make a person of the working group a member (officers)"""
    return await call.app[CORRESPONDENCE].member(await call.signed_in(), cid, pid, add=True)


@api.delete(C + "/members/{pid}", errors=READ, params=PARAMS)
async def remove_correspondence_member(call: Call, cid: Id, pid: Id) -> s.CorrespondenceGroup:
    """Remove a member (officers)"""
    return await call.app[CORRESPONDENCE].member(await call.signed_in(), cid, pid, add=False)


@api.get(C + "/areas", errors=READ, params=PARAMS)
async def list_mapping_areas(call: Call, cid: Id) -> s.AreaList:
    """The mapping table: areas, existing mechanisms, gaps, contributions"""
    return await call.app[CORRESPONDENCE].areas(await call.signed_in(), cid)


@api.post(C + "/areas", status=201, errors=READ, params=PARAMS)
async def add_mapping_area(call: Call, cid: Id, body: s.AreaCreate) -> s.MappingArea:
    """Add an area (the group's members and chair, officers)"""
    return await call.app[CORRESPONDENCE].add_area(await call.signed_in(), cid, body)


@api.patch(C + "/areas/{aid}", errors=(*READ, StaleRevision), params=PARAMS)
async def edit_mapping_area(call: Call, cid: Id, aid: Id, body: s.AreaPatch) -> s.MappingArea:
    """Edit an area, naming the revision you edited

    Changed since: 409 `stale_revision` with the area as it is now in
    `error.details.current`, and nothing changed."""
    return await call.app[CORRESPONDENCE].edit_area(await call.signed_in(), cid, aid, body)


@api.delete(C + "/areas/{aid}", errors=READ, params=PARAMS)
async def delete_mapping_area(call: Call, cid: Id, aid: Id) -> s.MappingArea:
    """Remove an area (the group's members and chair, officers)"""
    return await call.app[CORRESPONDENCE].delete_area(await call.signed_in(), cid, aid)


@api.post(C + "/documents", status=201, errors=(*READ, Conflict), params=PARAMS)
async def create_correspondence_document(
    call: Call, cid: Id, body: s.DocumentCreate
) -> s.CorrespondenceGroup:
    """Create the chair's report or the compilation of contributions, attached to a meeting"""
    return await call.app[CORRESPONDENCE].document(await call.signed_in(), cid, body)
