"""Page loads per flow against the minimum a person needs, and what blocking resources saves."""

from __future__ import annotations

import statistics
from collections import Counter
from typing import Any

from bench.compare import Sample, Sellerauth, run_rounds
from bench.stats import ratio, summary

# What a person clicking through needs, counted as the simulator's `request` events (page
# loads and form posts, redirects included). Fresh sign-in: the page asked for (302), the
# e-mail page, e-mail post, password post (302), OTP page, OTP post (302).
SIGNIN = 5
MINIMUM: dict[str, dict[str, int]] = {
    # registration link -> permissions screen, 開発者にアクセス権を付与 -> form -> post (302)
    # -> consent -> post (302) -> completion
    "register": {"fresh": 1 + SIGNIN + 6, "saved": 6},
    # permissions screen, アクセス権を承認 post (302) -> permissions screen showing the new date
    "renew": {"fresh": 1 + SIGNIN + 3, "saved": 3},
    # permissions screen (both tables are on it)
    "status": {"fresh": 1 + SIGNIN + 1, "saved": 1},
}


def count_table(samples: list[Sample]) -> dict[str, Any]:
    """Per tool, flow and session: median page loads, sign-in pages, the extra ones by path."""
    out: dict[str, Any] = {}
    for key in sorted({(s.tool, s.flow, s.session) for s in samples}):
        tool, flow, session = key
        group = [s for s in samples if (s.tool, s.flow, s.session) == key and not s.error]
        if not group:
            continue
        minimum = MINIMUM[flow][session]
        typical = group[len(group) // 2]
        out[f"{tool} {flow}/{session}"] = {
            "requests": statistics.median(s.requests for s in group),
            "signin_requests": max(s.signin_requests for s in group),
            "minimum": minimum,
            "extra": statistics.median(s.requests for s in group) - minimum,
            "paths": typical.paths,
        }
    return out


def extra_loads(counts: dict[str, Any], tool: str = "sellerauth") -> dict[str, Any]:
    """Which pages sellerauth loads more often than the plain script, per flow and session."""
    out: dict[str, Any] = {}
    for key, entry in counts.items():
        if not key.startswith(f"{tool} "):
            continue
        floor = counts.get(key.replace(f"{tool} ", "plain ", 1))
        if floor is None:
            continue
        more = Counter(entry["paths"]) - Counter(floor["paths"])
        if more:
            out[key.split(" ", 1)[1]] = dict(more)
    return out


BLOCK_PLAN = [("register", "fresh"), ("renew", "saved")]


def blocking(browser_path: str, rounds: int, progress: Any) -> dict[str, Any]:
    """sellerauth with `block_resources` off and on, on the simulator's bare pages (what the
    route handler costs) and on heavier pages (what blocking saves)."""
    configs: dict[str, list[Sample]] = {}
    for heavy in (False, True):
        tools = []
        for block in (False, True):
            tool = Sellerauth(browser_path, block_resources=block)
            tool.name = f"block_{'on' if block else 'off'}"
            tool.start()
            tools.append(tool)
        try:
            names = tuple(t.name for t in tools)
            plan = [(flow, session, names) for flow, session in BLOCK_PLAN]
            progress(f"  pages: {'heavy' if heavy else 'bare'}")
            samples = run_rounds(tools, plan, rounds, 0, progress, heavy=heavy)
        finally:
            for tool in tools:
                tool.close()
        configs["heavy" if heavy else "bare"] = samples
    out: dict[str, Any] = {}
    for pages, samples in configs.items():
        for flow, session in BLOCK_PLAN:
            entry: dict[str, Any] = {}
            for block in ("block_off", "block_on"):
                group = [
                    s
                    for s in samples
                    if (s.tool, s.flow, s.session) == (block, flow, session) and not s.error
                ]
                assets: Counter[str] = Counter()
                for s in group:
                    assets.update(s.extra.get("assets", {}))
                n = max(len(group), 1)
                entry[block] = summary([s.seconds for s in group if s.seconds is not None]) | {
                    "page_requests": statistics.median(s.requests for s in group)
                    if group
                    else None,
                    "asset_requests": statistics.median(
                        s.extra.get("asset_requests", 0) for s in group
                    )
                    if group
                    else None,
                    "assets_per_run": {k: round(v / n, 1) for k, v in sorted(assets.items())},
                    "errors": sum(
                        1 for s in samples if (s.tool, s.flow, s.session) == (block, flow, session)
                    )
                    - len(group),
                }
            entry["ratio_on_off"] = ratio(entry["block_on"]["median"], entry["block_off"]["median"])
            out[f"{pages} {flow}/{session}"] = entry
    return out
