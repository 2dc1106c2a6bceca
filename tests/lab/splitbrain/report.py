"""The suite's table (one row per scenario run) and its JSON form."""

import dataclasses
import json


def _cell(text, width):
    return text if len(text) <= width else text[:width - 1] + "…"


def table(rows):
    head = f"{'scenario':<25} {'outage':>7} {'messages':>12} {'writes':>11} {'viol':>4}  {'verdict':<7} what happened"
    out = [head, "-" * len(head)]
    for r in rows:
        outage = "-" if r.outage_s is None else f"{r.outage_s:.1f}s"
        msgs = f"{r.messages - len(r.missing_messages)}/{r.messages}" + (f"+{r.duplicates}d" if r.duplicates else "")
        writes = f"{r.writes - r.missing_writes}/{r.writes}"
        what = "; ".join(r.happened + [f"group on {r.group_after or '?'}"])
        out.append(f"{_cell(r.scenario, 25):<25} {outage:>7} {msgs:>12} {writes:>11} {len(r.violations):>4}  "
                   f"{'PASS' if r.passed else 'FAIL':<7} {what}")
        for v in r.violations:
            out.append(f"{'':<25} VIOLATION: {v}")
        if r.missing_messages:
            out.append(f"{'':<25} MISSING MESSAGES: {r.missing_messages[:20]}")
        if r.missing_writes:
            out.append(f"{'':<25} MISSING WRITES: {r.missing_writes}")
        for e in r.errors:
            out.append(f"{'':<25} ERROR: {e}")
    passed = sum(r.passed for r in rows)
    if rows:
        worst = max(rows, key=lambda r: r.longest_sample_gap_ms)
        out.append(f"monitors: {sum(r.samples for r in rows)} samples of both nodes, the longest gap between two "
                   f"{worst.longest_sample_gap_ms:.0f} ms (in {worst.scenario}), the slowest sample "
                   f"{max(r.slowest_sample_ms for r in rows):.0f} ms")
    out.append(f"{passed}/{len(rows)} passed; messages = acknowledged and read back / acknowledged (+d: extra copies "
               f"of messages sent twice); writes = acknowledged and read back / acknowledged; outage = the clients' "
               f"longest wait for a 250 across the fault")
    return "\n".join(out)


def as_json(rows):
    return json.dumps([dict(dataclasses.asdict(r), passed=r.passed) for r in rows], indent=2)
