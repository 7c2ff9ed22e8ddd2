"""Tokens prove who signed a claim and until when."""

from __future__ import annotations

import pytest

from server.auth.tokens import Role, TokenSigner
from server.errors import TokenExpired, Unauthenticated


def test_issue_and_verify() -> None:
    signer = TokenSigner("s1")
    identity = signer.verify(signer.issue("Amina", Role.MEMBER, 60))
    assert (identity.name, identity.role, identity.can_edit_text) == ("Amina", Role.MEMBER, True)
    assert not signer.verify(signer.issue("Remote", Role.FOLLOWER, 60)).can_edit_text


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
