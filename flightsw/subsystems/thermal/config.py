"""The thermal network as configured: nodes, conductive links, heaters and the coolant loop.

Keys of `[subsystems.thermal]` (all optional):

    max_substep_s = 10.0
    [[subsystems.thermal.nodes]]    name, heat_capacity_j_k, dissipation_w, initial_temp_c,
                                    radiator_area_m2 (0 = not a radiator), emissivity, absorptivity
    [[subsystems.thermal.links]]    node_a, node_b, conductance_w_k
    [[subsystems.thermal.heaters]]  name, node, power_w, set_point_c, hysteresis_k, enabled
    [subsystems.thermal.pump]       nodes (list), radiator, conductance_w_k, power_w, on

Without `nodes`, the default network below (a small LEO spacecraft) is used, and so are the
default links, heaters and pump unless given. With `nodes`, missing links, heaters or pump mean
none, since the defaults name nodes that may not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flightsw.config.section import REQUIRED, Section

MAX_NODES = 100  # nodes, links or heaters of a lumped network (the shipped ones have 4 to 6)
DEFAULT_NODES: list[dict[str, Any]] = [
    {"name": "cabin", "heat_capacity_j_k": 20_000.0, "dissipation_w": 10.0},
    {"name": "avionics", "heat_capacity_j_k": 5_000.0, "dissipation_w": 25.0},
    {"name": "tank", "heat_capacity_j_k": 15_000.0, "initial_temp_c": 15.0},
    {
        "name": "radiator",
        "heat_capacity_j_k": 3_000.0,
        "initial_temp_c": 0.0,
        "radiator_area_m2": 0.15,
        "emissivity": 0.85,  # white paint
        "absorptivity": 0.15,
    },
]
DEFAULT_LINKS: list[dict[str, Any]] = [
    {"node_a": "cabin", "node_b": "avionics", "conductance_w_k": 2.0},
    {"node_a": "cabin", "node_b": "tank", "conductance_w_k": 1.0},
    {"node_a": "cabin", "node_b": "radiator", "conductance_w_k": 1.5},
    {"node_a": "avionics", "node_b": "radiator", "conductance_w_k": 0.5},
]
DEFAULT_HEATERS: list[dict[str, Any]] = [
    {"name": "tank", "node": "tank", "power_w": 10.0, "set_point_c": 10.0},
    {"name": "cabin", "node": "cabin", "power_w": 15.0, "set_point_c": 15.0},
]
DEFAULT_PUMP: dict[str, Any] = {
    "nodes": ["avionics", "cabin"],
    "radiator": "radiator",
    "conductance_w_k": 3.0,
    "power_w": 10.0,
    "on": False,
}


@dataclass(frozen=True, slots=True)
class Node:
    name: str
    heat_capacity_j_k: float
    dissipation_w: float
    initial_temp_c: float
    radiator_area_m2: float
    emissivity: float
    absorptivity: float


@dataclass(frozen=True, slots=True)
class Heater:
    name: str
    node: int
    power_w: float
    set_point_c: float
    hysteresis_k: float
    enabled: bool


@dataclass(frozen=True, slots=True)
class Pump:
    nodes: tuple[int, ...]
    radiator: int
    conductance_w_k: float
    power_w: float
    on: bool


@dataclass(frozen=True, slots=True)
class ThermalConfig:
    nodes: tuple[Node, ...]
    links: tuple[tuple[int, int, float], ...]
    heaters: tuple[Heater, ...]
    pump: Pump | None
    max_substep_s: float


def read_thermal_config(section: Section) -> ThermalConfig:
    """Check and index the thermal network; refuse unknown node names and bad values."""
    custom = section.has("nodes")
    nodes = tuple(_node(s) for s in _tables(section, "nodes", None if custom else DEFAULT_NODES))
    if not nodes:
        raise section.error("nodes", "give at least one node")
    index = {node.name: i for i, node in enumerate(nodes)}
    if len(index) != len(nodes):
        raise section.error("nodes", "node names must be unique")

    def node_index(table: Section, key: str) -> int:
        name = table.str(key)
        if name not in index:
            raise table.error(key, f"no node {name!r} (nodes: {', '.join(index)})")
        return index[name]

    links = tuple(
        (
            node_index(s, "node_a"),
            node_index(s, "node_b"),
            s.float("conductance_w_k", REQUIRED, minimum=0.0, maximum=1e6, unit="W/K"),
        )
        for s in _tables(section, "links", None if custom else DEFAULT_LINKS)
    )
    heaters = tuple(
        Heater(
            name=s.str("name"),
            node=node_index(s, "node"),
            power_w=s.float("power_w", REQUIRED, minimum=0.0, maximum=1e5, unit="W"),
            set_point_c=s.float("set_point_c", 10.0, -100.0, 100.0, "degC"),
            hysteresis_k=s.float("hysteresis_k", 2.0, 0.0, 50.0, "K"),
            enabled=s.bool("enabled", True),
        )
        for s in _tables(section, "heaters", None if custom else DEFAULT_HEATERS)
    )
    if len({h.name for h in heaters}) != len(heaters):
        raise section.error("heaters", "heater names must be unique")
    pump = None
    if section.has("pump") or not custom:
        table = section.section("pump", DEFAULT_PUMP)
        names = table.str_list("nodes", (), max_items=MAX_NODES, what="node names")
        radiators = [i for i, n in enumerate(nodes) if n.radiator_area_m2 > 0.0]
        if table.has("radiator"):
            radiator = node_index(table, "radiator")
        elif radiators:
            radiator = radiators[0]
        else:
            raise table.error("radiator", "no radiator node (radiator_area_m2 > 0) to cool into")
        pump = Pump(
            nodes=tuple(_checked(table, "nodes", n, index) for n in names),
            radiator=radiator,
            conductance_w_k=table.float("conductance_w_k", 3.0, 0.0, 1e6, "W/K"),
            power_w=table.float("power_w", 10.0, 0.0, 1e5, "W"),
            on=table.bool("on", False),
        )
    return ThermalConfig(
        nodes,
        links,
        heaters,
        pump,
        section.float("max_substep_s", 10.0, minimum=0.01, maximum=60.0, unit="s"),
    )


def _node(s: Section) -> Node:
    return Node(
        name=s.str("name"),
        heat_capacity_j_k=s.float(
            "heat_capacity_j_k", REQUIRED, minimum=1e-3, maximum=1e9, unit="J/K"
        ),
        dissipation_w=s.float("dissipation_w", 0.0, 0.0, 1e6, "W"),
        initial_temp_c=s.float("initial_temp_c", 20.0, -270.0, 1000.0, "degC"),
        radiator_area_m2=s.float("radiator_area_m2", 0.0, 0.0, 1e4, "m2"),
        emissivity=s.float("emissivity", 0.85, 0.0, 1.0),
        absorptivity=s.float("absorptivity", 0.2, 0.0, 1.0),
    )


def _tables(section: Section, key: str, default: list[dict[str, Any]] | None) -> list[Section]:
    if section.has(key) or default is None:
        return section.sections(key, MAX_NODES)
    return Section({key: default}, section.path, section.prefix).sections(key)


def _checked(table: Section, key: str, name: str, index: dict[str, int]) -> int:
    if name not in index:
        raise table.error(key, f"no node {name!r} (nodes: {', '.join(index)})")
    return index[name]
