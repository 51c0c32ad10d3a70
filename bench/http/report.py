"""Figures per case and the markdown table."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from load import Case, CpuResult, LoadResult


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (the value below which p % of the samples fall)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), -(-len(ordered) * p // 100)))
    return ordered[int(rank) - 1]


@dataclass
class Row:
    page: str
    label: str
    degree: int | None
    degrees: tuple[int, int] | None
    cpu_median: float
    cpu_p95: float
    cpu_p99: float
    cpu_mean_loaded: float
    latency_median: float
    latency_p99: float
    throughput: float
    ratio: float
    count: int
    cpu_count: int
    errors: dict[str, int]

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def row(case: Case, cpu: CpuResult, loads: list[LoadResult], healthz_throughput: float) -> Row:
    latencies = [v for load in loads for v in load.latencies_ms]
    count = sum(load.count for load in loads)
    seconds = sum(load.seconds for load in loads)
    throughput = count / seconds if seconds else 0.0
    cpu_loaded = sum(load.cpu_seconds for load in loads) * 1000 / count if count else float("nan")
    errors = {
        str(status): n
        for load in [*loads, cpu]
        for status, n in load.statuses.items()
        if status != 200
    }
    return Row(
        page=case.page,
        label=case.label,
        degree=case.degree,
        degrees=case.degrees,
        cpu_median=statistics.median(cpu.cpu_ms) if cpu.cpu_ms else float("nan"),
        cpu_p95=percentile(cpu.cpu_ms, 95),
        cpu_p99=percentile(cpu.cpu_ms, 99),
        cpu_mean_loaded=cpu_loaded,
        latency_median=statistics.median(latencies) if latencies else float("nan"),
        latency_p99=percentile(latencies, 99),
        throughput=throughput,
        ratio=throughput / healthz_throughput if healthz_throughput else float("nan"),
        count=count,
        cpu_count=len(cpu.cpu_ms),
        errors=errors,
    )


def _ms(value: float) -> str:
    if value != value:  # NaN
        return "–"
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def markdown(rows: list[Row]) -> str:
    lines = [
        "| page | case | viewers' connections | server CPU median ms | CPU p95 ms | CPU p99 ms"
        " | CPU mean under load ms | latency median ms | latency p99 ms | req/s"
        " | ratio to /healthz | requests (load + CPU pass) | errors |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        degrees = "–"
        if r.degrees:
            low, high = r.degrees
            degrees = f"{low:,}" if low == high else f"{low:,}–{high:,}"
        errors = ", ".join(f"{k}: {v}" for k, v in sorted(r.errors.items())) or "0"
        lines.append(
            f"| {r.page} | {r.label} | {degrees} | {_ms(r.cpu_median)} | {_ms(r.cpu_p95)} | {_ms(r.cpu_p99)}"
            f" | {_ms(r.cpu_mean_loaded)} | {_ms(r.latency_median)} | {_ms(r.latency_p99)}"
            f" | {r.throughput:,.1f} | {r.ratio:.3f} | {r.count} + {r.cpu_count} | {errors} |"
        )
    return "\n".join(lines)
