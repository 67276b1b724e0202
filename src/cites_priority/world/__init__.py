"""The embedded default world: real extracts plus a documented simulation (docs/world.md)."""

from __future__ import annotations

from .build import build_world, generate
from .spec import WorldSpec, dump_spec, load_spec

__all__ = ["WorldSpec", "build_world", "dump_spec", "generate", "load_spec"]
