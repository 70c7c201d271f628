"""What the browser tests share: the server handle, signing in, screenshots, label checks."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import httpx
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
    issuer: str = ""  # the OpenID Connect provider on loopback


def says(lang: str, key: str, **values: object) -> str:
    """A message of the pages' catalogue in ``lang``, its placeholders filled as the page fills them."""
    messages: dict[str, str] = json.loads((ROOT / "api" / "web" / "i18n" / f"{lang}.json").read_text("utf-8"))
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), "")), messages[key])


def sign_in_oidc(page: Page, server: Server, sub: str, lands_on: str) -> None:
    """Sign in as a person through the provider: our button, the provider's form, back to the page."""
    page.goto(server.url + "/")
    page.locator("#oidc a").click()  # "Sign in with your organisation", in the page's language
    page.wait_for_url(f"{server.issuer}/**")
    page.locator("input[name=sub]").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"**{lands_on}")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")


def sign_in(page: Page, server: Server, holder: str, lands_on: str) -> None:
    sign_in_with_key(page, server, server.keys[holder], lands_on)


def sign_in_with_key(page: Page, server: Server, key: str, lands_on: str) -> None:
    page.goto(server.url + "/")
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{lands_on}")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")


def new_organisation(server: Server, org: str, officer: str) -> str:
    """A fresh organisation with one officer, made by the demo's platform admin: tests that add records
    keep the demo organisations' counts intact. Returns the officer's key."""
    admin = {"Authorization": f"Bearer {server.keys['platform-pat']}"}
    r = httpx.post(f"{server.url}/v1/organisations", json={"id": org, "name": org}, headers=admin)
    assert r.status_code == 201, r.text
    r = httpx.post(
        f"{server.url}/v1/organisations/{org}/keys", json={"name": officer, "role": "officer"}, headers=admin
    )
    assert r.status_code == 201, r.text
    return str(r.json()["key"])


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
