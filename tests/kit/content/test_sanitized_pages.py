"""Hostile markdown published as a module never reaches a page as executable HTML."""

from __future__ import annotations

import hashlib
import re

import pytest
from flask import Flask

from kit.extensions import db
from kit.models import ModuleRevision
from tests.slides.hostile import assert_safe, hostile_module

OUR_SCRIPTS = re.compile(r'<script src="/static/js/[\w.]+\.js"></script>')


@pytest.mark.parametrize("page", ["", "/projection", "/projection/3", "/presentateur", "/fiche", "/trame"])
def test_hostile_module_pages_are_safe(app: Flask, page: str) -> None:
    text = hostile_module()
    with app.app_context():
        digest = hashlib.sha256(text.encode()).hexdigest()
        db.session.add(ModuleRevision(slug="hostile", source=text, source_hash=digest, published=True))
        db.session.commit()
    response = app.test_client().get(f"/modules/hostile{page}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "alert" in html  # the payload is there, as inert text
    # The page's own scripts are the only ones allowed.
    page_html = OUR_SCRIPTS.sub("", html)
    assert_safe(page_html, allow=frozenset({"meta", "link", "svg"}))
    # The only SVG are our answer shapes and logo: none comes from the module.
    assert page_html.count("<svg") == page_html.count('<svg class="shape"') + page_html.count('<svg aria-hidden')
