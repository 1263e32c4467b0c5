"""Forms for meetings, one module per stage of a meeting's life, as in `meetings.services`."""
