"""How static files are stored in production: compressed, with hashed names."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's compressed storage with hashed names, where the `import` statements of
    JavaScript modules name the hashed files too. Otherwise a module would import whichever
    copy of a file the server has now, not the one collected with it, and that file could
    not be cached for good."""

    support_js_module_import_aggregation = True
