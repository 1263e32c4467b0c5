"""The access requirements every installation starts with. Administrators can add more."""

from typing import Any, TypedDict


class Entry(TypedDict, total=False):
    code: str
    name: str
    category: str
    hint: str
    detail_kind: str
    detail_label: str


STARTING_CATALOGUE: list[Entry] = [
    {
        "code": "bsl-interpreter",
        "name": "British Sign Language (BSL) interpreter",
        "category": "communication",
    },
    {"code": "lipspeaker", "name": "Lipspeaker", "category": "communication"},
    {"code": "captions", "name": "Speech-to-text or live captions", "category": "communication"},
    {"code": "hearing-loop", "name": "Hearing loop", "category": "venue"},
    {"code": "note-taker", "name": "Note-taker", "category": "communication"},
    {
        "code": "spoken-language-interpreter",
        "name": "Interpreter for a spoken language",
        "category": "communication",
        "detail_kind": "text",
        "detail_label": "Which language?",
    },
    {"code": "step-free", "name": "Step-free access", "category": "venue"},
    {"code": "wheelchair-space", "name": "Space for a wheelchair", "category": "venue"},
    {"code": "accessible-toilet", "name": "Accessible toilet", "category": "venue"},
    {"code": "quiet-room", "name": "A quiet room to take a break in", "category": "venue"},
    {
        "code": "lighting",
        "name": "Lighting needs",
        "category": "venue",
        "detail_kind": "text",
        "detail_label": "What lighting do you need?",
    },
    {
        "code": "assistance-dog",
        "name": "Space and water for an assistance dog",
        "category": "venue",
    },
    {
        "code": "regular-breaks",
        "name": "Regular breaks",
        "category": "support",
        "detail_kind": "number",
        "detail_label": "How often do you need a break, in minutes?",
    },
    {
        "code": "support-worker",
        "name": "A support worker or personal assistant comes with me",
        "category": "support",
    },
    {
        "code": "travel-support",
        "name": "Help with travel",
        "category": "support",
        "detail_kind": "text",
        "detail_label": "What help with travel do you need?",
    },
    {"code": "easy-read", "name": "Easy read", "category": "format"},
    {
        "code": "large-print",
        "name": "Large print",
        "category": "format",
        "detail_kind": "number",
        "detail_label": "What size of print, in points?",
    },
    {"code": "audio", "name": "Audio recording", "category": "format"},
    {"code": "braille", "name": "Braille", "category": "format"},
    {
        "code": "screen-reader",
        "name": "Electronic documents that work with a screen reader",
        "category": "format",
    },
    {"code": "paper-by-post", "name": "Paper copies by post", "category": "format"},
    {
        "code": "dietary",
        "name": "Dietary needs",
        "category": "food",
        "detail_kind": "text",
        "detail_label": "What can you not eat or drink?",
    },
]


def add_starting_catalogue(model: Any) -> None:
    """Add any starting entries that are missing. `model` may be a migration's historical model."""
    for position, entry in enumerate(STARTING_CATALOGUE):
        model.objects.get_or_create(
            code=entry["code"], defaults={**entry, "position": (position + 1) * 10}
        )
