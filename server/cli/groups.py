"""``rollingtext group|delegation|member``: working groups, seats and people."""

from __future__ import annotations

import argparse
from typing import Any

from server.cli.common import (
    DEFAULT_BASE_URL,
    ROLES,
    Result,
    command,
    seats,
    table,
)
from server.groups import schemas
from server.groups.operator import Operator, validated
from server.groups.presets import StakeholderKey

# -- groups, delegations, people ----------------------------------------------------------


async def _group_create(op: Operator, args: argparse.Namespace) -> Result:
    new = validated(
        schemas.GroupCreate,
        slug=args.slug,
        name=args.name,
        mandate=args.mandate,
        public_follow=args.public_follow,
    )
    group = await op.groups.create_group(op.principal, new)
    text = f"created working group {group.slug} (id {group.id}): {group.name}\n"
    return Result(group, text + "stakeholder groups:\n" + seats(group))


async def _group_list(op: Operator, args: argparse.Namespace) -> Result:
    groups = await op.groups.list_groups(op.principal)
    rows: list[tuple[object, ...]] = [("id", "slug", "follow", "name")] if groups else []
    rows += [(g.id, g.slug, "public" if g.public_follow else "-", g.name) for g in groups]
    return Result({"groups": groups}, table(rows))


async def _group_update(op: Operator, args: argparse.Namespace) -> Result:
    follow = None if args.public_follow is None else args.public_follow == "on"
    change = validated(schemas.GroupUpdate, time_zone=args.time_zone, public_follow=follow)
    group = await op.groups.update_group(op.principal, await op.group_id(args.slug), change)
    follows = "on" if group.public_follow else "off"
    return Result(group, f"{group.slug}: time zone {group.time_zone}, public follow {follows}")


def _people_rows(people: list[schemas.Person], names: dict[int, str]) -> str:
    return table(
        [
            (
                p.id,
                p.role,
                p.name,
                (names.get(p.delegation_id) if p.delegation_id else None) or p.organization or "",
                "" if p.active else "REVOKED",
            )
            for p in people
        ]
    )


async def _group_show(op: Operator, args: argparse.Namespace) -> Result:
    gid = await op.group_id(args.slug)
    actor = op.principal
    group = await op.groups.get_group(actor, gid)
    delegations = await op.groups.list_delegations(actor, gid)
    people = await op.groups.list_people(actor, gid)
    documents = await op.documents.list_documents(actor, gid)
    requests = await op.observers.list(actor, gid)
    counts: dict[str, int] = {}
    for r in requests:
        counts[r.status] = counts.get(r.status, 0) + 1
    lines = [
        f"{group.slug} (id {group.id}): {group.name}",
        f"mandate: {group.mandate or '-'}",
        f"public follow: {'on' if group.public_follow else 'off'}",
        f"time zone: {group.time_zone}",
        "stakeholder groups:",
        seats(group),
        "delegations:",
        table([(d.id, d.name, d.stakeholder_group) for d in delegations]),
        "people:",
        _people_rows(people, {d.id: d.name for d in delegations}),
        "documents:",
        table([(d.name, d.kind, "public" if d.public else "private", d.title) for d in documents]),
        "observer requests: "
        + (", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "none"),
    ]
    data = {
        **group.model_dump(mode="json"),
        "delegations": delegations,
        "people": people,
        "documents": documents,
        "observer_requests": requests,
    }
    return Result(data, "\n".join(lines))


async def _delegation_add(op: Operator, args: argparse.Namespace) -> Result:
    new = validated(schemas.DelegationCreate, name=args.name, stakeholder_group=args.stakeholder)
    gid = await op.group_id(args.group)
    added = await op.groups.add_delegation(op.principal, gid, new)
    group = await op.groups.get_group(op.principal, gid)
    seats = next(s for s in group.stakeholder_groups if s.key == new.stakeholder_group)
    text = (
        f"added delegation {added.name} (id {added.id}) to {seats.name}: "
        f"{seats.taken}/{seats.seats} seats taken"
    )
    return Result(added, text)


async def _delegation_list(op: Operator, args: argparse.Namespace) -> Result:
    items = await op.groups.list_delegations(op.principal, await op.group_id(args.group))
    return Result(
        {"delegations": items},
        table([(d.id, d.name, d.stakeholder_group) for d in items]),
    )


async def invite_person(
    op: Operator, args: argparse.Namespace, gid: int, pid: int
) -> dict[str, Any]:
    """Issue a link; the CLI shows its URL (never the bare code) and whether it opens once."""
    new = validated(schemas.InvitationCreate, person_id=pid, ttl_seconds=args.ttl)
    ttl = new.ttl_seconds or op.settings.invitation_ttl_seconds
    issued = await op.invitations.issue_invitation(op.principal, gid, pid, ttl_seconds=ttl)
    shown = issued.model_dump(mode="json", exclude={"code"})
    shown["url"] = op.invitation_url(args.base_url, issued.code)
    shown["single_use"] = op.settings.invitation_single_use
    return shown


def link_text(issued: dict[str, Any]) -> str:
    uses = "opens once, " if issued["single_use"] else ""
    return (
        f"invitation {issued['id']} for person {issued['person_id']}, "
        f"{uses}expires {issued['expires_at']}:\n{issued['url']}"
    )


async def _member_add(op: Operator, args: argparse.Namespace) -> Result:
    new = validated(schemas.PersonCreate, name=args.name, role=args.role, email=args.email)
    gid = await op.group_id(args.group)
    delegation = await op.delegation(gid, args.delegation) if args.delegation else None
    if delegation is not None:
        new = new.model_copy(update={"delegation_id": delegation.id})
    person = await op.groups.add_person(op.principal, gid, new)
    text = f"added {person.role} {person.name} (person {person.id})"
    if delegation is not None:
        text += f" for {delegation.name}"
    data: dict[str, Any] = person.model_dump(mode="json")
    if args.invite:
        data["invitation"] = await invite_person(op, args, gid, person.id)
        text += "\n" + link_text(data["invitation"])
    return Result(data, text)


async def _member_list(op: Operator, args: argparse.Namespace) -> Result:
    people = await op.groups.list_people(op.principal, await op.group_id(args.group))
    rows = [(p.id, p.role, p.name, "" if p.active else "REVOKED") for p in people]
    return Result({"people": people}, table(rows))


async def _member_update(op: Operator, args: argparse.Namespace) -> Result:
    gid = await op.group_id(args.group)
    active = {"revoke": False, "reinstate": True}.get(args.action)
    change = validated(schemas.PersonUpdate, role=getattr(args, "role", None), active=active)
    person = await op.groups.update_person(op.principal, gid, args.person, change)
    state = (
        "active; earlier links stay dead (issue a new one with `rollingtext invite`)"
        if person.active
        else "revoked: every token, session and login link of theirs stops"
    )
    return Result(person, f"person {person.id} {person.name}: {person.role}, {state}")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    group = sub.add_parser("group", help="working groups").add_subparsers(
        dest="action", required=True
    )
    create = command(group, "create", _group_create, "create a working group (WGEC seats)", common)
    create.add_argument("--slug", required=True, help="short name in URLs, e.g. wgec")
    create.add_argument("--name", required=True)
    create.add_argument("--mandate")
    create.add_argument("--public-follow", action="store_true", help="anyone may follow live")
    command(group, "list", _group_list, "list working groups", common)
    show = command(group, "show", _group_show, "seats, delegations, people, documents", common)
    show.add_argument("slug")
    update = command(group, "update", _group_update, "time zone, public follow", common)
    update.add_argument("slug")
    update.add_argument("--time-zone", help="IANA zone the group meets in, e.g. Europe/Zurich")
    update.add_argument("--public-follow", choices=("on", "off"))

    delegation = sub.add_parser("delegation", help="delegations holding seats")
    dsub = delegation.add_subparsers(dest="action", required=True)
    add = command(dsub, "add", _delegation_add, "add a delegation to a stakeholder group", common)
    add.add_argument("--group", required=True, help="group slug")
    add.add_argument("--name", required=True, help="e.g. Brazil")
    add.add_argument("--stakeholder", required=True, choices=list(StakeholderKey))
    command(dsub, "list", _delegation_list, "list delegations", common).add_argument(
        "--group", required=True
    )

    msub = sub.add_parser("member", help="people and their roles").add_subparsers(
        dest="action", required=True
    )
    madd = command(msub, "add", _member_add, "add a person", common)
    madd.add_argument("--group", required=True, help="group slug")
    madd.add_argument("--name", required=True)
    madd.add_argument("--role", required=True, choices=ROLES)
    madd.add_argument("--delegation", help="delegation name (required for members)")
    madd.add_argument("--email")
    madd.add_argument("--invite", action="store_true", help="also issue a login link")
    madd.add_argument("--ttl", type=int, help="link lifetime in seconds (default 14 days)")
    madd.add_argument("--base-url", default=DEFAULT_BASE_URL, help="server URL for links")
    command(msub, "list", _member_list, "list people", common).add_argument(
        "--group", required=True
    )
    for action, help_text in (
        ("role", "change a person's role"),
        ("revoke", "revoke a person's access (every token and session)"),
        ("reinstate", "give a revoked person access again (old links stay dead)"),
    ):
        cmd = command(msub, action, _member_update, help_text, common)
        cmd.add_argument("--group", required=True, help="group slug")
        cmd.add_argument("--person", required=True, type=int, help="person id")
        if action == "role":
            cmd.add_argument("--role", required=True, choices=ROLES)
