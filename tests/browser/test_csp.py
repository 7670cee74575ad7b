"""The Content-Security-Policy in a real browser: what it blocks, and that a browser test sees it."""

from __future__ import annotations

from playwright.sync_api import Browser, BrowserContext, expect

from tests.browser.conftest import PAGE_ERRORS
from tests.servers import AppServer

INJECT = """() => {
  const box = document.createElement("div");
  box.setAttribute("style", "outline: 3px solid red");
  box.setAttribute("onclick", "window.clicked = true");
  document.body.appendChild(box);
  box.click();
  const script = document.createElement("script");
  script.textContent = "window.inlineRan = true";
  document.body.appendChild(script);
}"""


def test_inline_code_is_blocked_and_fails_the_browser_test(context: BrowserContext, app_server: AppServer) -> None:
    page = context.new_page()
    page.goto(app_server.url + "/progression/")
    expect(page.locator("h1")).to_be_visible()
    assert not PAGE_ERRORS, PAGE_ERRORS  # the real page breaks nothing
    page.evaluate(INJECT)
    page.wait_for_function("() => true")
    assert page.evaluate("() => [window.clicked === true, window.inlineRan === true]") == [False, False]
    expect(page.locator("body")).to_be_visible()
    page.wait_for_timeout(200)  # the violation events are queued after the script that caused them
    found = " ".join(PAGE_ERRORS)
    assert "Violation de la CSP : style-src-attr" in found and "script-src-elem" in found, PAGE_ERRORS
    PAGE_ERRORS.clear()  # seen: this test must not fail for them
    page.close()


def test_a_foreign_page_cannot_frame_the_sign_in_or_join_pages(browser: Browser, app_server: AppServer) -> None:
    """/connexion and /j rendered inside a foreign iframe (issue 13): now the browser refuses to show them."""
    context = browser.new_context()
    page = context.new_page()
    for path in ("/connexion", "/j"):
        page.set_content(f'<p>Autre site</p><iframe src="{app_server.url}{path}"></iframe>')
        page.wait_for_timeout(500)
        framed = [frame for frame in page.frames if frame != page.main_frame]
        assert framed, "pas de cadre"
        # Blocked: Chromium puts its error page in the frame, never the Kit's form.
        assert all(frame.locator("form").count() == 0 for frame in framed), [f.url for f in framed]
    refused = " ".join(PAGE_ERRORS)
    assert "frame-ancestors" in refused or "X-Frame-Options" in refused, PAGE_ERRORS
    PAGE_ERRORS.clear()  # the refusals this test expects
    context.close()
