"""The human-readable report of one benchmark run (``bench.fanout``)."""

from __future__ import annotations

import argparse
from typing import Any

MB = 1024 * 1024


def target_ms(followers: int) -> float | None:
    """The issue's p99 targets: 25 ms up to 300 followers, 50 ms up to 1000."""
    if followers <= 300:
        return 25.0
    if followers <= 1000:
        return 50.0
    return None


def _fmt(s: dict[str, float], keys: tuple[str, ...] = ("p50", "p99", "max")) -> str:
    if not s.get("n"):
        return "no samples"
    return " ".join(f"{k} {s[k]:.0f}" if k == "n" else f"{k} {s[k]:.1f}" for k in keys)


def _cpu(r: dict[str, Any], who: str, label: str) -> str:
    if f"{who}_cpu_{label}_s" not in r:
        return "n/a"
    return f"{r[f'{who}_cpu_{label}_s']:.2f} s = {r[f'{who}_cpu_{label}_pct']:.0f}% of one core"


def report(args: argparse.Namespace, r: dict[str, Any]) -> str:
    lines = []
    rss = (
        f"server RSS: {r['server_rss_baseline_mb']:.0f} MB idle, "
        f"{r['server_rss_loaded_mb']:.0f} MB loaded, "
        f"peak {r['server_rss_peak_mb']:.0f} MB ({r['server_rss_peak_source']})"
    )
    if r["mode"] == "cold":
        lines.append(
            f"== cold sync: {r['updates']} updates, {r['text_chars'] / 1e6:.2f} M chars, "
            f"full state {r['state_bytes'] / MB:.2f} MB; built in {r['build_seconds']:.1f} s =="
        )
        for t in ("ws", "sio"):
            if f"warm_{t}" not in r:
                continue
            w = r[f"warm_{t}"]
            ok = w["total_ms"]["p99"] < 30
            lines.append(
                f"{t:>3} loaded room, {w['total_ms']['n']} joins: total ms "
                f"{_fmt(w['total_ms'])} (receive {_fmt(w['received_ms'], ('p50', 'p99'))}; "
                f"apply {_fmt(w['apply_ms'], ('p50', 'p99'))}) target p99 < 30 ms: "
                f"{'MET' if ok else 'MISSED'}; server CPU {_cpu(r, 'server', f'warm_{t}')}"
            )
            u = r.get(f"unloaded_{t}")
            if u:
                lines.append(
                    f"{t:>3} unloaded room (loaded from the database): total "
                    f"{u['total_ms']:.1f} ms (receive {u['received_ms']:.1f}, "
                    f"apply {u['apply_ms']:.1f})"
                )
        lines.append(f"build: server CPU {_cpu(r, 'server', 'build')}")
        lines.append(rss)
        return "\n".join(lines)
    goal = target_ms(args.followers)
    lat = r["latency_ms"]
    verdict = (
        f"target p99 < {goal:.0f} ms: {'MET' if lat.get('p99', 1e9) < goal else 'MISSED'}"
        if goal
        else ""
    )
    lines += [
        f"== fan-out over {r['transport']}: {args.editors} editors x {args.rate:g} edits/s, "
        f"{args.followers} followers, {args.duration:g} s{_setup(r)} ==",
        f"followers connected in {r['connect_seconds']:.1f} s",
        f"edit -> follower latency ms: {_fmt(lat, ('p50', 'p90', 'p99', 'max'))}  {verdict}",
        f"edit -> first follower ms:   {_fmt(r['fanout_first_ms'], ('p50', 'p99', 'max'))}",
        f"edit -> last follower ms:    {_fmt(r['fanout_complete_ms'], ('p50', 'p99', 'max'))}",
        f"updates delivered {r['delivered']}/{r['expected_deliveries']} "
        f"({r['edits_sent']} edits), lost {r['lost']}, duplicates {r['duplicates']}",
        f"converged: {'yes' if r['converged'] else 'NO'} ({args.editors} editors, "
        f"{r['follower_streams']} distinct follower stream(s), "
        f"a fresh join on each of {r.get('processes', 1)} process(es); "
        f"{r['distinct_replicas']} distinct text(s); server state has "
        f"{r['edits_in_server_state']}/{r['edits_sent']} edits)",
        f"server CPU while editing: {_cpu(r, 'server', 'edits')}; "
        f"while connecting: {_cpu(r, 'server', 'connect')}",
        rss,
        f"load generator CPU while editing: {_cpu(r, 'client', 'edits')}",
    ]
    if "other_cpu_edits_s" in r:
        lines.append(
            f"machine busy while editing: {r['machine_cpu_edits_s']:.2f} CPU s, of which "
            f"{r['other_cpu_edits_s']:.2f} s not this benchmark's server/client/Redis/PostgreSQL"
        )
    if "server_cpu_us_per_delivery" in r:
        lines.append(
            f"server CPU per delivered update: {r['server_cpu_us_per_delivery']:.1f} us "
            f"({r['server_cpu_delivery_s']:.2f} s from the first edit to the end of the drain, "
            f"all server processes)"
        )
    if r.get("processes", 1) > 1 or r.get("backend") == "pg-redis":
        lines += _scaleout(r)
    return "\n".join(lines)


def _setup(r: dict[str, Any]) -> str:
    n = r.get("processes", 1)
    return f", {n} process(es), {r.get('backend', 'sqlite')}"


def _scaleout(r: dict[str, Any]) -> list[str]:
    keys = ("n", "p50", "p99", "max")
    lines = [
        f"same-process latency ms:  {_fmt(r['latency_same_process_ms'], keys)}",
        f"cross-process latency ms: {_fmt(r['latency_cross_process_ms'], keys)}",
    ]
    for i, p in enumerate(r.get("servers", [])):
        lines.append(
            f"  process {i} (port {p['port']}): {r['editors_per_process'][i]} editors, "
            f"{r['followers_per_process'][i]} followers, "
            f"delivered {r['delivered_per_process'][i]}, "
            f"CPU editing {p.get('cpu_edits_s', float('nan')):.2f} s "
            f"({p.get('cpu_edits_pct', float('nan')):.0f}%), "
            f"RSS idle {p['rss_baseline_mb']:.0f} / "
            f"loaded {p['rss_loaded_mb']:.0f} / peak {p['rss_peak_mb']:.0f} MB"
        )
    if r.get("stored_update_rows") is not None:
        lines.append(
            f"update log rows in PostgreSQL: {r['stored_update_rows']} "
            f"for {r['edits_sent']} edits (each process stores only its own clients' updates)"
        )
    infra = r.get("infra_cpu_edits_s")
    if infra:
        spent = ", ".join(f"{name} {cpu:.2f} s" for name, cpu in infra.items())
        lines.append(f"Redis/PostgreSQL CPU while editing (machine-wide, shared): {spent}")
    return lines
