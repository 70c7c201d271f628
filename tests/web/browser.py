"""What the browser tests share: the server handle, signing in, screenshots, label checks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "out" / "screenshots"
DOCS_SCREENSHOT = ROOT / "docs" / "officer.png"

#: Generous waits for elements (the machine is shared); nothing asserts on durations.
expect.set_options(timeout=30_000)


@dataclass(frozen=True)
class Server:
    url: str
    keys: dict[str, str]  # key holder (officer-ben, planner-eva...) -> API key


def sign_in(page: Page, server: Server, holder: str, lands_on: str) -> None:
    page.goto(server.url + "/")
    page.get_by_label("API key").fill(server.keys[holder])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{lands_on}")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=full_page)
    return path


def unlabelled_controls(page: Page) -> list[str]:
    """Form controls a screen reader could not name."""
    result: list[str] = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea, button')]
            .filter((el) => el.type !== 'hidden' && !el.closest('[hidden]'))
            .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                            && !el.getAttribute('aria-labelledby') && !el.textContent.trim())
            .map((el) => el.outerHTML.slice(0, 120))"""
    )
    return result
