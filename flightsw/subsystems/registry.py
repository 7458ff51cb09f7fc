"""Which model class flies each subsystem named in a mission config.

The table itself (`MODELS`, names and module paths) sits in `flightsw.config.models`, so the
config is checked against the names without importing a model.
"""

from __future__ import annotations

import importlib
from typing import Any

from flightsw.config.mission import MissionConfig
from flightsw.config.models import MODELS
from flightsw.subsystems.base import Subsystem

__all__ = ["MODELS", "build_models", "model_class"]


def model_class(name: str) -> type[Subsystem[Any]]:
    module_name, class_name = MODELS[name].split(":")
    cls: type[Subsystem[Any]] = getattr(importlib.import_module(module_name), class_name)
    return cls


def build_models(config: MissionConfig) -> list[Subsystem[Any]]:
    """One model per `[subsystems.NAME]` table, in the registry's order (names checked on load)."""
    return [
        model_class(name).from_config(config.subsystems[name], config.context)  # type: ignore[attr-defined]
        for name in MODELS
        if name in config.subsystems
    ]
