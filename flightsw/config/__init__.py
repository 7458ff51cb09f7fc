"""Mission configs: one TOML file per mission, read and checked before anything flies.

Both processes read the same file (the ground its `[link]`, `[ground]` and `[endpoints]` parts),
so the ground imports this package too; it is on the allow-list of tests/test_architecture.py.
`check_mission` is the spacecraft's check of the whole file; the ground's adds its own tables.
"""

from flightsw.config.access import (
    GROUND,
    SPACECRAFT,
    AccessFolder,
    Certificate,
    Operator,
    Operators,
    OperatorsWatch,
    Role,
    access_folder,
    add_operator,
    local_user,
    make_certificate,
    provision,
    read_certificate,
    read_operators,
    remove_operator,
)
from flightsw.config.catalog import resolve_config, shipped_missions, shipped_missions_dir
from flightsw.config.check import check_mission, read_mission
from flightsw.config.document import read_toml
from flightsw.config.keys import (
    KEYS_MADE,
    TcKeys,
    default_keys_path,
    keys_path,
    new_keys,
    read_keys,
    with_active,
)
from flightsw.config.ledger import suggest
from flightsw.config.mission import (
    EXECUTIVE,
    GROUND_TABLES,
    RATE_MAX,
    RATE_MIN,
    ClockConfig,
    LinkConfig,
    MissionConfig,
    SecurityConfig,
    load_mission,
)
from flightsw.config.mission_context import CrewMember, GroundStation, MissionContext
from flightsw.config.section import PATH_CHARS, REQUIRED, Section
from flightsw.errors import ConfigError

__all__ = [
    "EXECUTIVE",
    "GROUND",
    "GROUND_TABLES",
    "KEYS_MADE",
    "PATH_CHARS",
    "RATE_MAX",
    "RATE_MIN",
    "REQUIRED",
    "SPACECRAFT",
    "AccessFolder",
    "Certificate",
    "ClockConfig",
    "ConfigError",
    "CrewMember",
    "GroundStation",
    "LinkConfig",
    "MissionConfig",
    "MissionContext",
    "Operator",
    "Operators",
    "OperatorsWatch",
    "Role",
    "Section",
    "SecurityConfig",
    "TcKeys",
    "access_folder",
    "add_operator",
    "check_mission",
    "default_keys_path",
    "keys_path",
    "load_mission",
    "local_user",
    "make_certificate",
    "new_keys",
    "provision",
    "read_certificate",
    "read_keys",
    "read_mission",
    "read_operators",
    "read_toml",
    "remove_operator",
    "resolve_config",
    "shipped_missions",
    "shipped_missions_dir",
    "suggest",
    "with_active",
]
