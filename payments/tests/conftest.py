from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    """Receipts go to a folder of the test's own, not the development media folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
