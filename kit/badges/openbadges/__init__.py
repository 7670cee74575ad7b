"""Open Badges 2.0 and 3.0, as plain functions: JSON documents, signing, baking and badge images.

Nothing here knows Flask or the database. The vendored JSON-LD contexts and the OB 3.0
JSON Schema live in `contexts/` and `schemas/`, so that signing works with no Internet.
See docs/badges.md.
"""

from kit.badges.openbadges.baking import bake_png, bake_svg, png_text_chunks
from kit.badges.openbadges.keys import SigningKey, load_or_create_key, multikey
from kit.badges.openbadges.ob3 import CONTEXT_OB3, CONTEXT_VC2, canonical, sign_credential, verify_credential

__all__ = [
    "CONTEXT_OB3", "CONTEXT_VC2", "SigningKey", "bake_png", "bake_svg", "canonical", "load_or_create_key",
    "multikey", "png_text_chunks", "sign_credential", "verify_credential",
]
