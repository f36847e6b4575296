"""Differentiable primitives, one family per file (see DESIGN.md)."""
