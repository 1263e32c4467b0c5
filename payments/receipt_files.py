"""Which files a receipt can be: a photo (JPEG or PNG) or a PDF, recognised by what the
file holds, never by its name, and no bigger than 5 MB.

A photo is also opened with Pillow, so a file that only starts like an image is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MEGABYTE = 1024 * 1024
HEAD_BYTES = 8


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str


PDF = Kind("application/pdf", ".pdf")
PNG = Kind("image/png", ".png")
JPEG = Kind("image/jpeg", ".jpg")


def extension_for(content_type: str) -> str:
    """The ending a stored receipt of this type gets: from what it holds, not its name."""
    return next(
        (kind.extension for kind in (PDF, PNG, JPEG) if kind.content_type == content_type), ""
    )


def kind_of(head: bytes) -> Kind | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    return None


def _is_a_real_image(upload: UploadedFile[bytes]) -> bool:
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
    finally:
        upload.seek(0)
    return True


def check_receipt(upload: UploadedFile[bytes]) -> tuple[Kind | None, str | None]:
    """What kind of receipt this is, or the problem with it in words."""
    size = upload.size or 0
    if size == 0:
        return None, _("The receipt file is empty. Check it opens, then choose it again.")
    if size > MAX_BYTES:
        return None, _("The receipt is %(size)s MB. It must be 5 MB or smaller.") % {
            "size": f"{size / MEGABYTE:.1f}"
        }
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = kind_of(head)
    if kind is None:
        return None, _(
            "The receipt must be a photo (JPEG or PNG) or a PDF. This file is another kind, "
            "whatever its name says."
        )
    if kind is not PDF and not _is_a_real_image(upload):
        return None, _("The photo of the receipt seems damaged. Take or save it again.")
    return kind, None
