"""Recruitment registers nothing in data administration: applicants' details and the panel's
notes are reached only through the recruitment pages, which check who may see them."""
