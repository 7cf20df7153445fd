"""The one error type of the data package: a dataset spec or file that cannot become data."""


class DataError(ValueError):
    """The message names what is wrong (a label, a row, a missing upload)."""
