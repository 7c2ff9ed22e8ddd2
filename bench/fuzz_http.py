"""Schemathesis over the whole HTTP API (``/api/openapi.json``), once per role.

Runs the ``schemathesis`` CLI (a dev dependency) with the checks
``not_a_server_error`` and ``response_schema_conformance``, a fixed seed and a
bounded number of examples per operation. Each role's run gets the seeded
group's ids as path parameters for half of its operations' parameters (so
requests reach the handlers instead of stopping at 404) and random ones
otherwise (the unparameterised pass uses the operator token).
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

_FAILURE_HEAD = re.compile(r"^_{3,} (.+?) _{3,}$")
_CURL = re.compile(r"^\s+(curl .+)$")
_STATUS = re.compile(r"^\[(\d{3})\]")


@dataclass
class HttpFailure:
    role: str
    operation: str
    check: str
    status: str
    curl: str


@dataclass
class HttpResult:
    role: str
    exit_code: int
    test_cases: int = 0
    failures: list[HttpFailure] = field(default_factory=list)
    error: str | None = None


def _config(path: Path, parameters: dict[str, object]) -> None:
    lines = ["[parameters]"]
    for name, value in parameters.items():
        lines.append(f"{json.dumps(name)} = {json.dumps(value)}")
    path.write_text("\n".join(lines) + "\n")


def _parse_output(role: str, text: str) -> list[HttpFailure]:
    failures: list[HttpFailure] = []
    operation, check, status = "", "", ""
    for line in text.splitlines():
        if (m := _FAILURE_HEAD.match(line.strip())) is not None and " " in m.group(1):
            operation, check, status = m.group(1), "", ""
        elif line.startswith("- ") and operation:
            check = check or line[2:].strip()
        elif (m := _STATUS.match(line.strip())) is not None and operation:
            status = status or m.group(1)
        elif (m := _CURL.match(line)) is not None and operation:
            failures.append(HttpFailure(role, operation, check, status, m.group(1)[:600]))
    return failures


async def run_schemathesis(
    base_url: str,
    role: str,
    token: str | None,
    *,
    out_dir: Path,
    max_examples: int,
    seed: int,
    max_time: float,
    parameters: dict[str, object] | None = None,
) -> HttpResult:
    out_dir.mkdir(parents=True, exist_ok=True)
    report = out_dir / f"schemathesis-{role}.json"
    args = []
    if parameters:
        config = out_dir / f"schemathesis-{role}.toml"
        _config(config, parameters)
        args += ["--config-file", str(config)]
    args += [
        "run",
        f"{base_url}/api/openapi.json",
        "--checks",
        "not_a_server_error,response_schema_conformance",
        "--max-examples",
        str(max_examples),
        "--seed",
        str(seed),
        "--no-shrink",
        "--generation-database",
        "none",
        "--request-timeout",
        "30",
        "--phases",
        "examples,coverage,fuzzing",  # stateful runs take minutes per role
        "--max-time",
        str(max(1, int(max_time))),
        "--workers",
        "1",
        "--no-color",
        "--output-truncate",
        "true",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    if token is not None:
        args += ["--header", f"Authorization: Bearer {token}"]
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "schemathesis.cli",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        cwd=out_dir,  # its cache (.schemathesis/) stays out of the repository
    )
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), max_time + 120)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        return HttpResult(role, -1, error="schemathesis did not finish in time")
    text = out.decode(errors="replace")
    (out_dir / f"schemathesis-{role}.txt").write_text(text)
    result = HttpResult(role, proc.returncode or 0, failures=_parse_output(role, text))
    try:
        data = json.loads(report.read_text())
        result.test_cases = int(data.get("test_cases", {}).get("generated", 0))
        if data.get("errors"):
            result.error = json.dumps(data["errors"])[:500]
    except (OSError, ValueError):
        result.error = text[-500:]
    return result
