"""Tokens prove who signed a claim and until when."""

from __future__ import annotations

import pytest

from server.auth.tokens import Role, TokenSigner
from server.errors import TokenExpired, Unauthenticated


def test_issue_and_verify() -> None:
    signer = TokenSigner("s1")
    claims = signer.verify(signer.issue("Amina", Role.MEMBER, 60))
    assert (claims.name, claims.role, claims.person_id) == ("Amina", Role.MEMBER, None)
    assert signer.verify(signer.issue("Remote", Role.FOLLOWER, 60)).role is Role.FOLLOWER
    tied = signer.verify(
        signer.issue("Amina", Role.MEMBER, 60, person_id=7, group_id=2, version=3, invitation_id=9)
    )
    assert (tied.person_id, tied.group_id, tied.version, tied.invitation_id) == (7, 2, 3, 9)


@pytest.mark.parametrize("token", [None, "", "abc", "a.b", 42])
def test_malformed_tokens_are_refused(token: object) -> None:
    with pytest.raises(Unauthenticated):
        TokenSigner("s1").verify(token)


def test_forged_and_expired_tokens_are_refused() -> None:
    token = TokenSigner("other secret").issue("Mallory", Role.CHAIR, 60)
    with pytest.raises(Unauthenticated):
        TokenSigner("s1").verify(token)
    signer = TokenSigner("s1")
    old = signer.issue("Late", Role.MEMBER, 10, now=1000)
    with pytest.raises(TokenExpired):
        signer.verify(old, now=1011)
    body, mac = signer.issue("Amina", Role.FOLLOWER, 60).split(".")
    tampered = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1] + "." + mac
    with pytest.raises(Unauthenticated):
        signer.verify(tampered)
