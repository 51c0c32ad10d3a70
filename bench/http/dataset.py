"""The benchmark's community: built once per size, cached under var/bench/, reused.

A dataset is a Guanxi data directory (`GUANXI_DATA_DIR`: the SQLite file, the secret
key, media, collected static files) holding N demo members and a generated graph,
made by the same code as `bench/network_bench.py` (`guanxi.demo.seeding.seed_demo` and
`guanxi.demo.graph.seed_graph`). `dataset.json` is written last: a directory without it
is an interrupted build and is built again (seeding is idempotent, so it resumes).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MARKER = "dataset.json"


@dataclass(frozen=True)
class Shape:
    members: int
    edges: int
    hubs: int
    hub_degree: int
    seed: int = 2026

    @property
    def name(self) -> str:
        return f"http-{self.members}m-{self.edges}e-{self.hubs}x{self.hub_degree}-s{self.seed}"


def default_shape(members: int, edges: int | None) -> Shape:
    """The issue's community (100k members, 2M connections, five 5,000-connection hubs),
    scaled down proportionally for smaller runs."""
    if edges is None:
        edges = members * 20
    hub_degree = min(5000, max(2, members // 20))
    hubs = 5 if members >= 20_000 else 1
    return Shape(members=members, edges=edges, hubs=hubs, hub_degree=hub_degree)


def server_environment(data_dir: Path) -> dict[str, str]:
    """The environment the server and this process's Django use: the dataset's data
    directory, its SQLite file, debug off, no Redis (the default single-machine run)."""
    env = dict(os.environ)
    for name in ("DATABASE_URL", "REDIS_URL", "GUANXI_TESTING", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    env.update(
        GUANXI_DATA_DIR=str(data_dir),
        MEDIA_ROOT=str(data_dir / "media"),
        DEBUG="0",
        DJANGO_SETTINGS_MODULE="guanxi.settings",
    )
    return env


def ensure(shape: Shape, root: Path, say=print) -> Path:
    """The data directory of `shape` under `root`, built if missing or incomplete."""
    data_dir = (root / shape.name).resolve()
    marker = data_dir / MARKER
    if marker.exists() and json.loads(marker.read_text()).get("shape") == asdict(shape):
        say(f"Reusing the dataset in {data_dir}")
        return data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    say(f"Building the dataset in {data_dir} (cached for later runs) ...")
    started = time.monotonic()
    env = server_environment(data_dir)
    command = [
        sys.executable,
        str(ROOT / "bench" / "network_bench.py"),
        "--db",
        str(data_dir / "guanxi.sqlite3"),
        "--members",
        str(shape.members),
        "--edges",
        str(shape.edges),
        "--hubs",
        str(shape.hubs),
        "--hub-degree",
        str(shape.hub_degree),
        "--seed",
        str(shape.seed),
        "--seed-only",
    ]
    subprocess.run(command, env=env, check=True, cwd=ROOT)
    seconds = time.monotonic() - started
    marker.write_text(json.dumps({"shape": asdict(shape), "build_seconds": round(seconds)}))
    say(f"Dataset built in {seconds:.0f} s.")
    return data_dir
