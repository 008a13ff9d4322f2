class PublishError(ValueError):
    """A source refused by the pipeline, with a message for its author: what, where (file, line, field), and how
    to fix it."""

    import_path: str = ""  # set by a site import: the archive file it refused

    def __init__(self, message: str, *, field: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.line = line
