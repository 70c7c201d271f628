"""Synthetic but realistic Luxembourg scenarios, run through the real matcher, for planners' what-ifs.

``generate(GeneratorParams(households=N, units=M), seed)`` makes a one-shot problem; spec files
(``scenarios/specs``) describe a world and its changes; ``wunneng scenario run|compare`` simulates
them month by month and reports indicators overall and per group. See ``scenarios/README.md``.
"""

from scenarios.generator import GeneratorParams, HouseholdProfile, generate, generate_population
from scenarios.spec import Spec, SpecError, load_spec

__all__ = [
    "GeneratorParams",
    "HouseholdProfile",
    "Spec",
    "SpecError",
    "generate",
    "generate_population",
    "load_spec",
]
