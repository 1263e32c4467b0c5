"""PDF files drawn from HTML with WeasyPrint, which needs the Pango library.

Where Pango is missing, `from_html` gives None and the statement stays a printable page.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

weasyprint: Any
# WeasyPrint reports each step of its work at INFO, already while it loads, which would
# fill the server's log.
logging.disable(logging.INFO)
try:
    weasyprint = importlib.import_module("weasyprint")
except OSError:  # pragma: no cover - Pango is not installed
    weasyprint = None
finally:
    logging.disable(logging.NOTSET)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def available() -> bool:
    return weasyprint is not None


def from_html(html: str) -> bytes | None:
    if weasyprint is None:  # pragma: no cover
        return None
    # No base address: the document names no file, so WeasyPrint fetches nothing.
    document: bytes = weasyprint.HTML(string=html).write_pdf()
    return document
