"""Meeting views, one module per part of a meeting's life."""
