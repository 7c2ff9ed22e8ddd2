"""The human-readable report and the verdict of one ``bench.governance`` run."""

from __future__ import annotations

import argparse
from typing import Any

# The issues' targets: status events to 1,000 session followers, a locked-paragraph
# edit reverted on all 300 followers, an accepted proposal to 1,000 followers.
TARGET_P99_MS = {"status": 100.0, "lock": 50.0, "amendment": 100.0}


def _ms(s: dict[str, float], keys: tuple[str, ...] = ("p50", "p90", "p99", "max")) -> str:
    if not s.get("n"):
        return "no samples"
    return " ".join(f"{k} {s[k]:.1f}" for k in keys)


def _cpu(r: dict[str, Any], who: str, label: str) -> str:
    if f"{who}_cpu_{label}_s" not in r:
        return "n/a"
    return f"{r[f'{who}_cpu_{label}_s']:.2f} s = {r[f'{who}_cpu_{label}_pct']:.0f}% of one core"


def failures(r: dict[str, Any]) -> list[str]:
    """What makes the run a failure (not the latency target: that is a figure)."""
    out = []
    if r["mode"] == "amendment":
        out += _amendment_failures(r)
    elif r["mode"] == "status":
        if r["followers_connected"] < r["followers"]:
            out.append(f"{r['followers'] - r['followers_connected']} followers not connected")
        if r["changes_accepted"] < r["changes_sent"]:
            out.append(f"{r['changes_sent'] - r['changes_accepted']} status changes refused")
        if r["changes_matched"] < r["changes_accepted"]:
            out.append(f"{r['changes_accepted'] - r['changes_matched']} changes without decision")
        if r.get("draft_not_visible"):
            out.append(f"{r['draft_not_visible']} (change, follower) never in the follower's draft")
        for key in ("lost", "duplicates", "altered", "out_of_order", "unknown_events"):
            if r[key]:
                out.append(f"{key.replace('_', ' ')}: {r[key]}")
    else:
        if r["followers_locked_at_end"] < r["followers"]:
            bad = r["followers"] - r["followers_locked_at_end"]
            out.append(f"{bad} followers do not end with the locked text")
        if r["unreverted"]:
            out.append(f"{r['unreverted']} (edit, follower) pairs never held edit + revert")
        if not r["server_text_locked"]:
            out.append(f"the server's text is not the locked text: {r['server_text_sample']!r}")
        if not r["editor_text_locked"]:
            out.append("the editor's replica does not end with the locked text")
        if r["transport"] == "sio" and r["editor_refusals"] != r["edits_sent"]:
            out.append(
                f"{r['editor_refusals']} paragraph_locked errors for {r['edits_sent']} edits"
            )
    if r.get("client_errors"):
        out.append(f"{r['client_errors']} client errors")
    return out


def _amendment_failures(r: dict[str, Any]) -> list[str]:
    out = []
    if r["followers_connected"] < r["followers"]:
        out.append(f"{r['followers'] - r['followers_connected']} followers not connected")
    if r["accepts_ok"] < r["accepts_sent"]:
        out.append(f"{r['accepts_sent'] - r['accepts_ok']} accepts refused")
    if r["server_accepted"] != r["accepts_ok"]:
        out.append(f"the server holds {r['server_accepted']} accepted, not {r['accepts_ok']}")
    if r["followers_correct"] < r["followers"]:
        bad = r["followers"] - r["followers_correct"]
        out.append(
            f"{bad} followers do not end with every accepted replacement exactly once "
            f"({'; '.join(r['wrong_samples'])})"
        )
    if r["draft_not_visible"]:
        out.append(f"{r['draft_not_visible']} (accept, follower) never in the follower's draft")
    for key in ("lost", "duplicates", "altered", "unknown_events"):
        if r[key]:
            out.append(f"{key.replace('_', ' ')}: {r[key]}")
    return out


def report(args: argparse.Namespace, r: dict[str, Any]) -> str:
    modes = {"status": _status, "lock": _lock, "amendment": _amendment}
    lines = modes[r["mode"]](args, r)
    lines += [
        f"server CPU while sending: {_cpu(r, 'server', 'send')}; connecting: "
        f"{_cpu(r, 'server', 'connect')}; per delivery "
        f"{r.get('server_cpu_us_per_delivery', float('nan')):.1f} us (first send to drained)",
        f"server RSS: {r['server_rss_idle_mb']:.0f} MB idle, {r['server_rss_loaded_mb']:.0f} MB "
        f"loaded, peak {r['server_rss_peak_mb']:.0f} MB ({r['server_rss_peak_source']})",
        f"load generator CPU while sending: {_cpu(r, 'client', 'send')}",
    ]
    if "other_cpu_send_s" in r:
        lines.append(
            f"machine busy while sending: {r['machine_cpu_send_s']:.2f} CPU s, of which "
            f"{r['other_cpu_send_s']:.2f} s other programs"
        )
    problems = failures(r)
    samples = r.get("client_error_samples", []) + r.get("http_errors", [])
    samples += r["server_log_errors"]
    if samples:
        lines.append("errors: " + "; ".join(str(s)[:300] for s in samples))
    lines.append("FAILED: " + "; ".join(problems) if problems else "result: ok")
    return "\n".join(lines)


def _verdict(mode: str, lat: dict[str, float]) -> str:
    goal = TARGET_P99_MS[mode]
    met = lat.get("n") and lat["p99"] < goal
    return f"target p99 < {goal:.0f} ms: {'MET' if met else 'MISSED'}"


def _status(args: argparse.Namespace, r: dict[str, Any]) -> list[str]:
    return [
        f"== paragraph status -> session followers: {args.followers} followers, "
        f"{args.rate:g} changes/s over {args.paragraphs} paragraphs, {args.duration:g} s, "
        f"session {r['session_id']} ==",
        f"followers connected {r['followers_connected']}/{r['followers']} in "
        f"{r['connect_seconds']:.1f} s",
        f"status -> follower latency ms: {_ms(r['latency_ms'])}  "
        + _verdict("status", r["latency_ms"]),
        f"status -> first / last follower ms: p50 {r['fanout_first_ms'].get('p50', 0):.1f} / "
        f"{r['fanout_last_ms'].get('p50', 0):.1f}, p99 {r['fanout_first_ms'].get('p99', 0):.1f}"
        f" / {r['fanout_last_ms'].get('p99', 0):.1f}",
        f"status -> visible in the follower's draft (index root update) ms: "
        f"{_ms(r['draft_latency_ms'])} ({r['draft_followers']} followers, "
        f"{r['draft_streams']} distinct stream(s), never visible {r['draft_not_visible']})",
        f"status POST -> response ms: {_ms(r['ack_ms'])}",
        f"changes sent {r['changes_sent']}, accepted {r['changes_accepted']}, matched to "
        f"decisions {r['changes_matched']} (status decisions {r['status_decisions']}); "
        f"waited for the same paragraph's previous answer {r['waited_for_previous']} times",
        f"delivered {r['delivered']}/{r['expected_deliveries']}, lost {r['lost']}, "
        f"duplicates {r['duplicates']}, unknown {r['unknown_events']}, altered {r['altered']}",
        f"order kept: {r['followers_in_order']}/{r['followers_connected']} followers "
        f"({r['out_of_order']} out-of-order receipts); other events: "
        + (", ".join(f"{k} x{v}" for k, v in r["other_events"].items()) or "none"),
    ]


def _lock(args: argparse.Namespace, r: dict[str, Any]) -> list[str]:
    return [
        f"== locked paragraph edits reverted on followers: {args.followers} {r['transport']} "
        f"followers, {args.rate:g} edits/s, {args.duration:g} s, session {r['session_id']} ==",
        f"followers connected in {r['connect_seconds']:.1f} s",
        f"edit -> reverted on follower latency ms: {_ms(r['latency_ms'])}  "
        + _verdict("lock", r["latency_ms"]),
        f"edit -> reverted on first / last follower ms: p50 "
        f"{r['fanout_first_ms'].get('p50', 0):.1f} / {r['fanout_last_ms'].get('p50', 0):.1f}, "
        f"p99 {r['fanout_first_ms'].get('p99', 0):.1f} / {r['fanout_last_ms'].get('p99', 0):.1f}",
        f"edit -> first seen on follower ms: {_ms(r['edit_seen_ms'])} "
        f"({r['edits_seen']} of {r['expected']} seen)",
        f"edit -> reverted on the editor's own replica ms: {_ms(r['editor_revert_ms'])} "
        f"({r['editor_unreverted']} never)",
        *(
            [
                f"edit -> paragraph_locked error on the editor ms: {_ms(r['editor_refusal_ms'])}"
                f" ({r['editor_refusals']} errors for {r['edits_sent']} edits)"
            ]
            if r["transport"] == "sio"
            else []
        ),
        f"edits {r['edits_sent']}; reverted {r['reverted']}/{r['expected']} (edit, follower) "
        f"pairs, never {r['unreverted']}; {r['follower_streams']} distinct follower stream(s), "
        f"{r['frames_per_edit']:.2f} update frames per edit and follower",
        f"locked text at the end: followers {r['followers_locked_at_end']}/{r['followers']}, "
        f"editor {'yes' if r['editor_text_locked'] else 'NO'}, server (fresh join) "
        f"{'yes' if r['server_text_locked'] else 'NO'}",
    ]


def _amendment(args: argparse.Namespace, r: dict[str, Any]) -> list[str]:
    return [
        f"== accepted amendments -> session followers: {args.followers} followers, "
        f"{args.rate:g} accepts/s of {r['amendments']} proposals over {args.paragraphs} "
        f"paragraphs, session {r['session_id']} ==",
        f"followers connected {r['followers_connected']}/{r['followers']} in "
        f"{r['connect_seconds']:.1f} s",
        f"accept -> amendment-updated (accepted) latency ms: {_ms(r['latency_ms'])}  "
        + _verdict("amendment", r["latency_ms"]),
        f"accept -> first / last follower ms: p50 {r['fanout_first_ms'].get('p50', 0):.1f} / "
        f"{r['fanout_last_ms'].get('p50', 0):.1f}, p99 {r['fanout_first_ms'].get('p99', 0):.1f}"
        f" / {r['fanout_last_ms'].get('p99', 0):.1f}",
        f"accept -> new words in the follower's draft ms: {_ms(r['draft_latency_ms'])}  "
        + _verdict("amendment", r["draft_latency_ms"])
        + f" ({r['draft_followers']} followers, {r['draft_streams']} distinct stream(s), "
        f"never visible {r['draft_not_visible']})",
        f"accept POST -> response ms: {_ms(r['ack_ms'])}",
        f"accept -> paragraph-changed (its paragraph decision) ms: "
        f"{_ms(r.get('paragraph_changed_ms', {}))}",
        f"accepts sent {r['accepts_sent']}, answered 2xx {r['accepts_ok']}, accepted on the "
        f"server {r['server_accepted']}",
        f"delivered {r['delivered']}/{r['expected_deliveries']}, lost {r['lost']}, "
        f"duplicates {r['duplicates']}, unknown {r['unknown_events']}, altered {r['altered']}, "
        f"other amendment updates {r['other_amendment_updates']}",
        f"followers ending with every replacement exactly once: {r['followers_correct']}/"
        f"{r['followers']}; other events: paragraph-changed x{r['paragraph_changed_events']}, "
        + (", ".join(f"{k} x{v}" for k, v in r["other_events"].items()) or "none"),
    ]
