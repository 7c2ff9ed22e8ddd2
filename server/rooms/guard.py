"""The server's guard on a live document: governed state and locked text stay as decided.

Clients write Yjs updates freely, and a stock client can write anything into any
root. Two things must not take (DESIGN.md section 3):

- a raw write to a *governed* root (``meta``, ``index``, ``opinions``; and model
  v1's ``paragraphs`` array, which stays empty once a document is upgraded): only
  the server's role-checked, audited commands change those;
- a change to the text of a *locked* paragraph (agreed, agreed ad ref) by someone
  who may not ``EDIT_LOCKED_TEXT``.

The guard lets the update apply (it is a valid CRDT update, stored like any other)
and then puts things back with an update of its own, made by the server after it,
so it wins on every replica: a governed key gets its governed value again (values
are plain data, so re-setting it is enough), and a locked text gets its locked
words again (the client's inserts are deleted exactly where its delta put them, its
deletions re-inserted; characters it did not touch keep their Yjs ids, so comment
anchors on them stay attached).

It is cheap when an update touches neither: it observes only the governed roots
and the texts of locked paragraphs, so an ordinary edit costs one empty-set check.
Changes made by the server (``Room.apply_local``: the command service) or by
another process (scale-out, already guarded there) are not reverted: they update
the governed copy and the lock set instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pycrdt

from crdt import schema
from server.auth.permissions import Action, can
from server.errors import GovernedState, ParagraphLocked, RollingTextError
from server.rooms.peer import Peer

_MISSING = object()


def same(a: Any, b: Any) -> bool:
    """Equal as plain data, and of the same kind (``True`` is not ``1``; a shared
    type a client slipped in is never equal to a plain value)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def restore_text(text: pycrdt.Text, current: str, wanted: str) -> None:
    """Make ``text`` (now reading ``current``) read ``wanted`` with a minimal edit:
    the common prefix and suffix are kept, the middle replaced. Offsets are code
    points here; pycrdt's are UTF-8 bytes, converted."""
    prefix = 0
    limit = min(len(current), len(wanted))
    while prefix < limit and current[prefix] == wanted[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < limit - prefix
        and current[len(current) - 1 - suffix] == wanted[len(wanted) - 1 - suffix]
    ):
        suffix += 1
    start = len(current[:prefix].encode())
    end = start + len(current[prefix : len(current) - suffix].encode())
    if end > start:
        del text[start:end]
    insert = wanted[prefix : len(wanted) - suffix]
    if insert:
        text.insert(start, insert)


def undo_delta(text: pycrdt.Text, before: str, delta: list[dict[str, Any]]) -> bool:
    """Invert one text event's delta (UTF-8 byte counts, as pycrdt reports them)
    against ``before``, the text it was applied to: inserted runs are deleted where
    they are, deleted runs re-inserted. False if the delta is not one it can invert
    (an embed, a split character): the caller then falls back to ``restore_text``."""
    old = before.encode()
    pos = opos = 0
    try:
        for op in delta:
            if "retain" in op:
                pos += int(op["retain"])
                opos += int(op["retain"])
            elif "insert" in op:
                inserted = op["insert"]
                if not isinstance(inserted, str):
                    return False
                size = len(inserted.encode())
                del text[pos : pos + size]
            elif "delete" in op:
                size = int(op["delete"])
                text.insert(pos, old[opos : opos + size].decode())
                pos += size
                opos += size
    except (UnicodeDecodeError, ValueError, TypeError):
        return False
    return True


class DocumentGuard:
    """Watches one room's document; after each client update, puts back what it may
    not change. ``origin()`` says who is applying right now (a ``Peer`` while a
    client's update is applied; anything else is the server or another process)."""

    def __init__(
        self,
        doc: pycrdt.Doc[Any],
        *,
        name: str,
        origin: Callable[[], object],
        logger: logging.Logger,
    ) -> None:
        self._doc = doc
        self._name = name
        self._origin = origin
        self._log = logger
        # The governed value of every key of every governed root.
        self._governed: dict[str, dict[str, Any]] = {}
        # Keys a client changed during the update being applied, per root.
        self._touched: dict[str, set[str]] = {}
        self._roots: dict[str, pycrdt.Map[Any]] = {}
        self._subscriptions: list[tuple[Any, Any]] = []
        for root_name in schema.GOVERNED_ROOTS:
            root: pycrdt.Map[Any] = doc.get(root_name, type=pycrdt.Map)
            self._roots[root_name] = root
            self._governed[root_name] = dict(root.items())
            sub = root.observe(self._governed_observer(root_name))
            self._subscriptions.append((root, sub))
        self._v1: pycrdt.Array[Any] = doc.get(schema.V1_PARAGRAPHS, type=pycrdt.Array)
        self._v1_touched = False
        self._subscriptions.append((self._v1, self._v1.observe(self._on_v1)))
        # Locked paragraphs: their locked words, and the subscription on their text.
        self._locked: dict[str, str] = {}
        self._text_subscriptions: dict[str, tuple[pycrdt.Text, Any]] = {}
        # Deltas a client applied to locked texts during the update being applied.
        self._text_deltas: dict[str, list[list[dict[str, Any]]]] = {}
        # Index keys the server (or another process) changed: their lock to re-check.
        self._lock_pending: set[str] = set(self._governed[schema.INDEX])
        self._settle_locks()
        # Told the paragraphs whose deleted words were typed back (new characters):
        # comment anchors on them are re-found there (server/comments/reanchor.py).
        self.on_restored: Callable[[list[str]], None] | None = None

    # -- observers (inside a transaction: record only) ---------------------------

    def _from_client(self) -> bool:
        return isinstance(self._origin(), Peer)

    def _governed_observer(self, root_name: str) -> Callable[[Any], None]:
        return lambda event: self._on_governed(root_name, event)

    def _text_observer(self, pid: str, text: pycrdt.Text) -> Callable[[Any], None]:
        return lambda event: self._on_locked_text(pid, text, event)

    def _on_governed(self, root_name: str, event: Any) -> None:
        keys: dict[str, dict[str, Any]] = event.keys
        if self._from_client():
            self._touched.setdefault(root_name, set()).update(keys)
            return
        governed = self._governed[root_name]
        for key, change in keys.items():
            if change.get("action") == "delete":
                governed.pop(key, None)
            else:
                governed[key] = change.get("newValue")
        if root_name == schema.INDEX:
            self._lock_pending.update(keys)

    def _on_v1(self, _event: Any) -> None:
        if self._from_client():
            self._v1_touched = True

    def _on_locked_text(self, pid: str, text: pycrdt.Text, event: Any) -> None:
        if self._from_client():
            self._text_deltas.setdefault(pid, []).append(list(event.delta))
        elif pid in self._locked:
            self._locked[pid] = str(text)

    # -- after each applied change -----------------------------------------------

    @property
    def pending(self) -> bool:
        """Whether the last client update touched anything guarded."""
        return bool(self._touched or self._text_deltas or self._v1_touched)

    def after_update(self, peer: Peer | None) -> bytes | None:
        """Call after every change is applied (``peer``: the client whose update it
        was; None for the server's own changes and other processes'). Returns the
        server's reverting update (already applied to the document), or None."""
        revert: bytes | None = None
        if peer is not None and self.pending:
            revert = self._revert(peer)
        elif self.pending:  # a client update that failed half-way: blame no one later
            self._touched, self._text_deltas, self._v1_touched = {}, {}, False
        if self._lock_pending:
            self._settle_locks()
        return revert

    def _revert(self, peer: Peer) -> bytes | None:
        touched, self._touched = self._touched, {}
        deltas, self._text_deltas = self._text_deltas, {}
        v1_touched, self._v1_touched = self._v1_touched, False
        officer = can(peer.principal, Action.EDIT_LOCKED_TEXT)
        if officer:
            for pid in deltas:
                if pid in self._locked:
                    self._locked[pid] = str(schema.text_root(self._doc, pid))
        refusals: list[RollingTextError] = []
        before = self._doc.get_state()
        with self._doc.transaction():
            put_back = self._restore_governed(touched)
            if v1_touched and len(self._v1) > 0:
                del self._v1[0 : len(self._v1)]
                put_back.append(schema.V1_PARAGRAPHS)
            if put_back:
                self._log.info(
                    "room %s: %s wrote governed state (%s); put back",
                    self._name,
                    peer,
                    ", ".join(put_back[:10]),
                )
                refusals.append(
                    GovernedState(
                        "document metadata, the paragraph index and opinions change only "
                        "through commands; your change was put back",
                        keys=put_back[:50],
                    )
                )
            if not officer:
                for pid, pid_deltas in deltas.items():
                    if self._restore_locked(pid, pid_deltas):
                        self._log.info(
                            "room %s: %s edited locked paragraph %s; reverted",
                            self._name,
                            peer,
                            pid,
                        )
                        refusals.append(
                            ParagraphLocked(
                                "this paragraph is agreed and locked: the chair or "
                                "secretariat reopens it before it can change",
                                paragraph=pid,
                            )
                        )
        revert = self._doc.get_update(before) if refusals else None
        for refusal in refusals:
            peer.refused(refusal)
        retyped = [
            pid
            for pid, pid_deltas in deltas.items()
            if not officer and any("delete" in op for delta in pid_deltas for op in delta)
        ]
        if retyped and refusals and self.on_restored is not None:
            self.on_restored(retyped)
        return revert

    def _restore_governed(self, touched: dict[str, set[str]]) -> list[str]:
        """Put every touched key of every governed root back; the ``root.key``s
        that differed."""
        put_back: list[str] = []
        for root_name, keys in touched.items():
            root, governed = self._roots[root_name], self._governed[root_name]
            for key in sorted(keys):
                current = root.get(key, _MISSING)
                wanted = governed.get(key, _MISSING)
                if wanted is _MISSING:
                    if current is _MISSING:
                        continue
                    del root[key]
                elif current is not _MISSING and same(current, wanted):
                    continue
                else:
                    root[key] = wanted
                put_back.append(f"{root_name}.{key}")
        return put_back

    def _restore_locked(self, pid: str, deltas: list[list[dict[str, Any]]]) -> bool:
        """Put the locked words of ``pid`` back; whether anything had changed."""
        wanted = self._locked.get(pid)
        if wanted is None:
            return False
        text = schema.text_root(self._doc, pid)
        if str(text) == wanted:
            return False
        if not (len(deltas) == 1 and undo_delta(text, wanted, deltas[0])) or str(text) != wanted:
            restore_text(text, str(text), wanted)
        return True

    def _settle_locks(self) -> None:
        """Follow status changes: start or stop guarding paragraphs' texts."""
        pending, self._lock_pending = self._lock_pending, set()
        index = self._governed[schema.INDEX]
        for pid in pending:
            record = index.get(pid)
            locked = isinstance(record, dict) and record.get("status") in schema.LOCKED
            if locked and pid not in self._locked:
                text = schema.text_root(self._doc, pid)
                self._locked[pid] = str(text)
                self._text_subscriptions[pid] = (text, text.observe(self._text_observer(pid, text)))
            elif not locked and pid in self._locked:
                del self._locked[pid]
                text, sub = self._text_subscriptions.pop(pid)
                text.unobserve(sub)

    @property
    def locked(self) -> dict[str, str]:
        """Locked paragraph id -> its locked words (read-only use)."""
        return dict(self._locked)

    def close(self) -> None:
        for root, sub in self._subscriptions:
            root.unobserve(sub)
        for text, sub in self._text_subscriptions.values():
            text.unobserve(sub)
        self._subscriptions, self._text_subscriptions = [], {}
