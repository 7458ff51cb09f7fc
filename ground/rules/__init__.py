"""Rules and the alarms they raise: no I/O, no clock; time comes in with every sample.

- `engine`: the rule transition, the Rule base and the RuleEngine (severities and states are
  words shared with the API: `ground.vocabulary`)
- `parameter_rule`, `kinds`: limit, delta, expected, staleness and combination rules
- `loader`: rules from a TOML file; `alarms`: the operator-facing life of a violation
"""

from ground.rules.alarms import AlarmManager, AlarmTransition
from ground.rules.engine import Rule, RuleEngine, RuleTransition
from ground.rules.kinds import (
    CombinationRule,
    DeltaRule,
    ExpectedRule,
    LimitBands,
    LimitRule,
    StalenessRule,
)
from ground.rules.loader import load_rules
from ground.vocabulary import AlarmSeverity, AlarmState, RuleState

__all__ = [
    "AlarmManager",
    "AlarmSeverity",
    "AlarmState",
    "AlarmTransition",
    "CombinationRule",
    "DeltaRule",
    "ExpectedRule",
    "LimitBands",
    "LimitRule",
    "Rule",
    "RuleEngine",
    "RuleState",
    "RuleTransition",
    "StalenessRule",
    "load_rules",
]
