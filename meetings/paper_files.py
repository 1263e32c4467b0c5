"""Which files a paper can be, checked by the name's ending and by what the file holds.

A name can lie, so each kind is also recognised by its first bytes ("magic numbers"): a
renamed program is refused even when it is called `agenda.pdf`. Errors say what is allowed
and what the file was, so people know what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile
from django.utils.text import slugify
from django.utils.translation import gettext as _

from meetings.models import PaperFormat

MAX_BYTES = 20 * 1024 * 1024
MEGABYTE = 1024 * 1024
# How much of a file is read to recognise it. Text files are read whole (they are small).
HEAD_BYTES = 16


@dataclass(frozen=True)
class Kind:
    content_type: str
    description: str


KINDS: dict[str, Kind] = {
    "pdf": Kind("application/pdf", "PDF"),
    "docx": Kind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word document",
    ),
    "odt": Kind("application/vnd.oasis.opendocument.text", "OpenDocument text"),
    "rtf": Kind("application/rtf", "rich text (RTF)"),
    "txt": Kind("text/plain; charset=utf-8", "plain text"),
    "brf": Kind("text/plain; charset=utf-8", "Braille-ready file"),
    "brl": Kind("text/plain; charset=utf-8", "Braille-ready file"),
    "mp3": Kind("audio/mpeg", "MP3 audio"),
    "m4a": Kind("audio/mp4", "M4A audio"),
    "wav": Kind("audio/wav", "WAV audio"),
}

DOCUMENTS = ("pdf", "docx", "odt", "rtf", "txt")
ALLOWED: dict[str, tuple[str, ...]] = {
    PaperFormat.STANDARD: DOCUMENTS,
    PaperFormat.EASY_READ: DOCUMENTS,
    PaperFormat.LARGE_PRINT: DOCUMENTS,
    PaperFormat.AUDIO: ("mp3", "m4a", "wav"),
    PaperFormat.BRAILLE_READY: ("brf", "brl", "txt"),
    PaperFormat.PLAIN_TEXT: ("txt",),
}


def allowed_message(paper_format: str) -> str:
    """What a version in this format may be, in words."""
    if paper_format == PaperFormat.AUDIO:
        return _("Audio versions must be MP3, M4A or WAV.")
    if paper_format == PaperFormat.BRAILLE_READY:
        return _("Braille-ready versions must be BRF, BRL or plain text (.txt) files.")
    if paper_format == PaperFormat.PLAIN_TEXT:
        return _("Plain text versions must be .txt files.")
    return _("Papers must be PDF, Word (.docx), OpenDocument (.odt), RTF or plain text (.txt).")


def extension_of(name: str) -> str:
    return PurePath(name).suffix.lower().lstrip(".")


# A web page or a drawing (SVG) that a browser would run, whatever the file is called.
MARKUP_STARTS = (b"<!doctype", b"<html", b"<svg", b"<?xml", b"<script", b"<head", b"<body")


def _is_markup(whole: bytes) -> bool:
    return whole.lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith(MARKUP_STARTS)


def _looks_like(extension: str, head: bytes, whole: bytes | None) -> bool:
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension in ("docx", "odt"):
        # Both are zip archives.
        return head.startswith(b"PK\x03\x04")
    if extension == "rtf":
        return head.startswith(b"{\\rtf")
    if extension == "mp3":
        # An ID3 tag, or straight into an MPEG audio frame (11 set bits of frame sync).
        return head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] >= 0xE0)
    if extension == "m4a":
        return head[4:8] == b"ftyp"
    if extension == "wav":
        return head.startswith(b"RIFF") and head[8:12] == b"WAVE"
    if extension in ("txt", "brf", "brl"):
        if whole is None or b"\x00" in whole or _is_markup(whole):
            return False
        try:
            whole.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True
    return False


def check_upload(upload: UploadedFile[bytes], paper_format: str) -> str | None:
    """The problem with this file as a paper in `paper_format`, or None if it is fine."""
    name = upload.name or ""
    extension = extension_of(name)
    allowed = ALLOWED.get(paper_format, DOCUMENTS)
    if not extension:
        return _(
            "We cannot tell what kind of file this is: its name has no ending such as .pdf. "
            "%(allowed)s"
        ) % {"allowed": allowed_message(paper_format)}
    if extension not in allowed:
        return _("We cannot accept .%(extension)s files as papers. %(allowed)s") % {
            "allowed": allowed_message(paper_format),
            "extension": extension,
        }
    size = upload.size or 0
    if size == 0:
        return _("The file is empty. Check it opens on your computer, then choose it again.")
    if size >= MAX_BYTES:
        megabytes = size / MEGABYTE
        return _("The file is %(size)s MB. Files must be smaller than 20 MB.") % {
            "size": f"{megabytes:.0f}" if megabytes >= 21 else f"{megabytes:.1f}"
        }
    upload.seek(0)
    is_text = extension in ("txt", "brf", "brl")
    whole = upload.read() if is_text else None
    head = whole[:HEAD_BYTES] if whole is not None else upload.read(HEAD_BYTES)
    upload.seek(0)
    if not _looks_like(extension, head, whole):
        if is_text:
            return _(
                "This file ends in .%(extension)s but is not plain text we can read. Save it "
                "as plain text (UTF-8) and try again."
            ) % {"extension": extension}
        return _(
            "This file ends in .%(extension)s but is not a %(kind)s inside. It may be damaged, "
            "or another kind of file renamed. Save it again as a %(kind)s and try again."
        ) % {"extension": extension, "kind": KINDS[extension].description}
    return None


def stored_name(title: str, paper_format: str, original: str) -> str:
    """A tidy name for the stored file: the paper's title, its format, the real ending."""
    extension = extension_of(original)
    stem = slugify(title)[:80] or "paper"
    if paper_format != PaperFormat.STANDARD:
        stem += "-" + paper_format.replace("_", "-")
    return f"{stem}.{extension}"


def content_type_of(name: str) -> str:
    kind = KINDS.get(extension_of(name))
    return kind.content_type if kind else "application/octet-stream"
