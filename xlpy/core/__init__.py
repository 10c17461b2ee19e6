"""The core: computes every figure on DataFrames; imports no Excel, Word or file library."""

from xlpy.core.compute import compute

__all__ = ["compute"]
