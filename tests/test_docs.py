"""The documents a clone carries point only at things the clone has.

A reference to ``../shared/DESIGN.md`` worked on the machine it was written on and nowhere
else; the protocol reference now lives in the repository (docs/protocol.md).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCS = sorted([REPO / "README.md", *REPO.glob("*/README.md"), *REPO.glob("docs/*.md")])
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(REPO)))
def test_links_stay_inside_the_repository_and_resolve(doc: Path):
    text = doc.read_text(encoding="utf-8")
    assert "../" not in text, f"{doc.name} points outside the repository"
    for target in LINK.findall(text):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue  # a web address or an anchor in the same page
        path = (doc.parent / target.split("#")[0]).resolve()
        assert path.is_relative_to(REPO) and path.exists(), f"{doc.name}: {target}"


def test_readme_says_where_antrean_is_and_links_the_protocol():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert ".venv/bin/antrean" in text
    assert "(docs/protocol.md)" in text
    assert re.search(r"`make test` takes about\s+\d+ minutes", text)
    protocol = (REPO / "docs/protocol.md").read_text(encoding="utf-8")
    for must in ("/api/v1", "Authorization: Bearer", "message_en", "since=", "request_id",
                 "ticket.called", "excel=1"):
        assert must in protocol, must
