"""axe-core in the browser tests: run it on a page, keep what matters, say it readably.

axe-core comes packaged in the `axe-playwright-python` wheel (axe.min.js, MPL-2.0); the
wheel's own runner only evaluates that script, so we do the same and shape the report here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Page

BLOCKING_IMPACTS = ("serious", "critical")
# Moderate in axe, but a skipped heading level breaks the outline screen-reader users
# navigate by, and it was found here once (people you may know).
ALSO_BLOCKING = ("heading-order",)
# Every rule axe ships, including the experimental ones: label-in-name (WCAG 2.5.3)
# is experimental in axe 4.x and is exactly what a voice-control user trips on.
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": [
            "wcag2a",
            "wcag2aa",
            "wcag21a",
            "wcag21aa",
            "wcag22aa",
            "best-practice",
            "experimental",
        ],
    },
}


@dataclass(frozen=True)
class Finding:
    where: str
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        shown = ", ".join(self.targets[:4]) + (" …" if len(self.targets) > 4 else "")
        return f"{self.where}: {self.rule} ({self.impact}) {self.help} — {shown}"


@cache
def axe_version() -> str:
    return AXE_SCRIPT.split("axe v", 1)[1].split()[0]


def axe_findings(page: Page, where: str) -> list[Finding]:
    """The blocking axe violations on the page as it is now."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [
        Finding(
            where=where,
            rule=violation["id"],
            impact=violation["impact"],
            help=violation["help"],
            targets=tuple(
                " ".join(str(part) for part in node["target"]) for node in violation["nodes"]
            ),
        )
        for violation in results["violations"]
        if violation["impact"] in BLOCKING_IMPACTS or violation["id"] in ALSO_BLOCKING
    ]
