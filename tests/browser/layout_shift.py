"""Cumulative Layout Shift (CLS) of a page as Chromium reports it, and what moved.

A `PerformanceObserver` for "layout-shift" entries is installed before the page's own scripts
(`add_init_script`, buffered), the page is loaded, its live connection awaited, and then it is left
alone for a moment, so that late work (a socket's first state, fit.js, fonts) is counted too.
The score is the one Lighthouse and the Web Vitals give: shifts without recent input, grouped in
session windows (a gap under 1 s, at most 5 s long); the worst window is the CLS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Page

# The observer records each shift with what moved: the element (tag#id.class[data-…] "text…") and its boxes.
OBSERVER = """
(() => {
  window.__layoutShifts = [];
  if (!window.PerformanceObserver) return;
  function describe(node) {
    if (!node) return "(élément retiré)";
    if (node.nodeType !== 1) node = node.parentElement;
    if (!node) return "(texte)";
    let name = node.tagName.toLowerCase();
    if (node.id) name += "#" + node.id;
    if (typeof node.className === "string" && node.className.trim())
      name += "." + node.className.trim().split(/\\s+/).join(".");
    for (const attribute of node.attributes) {
      if (attribute.name.startsWith("data-")) {
        name += "[" + attribute.name + (attribute.value ? "=" + attribute.value.slice(0, 20) : "") + "]";
      }
    }
    const text = (node.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    return text ? name + ' "' + text + '"' : name;
  }
  function box(r) { return [Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)]; }
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      window.__layoutShifts.push({
        value: entry.value, time: entry.startTime, input: entry.hadRecentInput,
        sources: (entry.sources || []).map((s) => ({node: describe(s.node), before: box(s.previousRect),
                                                   after: box(s.currentRect)})),
      });
    }
  }).observe({type: "layout-shift", buffered: true});
})();
"""
GAP_MS = 1000  # a new session window starts after a second without a shift
WINDOW_MS = 5000  # and a window lasts at most five seconds
LIMIT = 0.1  # "good" CLS, by the Web Vitals


@dataclass
class Shift:
    """One layout shift: its score, when (ms after navigation), and the elements that moved."""

    value: float
    time: float
    sources: list[dict[str, Any]]


@dataclass
class Layout:
    """What the page did while it loaded."""

    what: str
    shifts: list[Shift] = field(default_factory=list)

    @property
    def total(self) -> float:
        """Every shift added up."""
        return sum(shift.value for shift in self.shifts)

    @property
    def cls(self) -> float:
        """The worst session window, as Lighthouse counts it."""
        worst = current = 0.0
        start = last = None
        for shift in sorted(self.shifts, key=lambda s: s.time):
            if start is None or last is None or shift.time - last > GAP_MS or shift.time - start > WINDOW_MS:
                start, current = shift.time, 0.0
            current += shift.value
            last = shift.time
            worst = max(worst, current)
        return worst

    def report(self) -> str:
        """The score, then each shift with what moved (before → after: x, y, width, height)."""
        lines = [f"{self.what} : CLS {self.cls:.3f} (total {self.total:.3f})"]
        for shift in sorted(self.shifts, key=lambda s: -s.value)[:6]:
            lines.append(f"  {shift.value:.3f} à {shift.time:.0f} ms :")
            for source in shift.sources[:4]:
                lines.append(f"    {source['node']} {source['before']} → {source['after']}")
        return "\n".join(lines)


def watch_layout(page: Page) -> None:
    """Record the layout shifts of every document the page loads from now on."""
    page.add_init_script(OBSERVER)


def throttle_cpu(page: Page, rate: float) -> None:
    """A slower processor (rate 4 = four times slower), as Lighthouse's mobile run does."""
    page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": rate})


def measure(page: Page, url: str, what: str, ready: str | None = None, settle_ms: int = 1500) -> Layout:
    """Load `url` in `page` (watched by `watch_layout`), wait for the load event and for `ready` (a selector, such
    as the live connection's mark), let it settle, and return the shifts recorded without recent input."""
    response = page.goto(url)
    assert response is not None and response.ok, f"{what} : {url} répond {response and response.status}"
    page.wait_for_load_state("load")
    if ready:
        page.wait_for_selector(ready, state="attached", timeout=15_000)
    page.wait_for_timeout(settle_ms)
    return recorded(page, what)


def recorded(page: Page, what: str) -> Layout:
    """The shifts the page has recorded so far (those right after a tap or a key left out)."""
    entries = page.evaluate("window.__layoutShifts || []")
    return Layout(what, [Shift(e["value"], e["time"], e["sources"]) for e in entries if not e["input"]])


def unstable(layouts: list[Layout], limit: float = LIMIT) -> str:
    """The reports of the pages whose CLS reaches the limit; empty when every page holds still."""
    return "\n".join(layout.report() for layout in layouts if layout.cls >= limit)
