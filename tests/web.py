"""A tiny HTTP client with cookies and CSRF, to act as a phone or an animator against a real server."""

from __future__ import annotations

import re

import requests

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
ERROR = re.compile(r'<p class="error"[^>]*>(.*?)</p>', re.S)


def page_errors(html: str) -> list[str]:
    """The error messages that a refused form shows, so that a failed step says why."""
    return [message.strip() for message in ERROR.findall(html)]


class WebClient:
    """Cookies kept across requests; forms posted with the CSRF token of the page they come from."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()

    def get(self, path: str) -> requests.Response:
        """GET a page of the server."""
        return self.http.get(self.base_url + path, timeout=10)

    def submit(self, page: str, action: str, data: dict[str, str]) -> requests.Response:
        """Load `page`, take its CSRF token, POST `data` to `action` (redirects not followed)."""
        html = self.get(page).text
        match = CSRF.search(html)
        token = (match.group(1) or match.group(2)) if match else ""
        return self.http.post(self.base_url + action, data={"csrf_token": token, **data}, timeout=10,
                              allow_redirects=False)

    def cookie_header(self) -> str:
        """The cookies as a Cookie header, for a Socket.IO client."""
        return "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)

    def login(self, email: str, password: str) -> None:
        """Sign in as an animator."""
        response = self.submit("/connexion", "/connexion", {"email": email, "password": password})
        assert response.status_code == 302, response.text[:500]

    def join(self, code: str, nickname: str, avatar: str = "🐱") -> None:
        """Join a session as a new participant (a phone)."""
        response = self.submit(f"/j/{code}", f"/j/{code}/nouveau", {"nickname": nickname, "avatar": avatar})
        assert response.status_code == 302, (response.status_code, page_errors(response.text) or response.text[:500])
