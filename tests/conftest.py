"""Shared fixtures: paths to the user's documents and small real inputs made on the fly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ocrfix import synth

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
EVAL_DEV = SHARED / "eval" / "dev"

PAGE_TEXT = (
    "Minutes of the library group\n\n"
    "The members agreed to scan every pamphlet in the collection and to keep the "
    "corrected text beside the images."
)


@pytest.fixture(autouse=True, scope="session")
def private_user_data(tmp_path_factory):
    """Tests never read or write the user's learned data (subprocesses inherit this too)."""
    from ocrfix.correct import assemble

    previous = os.environ.get("OCRFIX_DATA")
    os.environ["OCRFIX_DATA"] = str(tmp_path_factory.mktemp("ocrfix-data"))
    assemble.corrector_for.cache_clear()
    yield
    if previous is None:
        os.environ.pop("OCRFIX_DATA", None)
    else:
        os.environ["OCRFIX_DATA"] = previous
    assemble.corrector_for.cache_clear()


def require_shared() -> None:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")


@pytest.fixture(scope="session")
def page_image():
    """A rendered page (Pillow, 300 dpi) whose text is PAGE_TEXT."""
    return synth.render_page(PAGE_TEXT, "serif", page_in=(5.83, 2.5))


@pytest.fixture
def page_png(tmp_path: Path, page_image) -> Path:
    path = tmp_path / "page.png"
    synth.save_pages([page_image], path, 300)
    return path
