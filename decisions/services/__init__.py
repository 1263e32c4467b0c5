"""Workflows for decisions, one module per part: proposals, methods (decisions and their
responses), actions (the action log) and public ("you said, we did")."""


class Refused(Exception):
    """Something stops this step; the message says what, in plain words. Nothing changed."""
