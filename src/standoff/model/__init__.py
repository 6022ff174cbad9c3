"""Model files: parsing, validation, statements over options, evidence."""

from standoff.model.loader import ModelSpec, read_model

__all__ = ["ModelSpec", "read_model"]
