"""Checks the responsive-layout tests share: nothing scrolls sideways, every control is in
sight (or in a table that scrolls by itself), and axe-core's accessibility rules."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Locator, Page, expect

AXE = Path(__file__).resolve().parents[1] / "js" / "node_modules" / "axe-core" / "axe.min.js"

# Each control in sight after scrolling to it, and more than a sliver. A control inside a
# container that scrolls sideways by itself (a wide table) counts if that container is in sight.
_CONTROLS_OUT_OF_SIGHT = """() => {
  const width = window.innerWidth;
  const controls = 'button, a[href], input:not([type="hidden"]), textarea, select, [role="tab"], '
    + '[role="radio"], [role="combobox"]';
  const scrollsSideways = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (['auto', 'scroll'].includes(style.overflowX) && up.scrollWidth > up.clientWidth) return up;
    }
    return null;
  };
  const name = (el) => (el.getAttribute('aria-label') || el.textContent || el.tagName).trim();
  const bad = [];
  for (const el of document.querySelectorAll(controls)) {
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || el.closest('[aria-hidden="true"], .hearth-sr-only')) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) continue;  // not rendered (display: none)
    const box = (scrollsSideways(el) || el).getBoundingClientRect();
    if (box.left < -1 || box.right > width + 1) {
      bad.push(`${name(el).slice(0, 40)} at x ${Math.round(box.left)}..${Math.round(box.right)}`);
    } else if (rect.width < 12 || rect.height < 12) {
      bad.push(`${name(el).slice(0, 40)} is ${Math.round(rect.width)}x${Math.round(rect.height)} px`);
    }
  }
  return bad;
}"""

_SIDEWAYS = """() => {
  const width = window.innerWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter((el) => getComputedStyle(el).visibility !== 'hidden')
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .map((el) => `${el.tagName.toLowerCase()}.${el.className}`.slice(0, 60));
  return {
    page: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
    width,
    wide: wide.slice(0, 8),
  };
}"""


def settle(page: Page) -> None:
    """Wait for running transitions (a drawer sliding in) to end; endless ones are skipped."""
    page.evaluate(
        "() => Promise.all(document.getAnimations()"
        ".filter((a) => a.effect && a.effect.getTiming().iterations !== Infinity)"
        ".map((a) => a.finished.catch(() => null)))"
    )


def assert_no_sideways_scroll(page: Page, where: str) -> None:
    """The page is no wider than the window (neither `html` nor `body` scrolls sideways)."""
    settle(page)
    found = page.evaluate(_SIDEWAYS)
    assert found["page"] <= found["width"], (
        f"{where} is {found['page']} px wide in a {found['width']} px window; "
        f"past the edge: {found['wide']}"
    )


def assert_controls_in_sight(page: Page, where: str) -> None:
    """Every rendered control lies within the window's width and is not squeezed to a sliver."""
    settle(page)
    bad = page.evaluate(_CONTROLS_OUT_OF_SIGHT)
    assert not bad, f"{where}: controls out of sight or squeezed: {bad}"


def assert_reachable(control: Locator) -> None:
    """The control shows, and scrolled to, lies wholly inside the window."""
    expect(control).to_be_visible()
    settle(control.page)
    control.scroll_into_view_if_needed()
    box = control.bounding_box()
    assert box is not None
    viewport = control.page.viewport_size or {"width": 0, "height": 0}
    assert box["x"] >= -1 and box["x"] + box["width"] <= viewport["width"] + 1, (
        f"{control} spans x {box['x']:.0f}..{box['x'] + box['width']:.0f} "
        f"in a {viewport['width']} px window"
    )
    assert box["y"] >= -1 and box["y"] + box["height"] <= viewport["height"] + 1, (
        f"{control} spans y {box['y']:.0f}..{box['y'] + box['height']:.0f} "
        f"in a {viewport['height']} px window"
    )


def serious_accessibility_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each
    (the page's context must bypass the CSP: axe is injected as an inline script)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 6).map(n => n.target.join(' ') + ' ' + n.failureSummary"
        ".replace(/\\s+/g, ' ').slice(-120))}))"
    )
    return [f"{v['impact']} {v['id']}: {v['help']} at {v['nodes']}" for v in results]
