"""A synthetic clinic for trainers, tests and first looks (filled in by `fill_demo_clinic`)."""

from __future__ import annotations
